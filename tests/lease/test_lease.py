"""The lease protocol (``ticketops.lease.lease``) on both of its stores: a branch of the linked
repository and a work item of the project. Acquire, contend, expiry takeover, renew, release,
and the fence (the local deadline and ADO's clock)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import pytest
from leasekit import Ticks

from ticketops.ado import AdoClient
from ticketops.emulator import Emulator, ManualClock
from ticketops.lease.branch import LEASE_REF, GitBranchStore
from ticketops.lease.item import WorkItemStore
from ticketops.lease.lease import Lease, LeaseBusy, LeaseKeeper, LeaseLost, exclusive, lease_store
from ticketops.model.config import BoardConfig
from ticketops.model.live import LEASE_TAG

STORES = ["branch", "item"]


def make_store(kind: str, client: AdoClient) -> GitBranchStore | WorkItemStore:
    if kind == "branch":
        return GitBranchStore(client, "Payments", "payments-api")
    return WorkItemStore(client, "Payments", "User Story")


@pytest.fixture(params=STORES)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def lease(kind: str, new_client: Callable[[], AdoClient], ticks: Ticks) -> Callable[..., Lease[object]]:
    def make(name: str, ttl: float = 60, clock: Callable[[], float] = ticks) -> Lease[object]:
        return Lease(make_store(kind, new_client()), holder=name, ttl=ttl, clock=clock)  # type: ignore[arg-type]

    return make


def lease_refs(emu: Emulator) -> list[str]:
    repo = emu.db.find_repo("payments-api", emu.db.project("Payments"))
    return [r for r in repo.git.references if r.startswith("refs/heads/ticketops/")]


def lease_items(emu: Emulator) -> list[int]:
    return [
        w.id for w in emu.db.work_items("Payments") if LEASE_TAG in str(w.fields.get("System.Tags", "")).split("; ")
    ]


def test_acquire_then_release_frees_the_lease(kind: str, emu: Emulator, lease) -> None:
    a, b = lease("host-a"), lease("host-b")

    assert a.try_acquire() is None
    assert a.held and a.read().record.holder == "host-a"
    assert b.try_acquire() is not None
    if kind == "branch":
        assert lease_refs(emu) == [LEASE_REF]

    assert a.release() is True
    assert not a.held and not a.lost
    if kind == "branch":
        assert lease_refs(emu) == []  # the branch is deleted
    else:
        assert a.read().record.released  # the item stays, its record says released
    assert b.try_acquire() is None  # free at once, no waiting for the expiry


def test_a_second_run_sees_the_holder_and_gives_up_after_its_wait(kind: str, lease) -> None:
    a, b = lease("host-a pid 1 (reconcile)"), lease("host-b")
    assert a.try_acquire() is None

    other = b.try_acquire()
    assert other is not None and other.holder == "host-a pid 1 (reconcile)"
    with pytest.raises(LeaseBusy) as busy:
        b.acquire(wait=0)
    message = str(busy.value)
    assert "host-a pid 1 (reconcile)" in message and re.search(r"until 2026-01-01T00:01:00\.\d{3}Z", message)
    assert "wrote nothing" in message
    if kind == "branch":
        assert "payments-api" in message and "delete the branch ticketops/lease" in message
    else:
        assert re.search(r"lease work item #\d+ in project 'Payments'", message)
        assert re.search(r"remove the tag ticketops-lease from work item #\d+", message)
    assert not b.held


def test_an_expired_lease_is_taken_over_and_the_old_holder_can_neither_renew_nor_release(
    clock: ManualClock, lease
) -> None:
    a, b = lease("host-a", ttl=60), lease("host-b", ttl=60)
    assert a.try_acquire() is None

    clock.advance(59)
    assert b.try_acquire() is not None  # still live in ADO's time
    clock.advance(2)
    assert b.try_acquire() is None  # expired: taken over
    assert b.read().record.holder == "host-b"

    with pytest.raises(LeaseLost, match=r"another run took .* over"):
        a.renew()
    assert a.release() is False  # no longer ours: refused, and b's lease is untouched
    assert "stopped writing" in a.lost
    assert b.read().record.holder == "host-b" and b.held


def test_a_lease_taken_over_and_released_meanwhile_cannot_be_renewed(
    kind: str, emu: Emulator, clock: ManualClock, lease
) -> None:
    """A was away; B took the expired lease and released it. A's renewal must not quietly bring its
    old lease back (ADO recreates a deleted branch from a non-zero oldObjectId instead of refusing
    the push): A has lost it, and nothing of A's is left behind."""
    a, b = lease("host-a", ttl=60), lease("host-b", ttl=60)
    assert a.try_acquire() is None
    clock.advance(61)
    assert b.try_acquire() is None and b.release()

    with pytest.raises(LeaseLost):
        a.renew()
    if kind == "branch":
        assert lease_refs(emu) == []
    else:
        assert a.read().record.holder == "host-b" and a.read().record.released
    c = lease("host-c")
    assert c.try_acquire() is None  # free for the next run


def test_renewing_moves_the_expiry_and_the_deadline_forward(clock: ManualClock, ticks: Ticks, lease) -> None:
    a, b = lease("host-a", ttl=60), lease("host-b", ttl=60)
    assert a.try_acquire() is None
    clock.advance(45)
    ticks.advance(45)
    a.renew()
    clock.advance(45)  # 90s after acquiring, 45s after renewing
    ticks.advance(45)

    assert b.try_acquire() is not None
    a.check()  # within the renewed deadline: writes go on
    record = a.read().record
    assert record.acquired_at < record.expires_at and record.token == a.token


