"""Reconcile under the lease: plan first (read-only, no lease), take the lease only when the
plan has changes, then reconcile (which plans again, now that no other run can write).

A converged board therefore costs no lease writes at all, and two runs that both see changes
take turns: the second one re-plans after the first one's writes and finds nothing to do.

While the lease is held, it fences the applier: every write request first asks the lease
(:meth:`~ticketops.lease.lease.Lease.check`), so a run that was paused past its lease stops
before its next write, and the run then fails with :class:`~ticketops.lease.lease.LeaseLost`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ticketops.apply import Applier
from ticketops.engine.reconciler import DEFAULT_MAX_PASSES, Engine, PassResult, ReconcileResult
from ticketops.lease.lease import DEFAULT_TTL, DEFAULT_WAIT, Lease, awake_clock, exclusive
from ticketops.plan import Plan


@dataclass(frozen=True)
class LeaseOptions:
    enabled: bool = True
    wait: float = DEFAULT_WAIT  # seconds to wait for a busy lease
    ttl: float = DEFAULT_TTL  # seconds a lease lives without renewal
    purpose: str = "reconcile"  # shown to a run that finds the lease busy
    clock: Callable[[], float] = awake_clock  # the local clock of the lease's deadline (tests move it)


@dataclass(frozen=True)
class GuardedResult:
    result: ReconcileResult
    stopped: bool  # a stop was requested (signal, lost lease) before the run finished
    leased: bool  # the lease was taken for this run


def guarded_reconcile(
    engine: Engine,
    lease: LeaseOptions,
    *,
    max_passes: int = DEFAULT_MAX_PASSES,
    on_pass: Callable[[int, PassResult], None] | None = None,
    notify: Callable[[str], None] = lambda _msg: None,
) -> GuardedResult:
    """Plan; if there are changes, hold the lease and reconcile. The engine's ``cancel`` stops
    the run between actions (the applier checks it) and while waiting for the lease."""
    cancel = engine.cancel
    plan = engine.plan()
    if not plan.has_changes or cancel.is_set():
        return GuardedResult(ReconcileResult((), plan), cancel.is_set(), leased=False)
    with exclusive(
        engine.client,
        engine.desired.config,
        purpose=lease.purpose,
        wait=lease.wait,
        ttl=lease.ttl,
        cancel=cancel,
        enabled=lease.enabled,
        notify=notify,
        clock=lease.clock,
    ) as held:
        if cancel.is_set():
            return GuardedResult(ReconcileResult((), plan), True, leased=held is not None)
        with fenced_by(engine.applier, held):
            result = engine.reconcile(max_passes=max_passes, on_pass=on_pass)
    return GuardedResult(result, cancel.is_set() or engine.applier.stopped, leased=held is not None)


@dataclass(frozen=True)
class GuardedApply:
    plan: Plan  # the plan that was applied (made under the lease when there were changes)
    result: PassResult
    stopped: bool
    leased: bool


def guarded_apply(
    engine: Engine,
    lease: LeaseOptions,
    *,
    notify: Callable[[str], None] = lambda _msg: None,
    before_apply: Callable[[Plan], None] = lambda _plan: None,
    check: Callable[[Plan], None] = lambda _plan: None,
) -> GuardedApply:
    """One pass under the lease: plan without it; with changes, take the lease, plan again
    (another run may have written meanwhile) and apply that plan. ``before_apply`` sees the plan
    about to be applied (to print it, or to size a progress bar). ``check`` sees every plan made
    (with and without the lease) and may refuse it by raising, before anything is written."""
    cancel = engine.cancel
    plan = engine.plan()
    check(plan)
    if not plan.has_changes or cancel.is_set():
        return GuardedApply(plan, PassResult(plan), cancel.is_set(), leased=False)
    with exclusive(
        engine.client,
        engine.desired.config,
        purpose=lease.purpose,
        wait=lease.wait,
        ttl=lease.ttl,
        cancel=cancel,
        enabled=lease.enabled,
        notify=notify,
        clock=lease.clock,
    ) as held:
        if cancel.is_set():
            return GuardedApply(plan, PassResult(plan), True, leased=held is not None)
        plan = engine.plan()
        check(plan)
        before_apply(plan)
        with fenced_by(engine.applier, held):
            result = engine.apply(plan)
    return GuardedApply(plan, result, cancel.is_set() or engine.applier.stopped, leased=held is not None)


@contextmanager
def fenced_by(applier: Applier, lease: Lease[object] | None) -> Iterator[None]:
    """Every write of ``applier``'s client asks ``lease`` first, retries included, for the
    ``with`` block (no lease: no fence)."""
    if lease is None:
        yield
        return
    with applier.client.fenced(lease):
        yield
