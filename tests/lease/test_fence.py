"""The lease fences the applier: a run whose lease ran out writes nothing more, whatever the write
(create, update, state step, branch, spec push), and a create is re-checked against the marker
tag just before it is sent. Two runs where one is paused past its lease: no duplicates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from leasekit import WITH_REPO, Ticks, board, commit, engine, ticket, titles

from ticketops.ado import AdoClient, WriteFence, WritesStopped
from ticketops.apply import Applier
from ticketops.emulator import Emulator, ManualClock
from ticketops.engine.guarded import LeaseOptions, guarded_reconcile
from ticketops.lease.branch import GitBranchStore
from ticketops.lease.lease import Lease, LeaseLost
from ticketops.plan import Plan


def held_lease(client: AdoClient, clock: Callable[[], float], ttl: float = 120) -> Lease[object]:
    lease: Lease[object] = Lease(
        GitBranchStore(client, "Payments", "payments-api"),
        holder="run A",
        ttl=ttl,  # type: ignore[arg-type]
        clock=clock,
    )
    assert lease.try_acquire() is None
    return lease


@pytest.fixture(autouse=True)
def _fences() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        _open.append(stack)
        yield stack
        _open.remove(stack)


_open: list[ExitStack] = []


def fence(applier: Applier, guard: WriteFence) -> None:
    """Every write of the applier's client asks ``guard`` first, for the rest of the test."""
    _open[-1].enter_context(applier.client.fenced(guard))


def one_of_each(tmp_path: Path, emu: Emulator, new_client) -> tuple[Applier, Plan]:
    """A seeded board and a plan with a create, updates (one with a state step), a branch and a
    spec push."""
    repo = board(tmp_path / "b", WITH_REPO, {"PAY-1": ticket("One"), "PAY-2": ticket("Two", "in-progress")})
    assert engine(new_client(), tmp_path / "b").reconcile().converged
    commit(
        repo,
        {
            "PAY-1": ticket("One, started", "in-progress"),
            "PAY-2": ticket("Two", "in-progress", "New spec."),
            "PAY-3": ticket("Three"),
        },
    )
    eng = engine(new_client(), tmp_path / "b")
    plan = eng.plan()
    assert {"create", "update", "create-branch", "push-spec"} <= {a.kind for a in plan.actions}
    return eng.applier, plan


def test_a_lapsed_lease_stops_every_kind_of_write(tmp_path: Path, emu: Emulator, new_client, ticks: Ticks) -> None:
    applier, plan = one_of_each(tmp_path, emu, new_client)
    lease = held_lease(new_client(), ticks)
    fence(applier, lease)
    ticks.advance(120)  # the run slept through its lease
    emu.log.reset()

    refused = set()
    for action in (a for a in plan.actions if a.CHANGES):
        try:
            applier.execute(action)
        except LeaseLost as e:
            assert "stopped writing" in str(e)
            refused.add(action.kind)
    assert refused == {"create", "update", "create-branch", "push-spec"}
    assert emu.log.writes() == []

    report = applier.apply(plan)
    assert applier.stopped and isinstance(applier.stop_error, LeaseLost) and report.outcomes == ()
    assert emu.log.writes() == []


def test_a_live_lease_lets_every_write_through(tmp_path: Path, emu: Emulator, new_client, ticks: Ticks) -> None:
    applier, plan = one_of_each(tmp_path, emu, new_client)
    fence(applier, held_lease(new_client(), ticks))
    ticks.advance(60)

    report = applier.apply(plan)
    assert not applier.stopped and report.ok
    assert {o.kind for o in report.applied} >= {"create", "update", "create-branch", "push-spec"}


