"""Renewing the lease through transient Azure DevOps failures (issue 16.4).

4 of 600 renewals gave up on a single 5xx, ending a 1,000-ticket run with a misleading "kept
changing". A renewal now retries its reads and its compare-and-swap write with the client's retry
policy for as long as the lease's deadline allows, never past it, and when Azure DevOps stays out
of reach it says so. The emulator injects the faults (``emulator/faults.py``); the client sleeps
on a fake clock that is also the lease's, so the deadline and the backoff share one timeline.
"""

from __future__ import annotations

import pytest

from ticketops.ado import AdoClient, resolve_auth
from ticketops.emulator import Emulator, ManualClock
from ticketops.lease.branch import GitBranchStore
from ticketops.lease.item import WorkItemStore
from ticketops.lease.lease import Lease, LeaseLost
from ticketops.model.config import AuthSettings

WRITE = {"branch": "Pushes_Create", "item": "Work Items_Update"}
TTL = 60.0  # deadline 50s after acquiring (a sixth early); the keeper renews every 20s


class FakeTime:
    """The client's clock and sleep, and the lease's clock: sleeping moves it, nothing else."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture(params=["branch", "item"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def t() -> FakeTime:
    return FakeTime()


@pytest.fixture
def held(kind: str, emu: Emulator, t: FakeTime) -> Lease[object]:
    """host-a holds the lease, 20s later (the keeper's first renewal)."""
    auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": "lease-test-token-0123456789"})
    client = AdoClient(emu.url, auth, transport=emu.transport, sleep=t.sleep, clock=t)
    store = (
        GitBranchStore(client, "Payments", "payments-api")
        if kind == "branch"
        else WorkItemStore(client, "Payments", "User Story")
    )
    lease: Lease[object] = Lease(store, holder="host-a", ttl=TTL, clock=t)  # type: ignore[arg-type]
    assert lease.try_acquire() is None
    t.now += TTL / 3
    return lease


def expiry(lease: Lease[object]) -> object:
    record = lease.read().record
    assert record is not None and record.token == lease.token
    return record.expires_at


@pytest.mark.parametrize("times", [1, 3, 6])  # 6: more than the policy's 5 attempts
def test_a_renewal_rides_out_5xx_on_its_write(
    kind: str, emu: Emulator, clock: ManualClock, t: FakeTime, held: Lease[object], times: int
) -> None:
    before = expiry(held)
    clock.advance(20)
    emu.faults.fail_next(WRITE[kind], status=503, times=times)

    held.renew()

    assert held.held and not held.lost and expiry(held) > before
    assert len(t.slept) >= times  # every failure was waited out with the policy's backoff
    held.check()  # the deadline moved forward too


def test_a_renewal_rides_out_a_dropped_response_to_its_write(
    kind: str, emu: Emulator, clock: ManualClock, held: Lease[object]
) -> None:
    """The write landed but its answer was lost: the copy is refused as stale, and the read after it
    finds this run's own record. Still held, by this run, with a later expiry."""
    before = expiry(held)
    clock.advance(20)
    emu.faults.drop_response(WRITE[kind])

    held.renew()

    assert held.held and expiry(held) > before


def test_a_renewal_waits_out_a_429_on_its_reads_and_write(
    kind: str, emu: Emulator, clock: ManualClock, t: FakeTime, held: Lease[object]
) -> None:
    clock.advance(20)
    emu.faults.fail_next(None, status=429, times=3, retry_after=4)

    held.renew()

    assert held.held and t.slept[:3] == [4, 4, 4]  # what Azure DevOps asked for, no more


def test_a_renewal_gives_up_truthfully_when_azure_devops_stays_down(
    kind: str, emu: Emulator, t: FakeTime, held: Lease[object]
) -> None:
    deadline = held._deadline
    emu.faults.fail_next(None, status=503, times=10_000)

    with pytest.raises(LeaseLost) as lost:
        held.renew()

    message = str(lost.value)
    assert "lost the lease: Azure DevOps was unreachable for" in message and "kept changing" not in message
    assert "503" in message and "stopped writing" in message
    assert t.now <= deadline  # it never waited past the lease's deadline
    assert deadline - t.now < 1  # ... and it kept trying until close to it
    assert sum(t.slept) > 10  # more than the policy's 5 attempts: retried within the deadline
    with pytest.raises(LeaseLost):
        held.check()


def test_the_write_fence_lets_the_leases_own_retried_renewal_through(
    kind: str, emu: Emulator, clock: ManualClock, held: Lease[object]
) -> None:
    """During a run the client is fenced by the lease (ado/gate.py): every retry of the renewal's
    write asks the fence first, and the fence admits it while the deadline holds."""
    clock.advance(20)
    emu.faults.fail_next(WRITE[kind], status=503, times=3)
    store = held.store
    assert isinstance(store, (GitBranchStore, WorkItemStore))

    with store.client.fenced(held):
        held.renew()

    assert held.held and not held.lost
