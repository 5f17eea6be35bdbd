"""A lease in ADO so that two ticketops runs never write to one project at the same time.

A hook, a scheduled job and two CI agents may reconcile the same project at once; without a
lease two of them can both create the same ticket. One protocol, two places to keep it
(:func:`lease_store`): the branch ``ticketops/lease`` of the board's linked repository
(``default_repo``, else the first in ``repos:``), or, for a board that links no repository, a
work item of the project. Both change the record only by compare-and-swap.

* Acquire: read; free, released, expired or ours -> write a new record.
* Renew: a holder writes a later expiry every ``ttl/3`` (:class:`LeaseKeeper`); a refused write
  means someone took the lease over.
* Fence: after each acquire/renew the run keeps a local deadline (a clock that counts while the
  machine sleeps, read when the acquire started, + ttl - margin). The applier asks
  :meth:`Lease.check` before EVERY send of a write (retries included), :meth:`Lease.check_wait` before
  a write waits (never past the deadline), and :meth:`Lease.check_ado_time` with ADO's time
  before every create; past the deadline the run stops writing (:class:`LeaseLost`).
* Release: free the record if it is still ours; if it is not, the run fails (exit 1).
* Expiry and "now" are ADO's time (``asOf`` of a WIQL), never a local clock, so clock skew
  between machines cannot make a live lease look expired.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Generic

from ticketops.ado import AdoClient, AdoError, NetworkError, OutcomeUnknown, ServerError, Throttled, WritesStopped
from ticketops.ado.clock import wiql_time
from ticketops.lease.branch import ForeignLeaseRef, GitBranchStore
from ticketops.lease.item import WorkItemStore
from ticketops.lease.record import LeaseRecord, LeaseStore, LeaseUnavailable, LeaseView, V
from ticketops.model.config import BoardConfig
from ticketops.model.errors import TicketopsError

__all__ = [
    "DEFAULT_TTL",
    "DEFAULT_WAIT",
    "Lease",
    "LeaseBusy",
    "LeaseKeeper",
    "LeaseLost",
    "LeaseRecord",
    "LeaseStore",
    "LeaseUnavailable",
    "LeaseView",
    "awake_clock",
    "default_holder",
    "exclusive",
    "lease_store",
]

log = logging.getLogger(__name__)

DEFAULT_TTL = 120.0  # seconds; a holder renews every ttl/3
DEFAULT_WAIT = 60.0  # seconds a run waits for a busy lease before giving up
MAX_POLL = 10.0  # seconds between two looks at a busy lease, at most
MARGIN = 1 / 6  # of the ttl: the run stops writing this long before the lease could expire


class LeaseBusy(TicketopsError):
    """Another run held the lease for longer than this run was willing to wait."""

    def __init__(self, where: str, other: LeaseRecord, waited: float, free_hint: str) -> None:
        self.other = other
        super().__init__(
            f"another ticketops run holds {where}: {other.describe()}; waited {waited:g}s and "
            "wrote nothing. Run again later (or raise --lease-wait). A run that died frees the lease when "
            f"it expires; to free it at once, {free_hint}"
        )


class LeaseLost(WritesStopped):
    """This run may no longer write: its lease expired (or was taken over) before it could renew it."""


def awake_clock() -> float:
    """Seconds on a clock that keeps counting while the machine sleeps (a closed laptop lid must
    not look like no time passed; ``time.monotonic`` stops during suspend on Linux and macOS):
    CLOCK_BOOTTIME on Linux, CLOCK_MONOTONIC_RAW on macOS, else ``time.monotonic``."""
    if hasattr(time, "CLOCK_BOOTTIME"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    if sys.platform == "darwin":
        return time.clock_gettime(time.CLOCK_MONOTONIC_RAW)
    return time.monotonic()


def default_holder(purpose: str) -> str:
    return f"{socket.gethostname()} pid {os.getpid()} ({purpose})"


def lease_store(client: AdoClient, config: BoardConfig) -> LeaseStore[object]:
    """The board's linked repository (``default_repo``, else the first in ``repos:``) keeps the
    lease on a branch; a board that links none keeps it in a work item of the project."""
    if config.repos:
        alias = config.default_repo or next(iter(config.repos))
        return GitBranchStore(client, config.project, config.repos[alias].name)  # type: ignore[return-value]  # LeaseStore is invariant in its version type; callers treat it as opaque
    return WorkItemStore(client, config.project, config.effective_work_item_type)  # type: ignore[return-value]  # as above


class Lease(Generic[V]):
    """One run's handle on the lease: ``acquire`` / ``renew`` / ``check`` / ``release``. Thread-safe."""

    def __init__(
        self,
        store: LeaseStore[V],
        *,
        holder: str,
        ttl: float = DEFAULT_TTL,
        token: str | None = None,
        clock: Callable[[], float] = awake_clock,
    ) -> None:
        if ttl <= 0:
            raise ValueError("the lease ttl must be positive")
        self.store = store
        self.holder = holder
        self.ttl = ttl
        self.margin = ttl * MARGIN
        self.token = token or uuid.uuid4().hex
        self.record: LeaseRecord | None = None  # ours, while we hold the lease
        self.lost: str = ""  # why this run may no longer write ("" while it may)
        self._version: V | None = None
        self._deadline = 0.0
        self._clock = clock
        self._lock = threading.Lock()  # one store operation at a time
        self._state = threading.Lock()  # ``lost``

    @property
    def held(self) -> bool:
        return self._version is not None and not self.lost

    @property
    def version(self) -> V | None:
        return self._version

    def describe(self) -> str:
        return self.store.describe()

    def read(self) -> LeaseView[V]:
        return self.store.read()

    # ---- acquiring and renewing ---------------------------------------------------------------
    def try_acquire(self) -> LeaseRecord | None:
        """Take the lease if it is free: None when this run now holds it, else the live holder."""
        with self._lock:
            for _ in range(5):  # a lost compare-and-swap race is retried at once
                started = self._clock()
                seen = self.store.read()
                record = seen.record
                if record is not None and record.token != self.token and record.live(seen.now):
                    return record
                ours = record is not None and record.token == self.token and not record.released
                if self._write(seen, record.acquired_at if ours and record else seen.now, started):
                    return None
            record = self.store.read().record
            if record is None:
                raise LeaseUnavailable(f"{self.describe()} kept changing under this run; try again")
            return record

    def acquire(
        self,
        wait: float = DEFAULT_WAIT,
        *,
        stop: threading.Event | None = None,
        on_wait: Callable[[LeaseRecord], None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> bool:
        """Take the lease, polling with backoff for at most ``wait`` seconds.

        True when held; False when ``stop`` was set while waiting. Raises :class:`LeaseBusy`
        when the wait ran out.
        """
        stop = stop or threading.Event()
        deadline = monotonic() + max(0.0, wait)
        delay = 1.0
        told = False
        while True:
            other = self.try_acquire()
            if other is None:
                return True
            remaining = deadline - monotonic()
            if remaining <= 0:
                raise LeaseBusy(self.describe(), other, wait, self.store.free_hint())
            if on_wait is not None and not told:
                on_wait(other)
                told = True
            if stop.wait(min(delay * random.uniform(1.0, 1.25), remaining)):
                return False
            delay = min(delay * 2, MAX_POLL)

    def renew(self) -> None:
        """Write a later expiry. :class:`LeaseLost` when someone moved the lease meanwhile, or
        when Azure DevOps could not be reached before the lease's deadline.

        Transient failures (5xx, 429, dropped connections) of the reads and of the
        compare-and-swap write are retried with the client's retry policy for as long as the
        deadline allows, never past it: a copy of a write that landed is refused as stale, and
        the read after it finds this run's own record."""
        with self._lock:
            if self.lost:
                raise LeaseLost(self.lost)
            if self._version is None or self.record is None:
                raise LeaseLost(f"{self.describe()}: this run does not hold the lease")
            begun = self._clock()
            try:
                with self.store.retrying_for(self._deadline - begun):
                    self._renew_once()
            except (ServerError, NetworkError, Throttled, OutcomeUnknown) as e:
                raise self._lose(
                    f"lost the lease: Azure DevOps was unreachable for {self._clock() - begun:.0f}s while this run "
                    f"renewed {self.describe()}, until the lease was about to run out ({e})"
                ) from None

    def _renew_once(self) -> None:
        assert self._version is not None and self.record is not None  # held: renew checked
        for _ in range(3):
            started = self._clock()
            now = self.store.now()
            try:
                if self._write(LeaseView(self._version, self.record, now), self.record.acquired_at, started):
                    return
            except LeaseUnavailable as e:
                raise self._lose(str(e)) from None
            seen = self.store.read()  # refused: a retried write of ours may have landed
            if seen.version is None or seen.record is None or seen.record.token != self.token:
                raise self._lose(f"another run took {self.describe()} over (this run could not renew it in time)")
            self._version, self.record = seen.version, seen.record
        raise self._lose(f"{self.describe()} kept changing while this run renewed it")

    def _write(self, seen: LeaseView[V], acquired: datetime, started: float) -> bool:
        record = LeaseRecord(
            holder=self.holder,
            token=self.token,
            acquired_at=acquired,
            expires_at=seen.now + timedelta(seconds=self.ttl),
        )
        version = self.store.write(seen, record)
        if version is None:
            return False
        self._version, self.record = version, record
        self._deadline = started + self.ttl - self.margin
        return True

    # ---- the fence ------------------------------------------------------------------------------
    # Lock-free reads: a write never waits for a renewal in flight on the keeper's thread.
    def check(self) -> None:
        """Before a write: :class:`LeaseLost` once this run may no longer count on the lease."""
        record = self.record
        if self.lost:
            raise LeaseLost(self.lost)
        if self._version is None or record is None:
            raise LeaseLost(f"this run does not hold {self.describe()}; it writes nothing")
        if self._clock() >= self._deadline:
            raise self._lose(
                f"{self.describe()} ran out (it expires {wiql_time(record.expires_at)}, ADO "
                "time) before this run renewed it: was the machine asleep, the process paused, or "
                "Azure DevOps out of reach?"
            )

    def check_wait(self, seconds: float) -> None:
        """Before a write waits ``seconds`` (a ``Retry-After``, a back-off): :class:`LeaseLost` when
        the write would go out after this run's deadline. Renewals may move the deadline, but a
        throttled run cannot count on them; it stops writing instead of sending late."""
        self.check()
        left = self._deadline - self._clock()
        if seconds >= left:
            raise self._lose(
                f"Azure DevOps asked to wait {seconds:.0f}s before the next write, but {self.describe()} "
                f"is only good for {max(left, 0):.0f}s more; this run gives the write up instead of sending it late"
            )

    def check_ado_time(self, now: datetime) -> None:
        """Before a create: :class:`LeaseLost` when ADO's own clock (``now``, from a response)
        says the lease has run out or is about to."""
        self.check()
        record = self.record
        if record is not None and now >= record.expires_at - timedelta(seconds=self.margin):
            raise self._lose(
                f"Azure DevOps' clock reads {wiql_time(now)}, but {self.describe()} expires "
                f"{wiql_time(record.expires_at)}: this run was held up for too long"
            )

    def _lose(self, why: str) -> LeaseLost:
        with self._state:
            self.lost = self.lost or (
                f"this run stopped writing: {why}. Nothing after that point was written "
                "(another run may have taken over); run it again"
            )
            return LeaseLost(self.lost)

    def give_up(self, why: str) -> None:
        """Stop counting on the lease (the keeper could not renew it)."""
        self._lose(why)

    # ---- releasing ------------------------------------------------------------------------------
    def release(self) -> bool:
        """Free the lease if it is still ours. False when it was not (taken over, or changed by
        hand): the run then fails. ADO errors only log: a lease that was not freed expires."""
        with self._lock:
            if self._version is None or self.record is None:
                return True
            version, record = self._version, self.record
            self._version = None
            try:
                if self.store.release(version, record):
                    return True
            except ForeignLeaseRef as e:  # left as it is: the run fails and says what to do
                self._lose(str(e))
                return False
            except (AdoError, LeaseUnavailable) as e:
                log.warning("could not release %s (%s); it expires by itself", self.describe(), e)
                return True
            self._lose(
                f"{self.describe()} was no longer this run's when it released it: another run took it "
                "over while this run held it"
            )
            return False


class LeaseKeeper:
    """Renews a held lease every ``interval`` seconds on a background thread. When renewal
    fails for good, the lease is given up and ``cancel`` is set, so the applier stops before its
    next action (the lease's fence stops it before its next write anyway)."""

    def __init__(self, lease: Lease[V], cancel: threading.Event, interval: float | None = None) -> None:
        self.lease = lease
        self.cancel = cancel
        self.interval = interval if interval is not None else lease.ttl / 3
        self.lost = threading.Event()
        self.error: str = ""
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ticketops-lease", daemon=True)

    def start(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        failures = 0
        while not self._done.wait(self.interval):
            try:
                self.lease.renew()
                failures = 0
            except LeaseLost as e:
                self._give_up(str(e))
                return
            except LeaseUnavailable as e:
                self._give_up(str(e))
                return
            except AdoError as e:
                failures += 1
                log.warning("could not renew the lease (%s); retrying", e)
                if failures * self.interval >= self.lease.ttl * 2 / 3:
                    self._give_up(f"could not renew the lease for {failures * self.interval:g}s: {e}")
                    return

    def _give_up(self, why: str) -> None:
        self.lease.give_up(why)
        self.error = self.lease.lost or why
        self.lost.set()
        self.cancel.set()
        log.warning("lease lost: %s", why)


@contextmanager
def exclusive(
    client: AdoClient,
    config: BoardConfig,
    *,
    purpose: str,
    wait: float = DEFAULT_WAIT,
    ttl: float = DEFAULT_TTL,
    cancel: threading.Event | None = None,
    enabled: bool = True,
    notify: Callable[[str], None] = lambda _msg: None,
    store: LeaseStore[object] | None = None,
    clock: Callable[[], float] = awake_clock,
) -> Iterator[Lease[object] | None]:
    """Hold the board's lease for the ``with`` block (None inside when it is disabled, or when
    a stop was requested while waiting for it: callers check ``cancel`` before writing).

    ``notify`` receives one-line messages for the user (waiting for another holder). Raises
    :class:`LeaseBusy` when the wait runs out, and :class:`LeaseLost` after a block during
    which the lease ran out or was taken over, or when releasing found it no longer ours.
    """
    if not enabled:
        yield None
        return
    cancel = cancel or threading.Event()
    lease: Lease[object] = Lease(
        store or lease_store(client, config), holder=default_holder(purpose), ttl=ttl, clock=clock
    )
    waiting = lambda other: notify(f"waiting up to {wait:g}s for {lease.describe()}, held by {other.describe()}")  # noqa: E731
    if not lease.acquire(wait, stop=cancel, on_wait=waiting):
        yield None
        return
    keeper = LeaseKeeper(lease, cancel).start()
    try:
        yield lease
    finally:
        keeper.stop()
        lease.release()
    if lease.lost:
        raise LeaseLost(lease.lost)