def test_only_one_of_two_simultaneous_takers_wins(kind: str, emu: Emulator, lease) -> None:
    """Both read a free lease, then both write: the compare-and-swap lets exactly one through.
    With the work item store and no lease item yet, both create one: the lowest id wins and the
    loser retires its own."""
    a, b = lease("host-a"), lease("host-b")
    seen_a, seen_b = a.read(), b.read()
    assert seen_a.record is None and seen_b.record is None

    wins = [a._write(seen_a, seen_a.now, 0.0), b._write(seen_b, seen_b.now, 0.0)]

    assert wins == [True, False]
    assert b.try_acquire() is not None and b.read().record.holder == "host-a"
    if kind == "item":
        assert len(lease_items(emu)) == 1
        retired = [
            w for w in emu.db.work_items("Payments") if "ticketops-lease-retired" in str(w.fields["System.Tags"])
        ]
        assert len(retired) == 1 and retired[0].id > lease_items(emu)[0]


def test_the_keeper_cancels_the_run_when_the_lease_is_taken_over(clock: ManualClock, lease) -> None:
    a, b = lease("host-a", ttl=60), lease("host-b", ttl=60)
    assert a.try_acquire() is None
    clock.advance(61)
    assert b.try_acquire() is None
    cancel = threading.Event()

    keeper = LeaseKeeper(a, cancel, interval=0.01).start()
    assert cancel.wait(timeout=30)
    keeper.stop()
    assert keeper.lost.is_set() and "took" in keeper.error and a.lost
    with pytest.raises(LeaseLost):
        a.check()


# ---- the fence ----------------------------------------------------------------------------------
def test_the_fence_stops_writes_once_the_local_deadline_passes(ticks: Ticks, lease) -> None:
    """A run that was asleep or paused longer than its lease stops before its next write, even
    though nobody took the lease over (yet): it cannot know in time."""
    a = lease("host-a", ttl=60)
    assert a.try_acquire() is None
    ticks.advance(49)
    a.check()  # 60s ttl, stop 10s (a sixth) early
    ticks.advance(1)

    with pytest.raises(LeaseLost) as lost:
        a.check()
    message = str(lost.value)
    assert "stopped writing" in message and "ran out" in message and "asleep" in message
    assert "Nothing after that point was written" in message and "run it again" in message
    with pytest.raises(LeaseLost):
        a.renew()  # lost for good: a renewal does not let the run write again


def test_the_fence_trusts_ados_clock_over_a_local_clock_that_stood_still(clock: ManualClock, lease) -> None:
    """ADO time moved past the expiry while the local clock did not (a frozen VM, a clock that
    stops during sleep): the ADO time seen in a response stops the write."""
    a = lease("host-a", ttl=60)
    assert a.try_acquire() is None
    now = a.read().now
    a.check_ado_time(now)
    clock.advance(300)

    with pytest.raises(LeaseLost, match="Azure DevOps' clock reads 2026-01-01T00:05:00"):
        a.check_ado_time(a.read().now)
    assert a.lost


def test_a_run_that_never_held_the_lease_is_fenced(lease) -> None:
    with pytest.raises(LeaseLost, match="does not hold"):
        lease("host-a").check()


def test_exclusive_fails_the_run_when_the_release_finds_the_lease_taken_over(
    kind: str, clock: ManualClock, new_client, emu: Emulator
) -> None:
    repos = {"api": {"name": "payments-api"}} if kind == "branch" else {}
    config = BoardConfig(organization_url="https://dev.azure.com/contoso", project="Payments", repos=repos)
    other = Lease(lease_store(new_client(), config), holder="host-b", ttl=60)

    with pytest.raises(LeaseLost) as lost, exclusive(new_client(), config, purpose="test", ttl=60) as held:
        assert held is not None and held.held
        clock.advance(61)
        assert other.try_acquire() is None  # taken over while this run still "holds" it
    assert "no longer this run's when it released it" in str(lost.value)
    assert other.read().record.holder == "host-b"


def test_every_board_gets_a_lease(emu: Emulator, new_client) -> None:
    """A board with a linked repository keeps it on a branch (``default_repo``), one without in a
    work item: no board runs unguarded."""
    two = BoardConfig(
        organization_url="https://dev.azure.com/contoso",
        project="Payments",
        repos={"api": {"name": "payments-api"}, "web": {"name": "payments-web"}},
        default_repo="web",
    )
    store = lease_store(new_client(), two)
    assert isinstance(store, GitBranchStore) and store.repo == "payments-web"

    none = BoardConfig(organization_url="https://dev.azure.com/contoso", project="Payments")
    messages: list[str] = []
    with exclusive(new_client(), none, purpose="test", notify=messages.append) as held:
        assert held is not None and held.held
        assert isinstance(held.store, WorkItemStore) and len(lease_items(emu)) == 1
    assert messages == [] and held.read().record.released


def test_a_lease_released_between_reading_its_tip_and_its_file_is_a_lost_race(new_client) -> None:
    """The branch read is two requests (refs list, then lease.json). When the holder releases in
    between, the push built on the stale state must count as a lost compare-and-swap (re-read and
    retry), never end the run with an error."""
    a, b = (Lease(make_store("branch", new_client()), holder=name) for name in ("host-a", "host-b"))
    assert a.try_acquire() is None
    stale = a.read()
    a.release()

    assert b._write(stale, stale.now, 0.0) is False
    assert b.try_acquire() is None  # the retry sees a free lease and takes it