class Countdown:
    """A fence that lets ``writes`` write requests through, then refuses."""

    def __init__(self, writes: int) -> None:
        self.left = writes

    def check(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise WritesStopped("the test's fence closed")

    def check_ado_time(self, now: datetime) -> None:
        pass

    def check_wait(self, seconds: float) -> None:
        pass


def test_a_create_stopped_before_its_state_steps_reports_the_item_it_made(
    tmp_path: Path, emu: Emulator, new_client
) -> None:
    board(tmp_path / "b", WITH_REPO, {"PAY-1": ticket("Started", "in-progress")})
    eng = engine(new_client(), tmp_path / "b")
    plan = eng.plan()
    fence(eng.applier, Countdown(1))  # the create goes out, its first state step does not

    report = eng.applier.apply(plan)

    (outcome,) = report.outcomes
    item = emu.db.work_items("Payments")[0]
    assert (outcome.kind, outcome.status, outcome.id) == ("create", "failed", item.id)
    assert f"created #{item.id} (state New)" in outcome.message and "stopped before its state steps" in outcome.message
    assert outcome.writes == 1 and item.state == "New"
    assert eng.applier.stopped and str(eng.applier.stop_error) == "the test's fence closed"


def test_a_create_is_rechecked_against_the_marker_just_before_it_is_sent(
    tmp_path: Path, emu: Emulator, new_client
) -> None:
    """Run A planned a create; run B (without the lease) created the item meanwhile. A adopts it:
    it reports the item and creates nothing; its next pass pairs it."""
    board(tmp_path / "b", WITH_REPO, {"PAY-1": ticket("Racy")})
    a = engine(new_client(), tmp_path / "b")
    plan = a.plan()
    assert engine(new_client(), tmp_path / "b").reconcile().converged  # B
    (theirs,) = emu.db.work_items("Payments")

    report = a.applier.apply(plan)

    (outcome,) = report.outcomes
    assert (outcome.status, outcome.id, outcome.writes) == ("unchanged", theirs.id, 0)
    assert f"not created: #{theirs.id} already carries the marker tag ticketops:PAY-1" in outcome.message
    assert a.reconcile().converged and titles(emu) == {"Racy": 1}


class Pauses(httpx.BaseTransport):
    """Run A's connection: after A's first work item write, A is paused for ``seconds`` (ADO's
    clock moves; A's own clock too when ``asleep``), and ``meanwhile`` runs (run B). Counts A's
    writes after the pause."""

    def __init__(
        self,
        emu: Emulator,
        clock: ManualClock,
        ticks: Ticks,
        asleep: bool,
        meanwhile: Callable[[], None],
        seconds: float = 300,
    ) -> None:
        self.emu, self.clock, self.ticks, self.asleep, self.meanwhile = emu, clock, ticks, asleep, meanwhile
        self.seconds = seconds
        self.fired = False
        self.writes_after = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        item_write = (
            request.method in ("POST", "PATCH")
            and "/wit/workitems/" in request.url.path
            and "validateOnly" not in str(request.url)
        )
        git_write = request.method == "POST" and request.url.path.endswith(("/pushes", "/refs", "/pullrequests"))
        if self.fired and (item_write or (git_write and b"ticketops/lease" not in request.content)):
            self.writes_after += 1  # a write of A's after the pause (its lease's own writes aside)
        response = self.emu.transport.handle_request(request)
        if item_write and not self.fired:
            self.fired = True
            self.clock.advance(self.seconds)
            if self.asleep:
                self.ticks.advance(self.seconds)
            self.meanwhile()
        return response


def run_b(tmp_path: Path, new_client, results: list[object]) -> Callable[[], None]:
    def run() -> None:
        b = guarded_reconcile(engine(new_client(), tmp_path / "b"), LeaseOptions(wait=0, clock=Ticks()))
        results.append(b.result.converged)

    return run


@pytest.mark.parametrize("asleep", [True, False], ids=["machine-asleep", "clock-stood-still"])
def test_a_run_paused_past_its_lease_stops_and_creates_no_duplicates(
    asleep: bool, tmp_path: Path, emu: Emulator, clock: ManualClock, ticks: Ticks, new_client
) -> None:
    """The reviewer's scenario: A holds the lease, creates PAY-1, then is paused longer than the
    TTL. B takes the expired lease and creates the rest. A resumes with its old plan: it must stop
    (LeaseLost) instead of creating PAY-2 and PAY-3 again."""
    board(tmp_path / "b", WITH_REPO, {f"PAY-{i}": ticket(f"Ticket {i}") for i in (1, 2, 3)})
    b_converged: list[object] = []
    pauses = Pauses(emu, clock, ticks, asleep, run_b(tmp_path, new_client, b_converged))
    a_client = AdoClient(emu.url, new_client()._auth, transport=pauses)

    with pytest.raises(LeaseLost) as lost:
        guarded_reconcile(engine(a_client, tmp_path / "b"), LeaseOptions(clock=ticks))

    assert "stopped writing" in str(lost.value) and "run it again" in str(lost.value)
    assert b_converged == [True]
    assert titles(emu) == {"Ticket 1": 1, "Ticket 2": 1, "Ticket 3": 1}
    assert pauses.writes_after == 0


def test_a_run_paused_past_its_lease_does_not_put_back_older_values(
    tmp_path: Path, emu: Emulator, clock: ManualClock, ticks: Ticks, new_client
) -> None:
    """No flapping: A plans from commit X, writes one item, sleeps past its lease; B reconciles the
    newer commit Y. A wakes up: without the fence its 412 re-plans would write X's titles back."""
    repo = board(tmp_path / "b", WITH_REPO, {f"PAY-{i}": ticket(f"v1 {i}") for i in (1, 2, 3)})
    assert engine(new_client(), tmp_path / "b").reconcile().converged
    commit(repo, {f"PAY-{i}": ticket(f"v2 {i}") for i in (1, 2, 3)})
    b_converged: list[object] = []

    def newer_commit_then_b() -> None:
        commit(repo, {f"PAY-{i}": ticket(f"v3 {i}") for i in (1, 2, 3)})
        run_b(tmp_path, new_client, b_converged)()

    pauses = Pauses(emu, clock, ticks, True, newer_commit_then_b)
    a = engine(AdoClient(emu.url, new_client()._auth, transport=pauses), tmp_path / "b")
    with pytest.raises(LeaseLost):
        guarded_reconcile(a, LeaseOptions(clock=ticks))

    assert b_converged == [True] and pauses.writes_after == 0
    assert titles(emu) == {"v3 1": 1, "v3 2": 1, "v3 3": 1}


def _client(emu: Emulator, sleep: Callable[[float], None]) -> AdoClient:
    from ticketops.ado import resolve_auth
    from ticketops.model.config import AuthSettings

    auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": "lease-test-token-0123456789"})
    return AdoClient(emu.url, auth, transport=emu.transport, sleep=sleep)


def test_a_write_retried_after_a_throttle_asks_the_fence_again(
    tmp_path: Path, emu: Emulator, new_client, ticks: Ticks
) -> None:
    """Issue 16.3: the create waited out a 429 while the run was paused past its lease (another run
    could take the lease and create the item meanwhile); it is not sent again."""
    board(tmp_path / "b", WITH_REPO, {"PAY-1": ticket("One")})
    eng = engine(_client(emu, sleep=lambda s: ticks.advance(200)), tmp_path / "b")  # the wait lasts 200 s
    plan = eng.plan()
    fence(eng.applier, held_lease(new_client(), ticks, ttl=120))
    emu.faults.fail_next("Work Items_Create", status=429, retry_after=1)

    eng.applier.apply(plan)

    assert eng.applier.stopped and isinstance(eng.applier.stop_error, LeaseLost)
    assert emu.db.work_items("Payments") == []
    assert emu.log.count("Work Items_Create") == 1  # the throttled attempt; never resent


def test_a_write_never_waits_past_the_lease(tmp_path: Path, emu: Emulator, new_client, ticks: Ticks) -> None:
    """Issue 16.3: ADO asks for 40 s, the lease is good for less: the run gives the write up
    instead of sleeping and sending it late."""
    board(tmp_path / "b", WITH_REPO, {"PAY-1": ticket("One")})
    slept: list[float] = []
    eng = engine(_client(emu, sleep=slept.append), tmp_path / "b")
    plan = eng.plan()
    fence(eng.applier, held_lease(new_client(), ticks, ttl=30))
    emu.faults.fail_next("Work Items_Create", status=429, retry_after=40)

    eng.applier.apply(plan)

    assert slept == []
    assert isinstance(eng.applier.stop_error, LeaseLost) and "instead of sending it late" in str(eng.applier.stop_error)
    assert emu.db.work_items("Payments") == []
