"""The lease (``ticketops.engine.lease``): acquire, contend, expiry takeover, renew, release."""

from __future__ import annotations

import re

import threading
from collections.abc import Callable

import pytest

from ticketops.ado import AdoClient
from ticketops.emulator import Emulator, ManualClock
from ticketops.engine.adoclock import server_now
from ticketops.engine.lease import (
    LEASE_REF,
    Lease,
    LeaseBusy,
    LeaseKeeper,
    LeaseLost,
    LeaseSpot,
    exclusive,
    lease_spot,
)
from ticketops.model.config import BoardConfig

SPOT = LeaseSpot("Payments", "payments-api")


@pytest.fixture
def lease(new_client: Callable[[], AdoClient]) -> Callable[..., Lease]:
    def make(name: str, ttl: float = 60) -> Lease:
        return Lease(new_client(), SPOT, holder=name, ttl=ttl)

    return make


def lease_refs(emu: Emulator) -> list[str]:
    repo = emu.db.find_repo("payments-api", emu.db.project("Payments"))
    return [r for r in repo.git.references if r.startswith("refs/heads/ticketops/")]


def test_acquire_creates_the_lease_branch_and_release_deletes_it(emu: Emulator, lease) -> None:
    a = lease("host-a")

    assert a.try_acquire() is None
    assert a.held and lease_refs(emu) == [LEASE_REF]
    state = a.read()
    assert state.record is not None and state.record.holder == "host-a" and state.tip == a.tip

    a.release()
    assert not a.held and lease_refs(emu) == []


def test_a_second_run_sees_the_holder_and_gives_up_after_its_wait(lease) -> None:
    a, b = lease("host-a pid 1 (reconcile)"), lease("host-b")
    assert a.try_acquire() is None

    other = b.try_acquire()
    assert other is not None and other.holder == "host-a pid 1 (reconcile)"
    with pytest.raises(LeaseBusy) as busy:
        b.acquire(wait=0)
    message = str(busy.value)
    assert "host-a pid 1 (reconcile)" in message and re.search(r"until 2026-01-01T00:01:00\.\d{3}Z", message)
    assert "payments-api" in message and "wrote nothing" in message
    assert not b.held


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_renew(emu: Emulator, clock: ManualClock, lease) -> None:
    a, b = lease("host-a", ttl=60), lease("host-b", ttl=60)
    assert a.try_acquire() is None

    clock.advance(59)
    assert b.try_acquire() is not None  # still live in ADO's time
    clock.advance(2)
    assert b.try_acquire() is None  # expired: taken over
    assert b.read().record.holder == "host-b"

    with pytest.raises(LeaseLost):
        a.renew()
    a.release()  # no longer ours: must not delete b's lease
    assert lease_refs(emu) == [LEASE_REF] and b.read().record.holder == "host-b"


def test_renewing_pushes_the_expiry_forward(clock: ManualClock, lease) -> None:
    a, b = lease("host-a", ttl=60), lease("host-b", ttl=60)
    assert a.try_acquire() is None
    clock.advance(50)
    a.renew()
    clock.advance(50)  # 100s after acquiring, 50s after renewing

    assert b.try_acquire() is not None
    assert a.read().record.acquired_at < a.read().record.expires_at


def test_a_released_lease_is_free_at_once(lease) -> None:
    a, b = lease("host-a"), lease("host-b")
    assert a.try_acquire() is None
    a.release()
    assert b.try_acquire() is None


def test_only_one_of_two_simultaneous_takers_wins(lease) -> None:
    """Both saw a free lease, then both push: the compare-and-swap lets exactly one through."""
    a, b = lease("host-a"), lease("host-b")
    assert a.read().tip is None
    t = server_now(a.client, "Payments")

    wins = [a._write(None, False, t, t), b._write(None, False, t, t)]  # noqa: SLF001 - the race itself

    assert wins == [True, False]
    assert b.try_acquire() is not None  # b re-reads and sees a as the holder


def test_the_keeper_cancels_the_run_when_the_lease_is_taken_over(clock: ManualClock, lease) -> None:
    a, b = lease("host-a", ttl=60), lease("host-b", ttl=60)
    assert a.try_acquire() is None
    clock.advance(61)
    assert b.try_acquire() is None
    cancel = threading.Event()

    keeper = LeaseKeeper(a, cancel, interval=0.01).start()
    assert cancel.wait(timeout=30)
    keeper.stop()
    assert keeper.lost.is_set() and "took the lease over" in keeper.error


def test_exclusive_holds_for_the_block_and_skips_boards_without_a_repo(emu: Emulator, new_client) -> None:
    with_repo = BoardConfig(organization_url="https://dev.azure.com/contoso", project="Payments",
                            repos={"api": {"name": "payments-api"}})
    messages: list[str] = []
    with exclusive(new_client(), with_repo, purpose="test", notify=messages.append) as held:
        assert held is not None and held.held and lease_refs(emu) == [LEASE_REF]
    assert lease_refs(emu) == [] and messages == []

    no_repo = BoardConfig(organization_url="https://dev.azure.com/contoso", project="Payments")
    assert lease_spot(no_repo) is None
    emu.log.reset()
    with exclusive(new_client(), no_repo, purpose="test", notify=messages.append) as held:
        assert held is None
    assert emu.log.writes() == [] and "no lease" in messages[0]


def test_the_default_repo_alias_is_where_the_lease_lives() -> None:
    config = BoardConfig(organization_url="https://dev.azure.com/contoso", project="Payments",
                         repos={"api": {"name": "payments-api"}, "web": {"name": "payments-web"}}, default_repo="web")
    assert lease_spot(config) == LeaseSpot("Payments", "payments-web")


def test_a_lease_released_between_reading_its_tip_and_its_file_is_a_lost_race(lease) -> None:
    """The read is two requests (refs list, then lease.json). When the holder releases in between,
    the file read says "no file" on a tip that is gone; the push built on that state must count
    as a lost compare-and-swap (re-read and retry), never end the run with an error."""
    a, b = lease("host-a"), lease("host-b")
    assert a.try_acquire() is None
    stale_tip = a.read().tip
    a.release()
    t = server_now(b.client, "Payments")

    assert b._write(stale_tip, False, t, t) is False  # noqa: SLF001 - the race itself
    assert b.try_acquire() is None  # the retry sees a free lease and takes it
