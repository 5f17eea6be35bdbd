"""A lease in ADO so that two ticketops runs never write to one project at the same time.

A hook, a scheduled job and two CI agents may reconcile the same project at once; without a
lease two of them can both create the same ticket. The lease is the branch
``refs/heads/ticketops/lease`` of the board's linked repository (``default_repo``, else the
only or the first repository in ``repos:``). Its one file ``lease.json`` names the holder and
the expiry. Every change to it is a push whose ``oldObjectId`` is the commit the writer read:
a compare-and-swap that ADO refuses (409, TF401028) when someone moved the branch meanwhile.

* Acquire: read the branch; free, released, expired or ours -> push a new ``lease.json``.
* Renew: a holder pushes a later expiry every ``ttl/3`` (:class:`LeaseKeeper`); a push that is
  refused means someone took the lease over, and the run stops before its next write.
* Release: delete the branch (``POST .../refs`` with ``oldObjectId``: only our own commit).
* Expiry and "now" are ADO's time (``asOf`` of a WIQL), never a local clock, so clock skew
  between machines cannot make a live lease look expired.

Boards with no linked repository have nowhere to keep the lease: the caller warns and runs
without one (see :func:`exclusive`).
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, ValidationError

from ticketops.ado import (
    ZERO_OID,
    AdoClient,
    AdoError,
    BadRequest,
    Change,
    OutcomeUnknown,
    PermissionDenied,
    RefUpdate,
    RefUpdateFailed,
    StalePush,
)
from ticketops.engine.adoclock import server_now, wiql_time
from ticketops.model.config import BoardConfig
from ticketops.model.errors import TicketopsError

log = logging.getLogger(__name__)

LEASE_BRANCH = "ticketops/lease"
LEASE_REF = f"refs/heads/{LEASE_BRANCH}"
LEASE_FILE = "/lease.json"
DEFAULT_TTL = 120.0  # seconds; a holder renews every ttl/3
DEFAULT_WAIT = 60.0  # seconds a run waits for a busy lease before giving up
MAX_POLL = 10.0  # seconds between two looks at a busy lease, at most


class LeaseRecord(BaseModel):
    """What ``lease.json`` holds. Times are ADO's."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    holder: str  # a person-readable name: host, pid, what runs
    token: str  # random per run: the same token is the same holder
    acquired_at: datetime
    expires_at: datetime

    def live(self, now: datetime) -> bool:
        return now < self.expires_at

    def describe(self) -> str:
        return f"{self.holder}, until {wiql_time(self.expires_at)} (ADO time)"


class LeaseBusy(TicketopsError):
    """Another run held the lease for longer than this run was willing to wait."""

    def __init__(self, where: str, other: LeaseRecord, waited: float) -> None:
        self.other = other
        super().__init__(
            f"another ticketops run holds the lease {where}: {other.describe()}; waited {waited:g}s and "
            "wrote nothing. Run again later (or raise --lease-wait). A run that died frees the lease when "
            f"it expires; to free it at once, delete the branch {LEASE_BRANCH} in that repository"
        )


class LeaseLost(TicketopsError):
    """Someone took the lease over while this run held it (it could not renew in time)."""


class LeaseUnavailable(TicketopsError):
    """The lease branch cannot be written (permissions, policies)."""


@dataclass(frozen=True)
class LeaseState:
    tip: str | None  # the lease branch's commit; None: no lease branch
    record: LeaseRecord | None  # None: no branch, or no readable lease.json on it
    has_file: bool


@dataclass(frozen=True)
class LeaseSpot:
    """Where a board keeps its lease: project and repository name."""

    project: str
    repo: str

    def __str__(self) -> str:
        return f"{LEASE_REF} in repository {self.repo!r} of project {self.project!r}"


def lease_spot(config: BoardConfig) -> LeaseSpot | None:
    """The board's default linked repository (``default_repo``, else the first in ``repos:``),
    or None when the board links none."""
    if not config.repos:
        return None
    alias = config.default_repo or next(iter(config.repos))
    return LeaseSpot(config.project, config.repos[alias].name)


def default_holder(purpose: str) -> str:
    return f"{socket.gethostname()} pid {os.getpid()} ({purpose})"


class Lease:
    """One run's handle on the lease. ``acquire`` / ``renew`` / ``release``; thread-safe."""

    def __init__(
        self,
        client: AdoClient,
        spot: LeaseSpot,
        *,
        holder: str,
        ttl: float = DEFAULT_TTL,
        token: str | None = None,
    ) -> None:
        if ttl <= 0:
            raise ValueError("the lease ttl must be positive")
        self.client = client
        self.spot = spot
        self.holder = holder
        self.ttl = ttl
        self.token = token or uuid.uuid4().hex
        self.tip: str | None = None  # our lease commit while we hold it
        self.record: LeaseRecord | None = None
        self._lock = threading.Lock()

    @property
    def held(self) -> bool:
        return self.tip is not None

    # ---- reading ------------------------------------------------------------------------
    def read(self) -> LeaseState:
        """The lease branch as it is now (all None when there is no lease branch)."""
        refs = self.client.list_refs(self.spot.project, self.spot.repo, filter=f"heads/{LEASE_BRANCH}")
        tip = next((r.object_id for r in refs if r.name == LEASE_REF), None)
        if tip is None:
            return LeaseState(None, None, has_file=False)
        item = self.client.get_item(self.spot.project, self.spot.repo, LEASE_FILE, branch=LEASE_BRANCH,
                                    include_content=True)
        if item is None or item.content is None:
            return LeaseState(tip, None, has_file=item is not None)
        try:
            return LeaseState(tip, LeaseRecord.model_validate(json.loads(item.content)), has_file=True)
        except (ValueError, ValidationError):
            log.warning("%s: %s is not a lease record; treating the lease as free", self.spot, LEASE_FILE)
            return LeaseState(tip, None, has_file=True)

    # ---- acquiring ----------------------------------------------------------------------
    def try_acquire(self) -> LeaseRecord | None:
        """Take the lease if it is free: None when this run now holds it, else the live holder."""
        with self._lock:
            for _ in range(5):  # a lost compare-and-swap race is retried at once
                state = self.read()
                record = state.record
                now = server_now(self.client, self.spot.project)
                if record is not None and record.token != self.token and record.live(now):
                    return record
                acquired = record.acquired_at if record is not None and record.token == self.token else now
                if self._write(state.tip, state.has_file, acquired, now):
                    return None
            record = self.read().record
            if record is None:
                raise LeaseUnavailable(f"{self.spot}: the lease kept changing under this run; try again")
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
                raise LeaseBusy(str(self.spot), other, wait)
            if on_wait is not None and not told:
                on_wait(other)
                told = True
            if stop.wait(min(delay * random.uniform(1.0, 1.25), remaining)):  # noqa: S311 - jitter
                return False
            delay = min(delay * 2, MAX_POLL)

    def renew(self) -> None:
        """Push a later expiry. :class:`LeaseLost` when someone moved the lease meanwhile."""
        with self._lock:
            if self.tip is None or self.record is None:
                raise LeaseLost(f"{self.spot}: this run does not hold the lease")
            now = server_now(self.client, self.spot.project)
            try:
                ok = self._write(self.tip, True, self.record.acquired_at, now)
            except LeaseUnavailable as e:
                raise LeaseLost(str(e)) from None
            if not ok:
                self.tip = self.record = None
                raise LeaseLost(f"{self.spot}: another run took the lease over (this run could not renew it in time)")

    def _write(self, tip: str | None, exists: bool, acquired: datetime, now: datetime) -> bool:
        """Compare-and-swap the lease file onto ``tip``: True when it is ours now."""
        record = LeaseRecord(holder=self.holder, token=self.token, acquired_at=acquired,
                             expires_at=now + timedelta(seconds=self.ttl))
        text = json.dumps(record.model_dump(mode="json"), indent=2) + "\n"
        change = Change.edit(LEASE_FILE, text) if exists else Change.add(LEASE_FILE, text)
        try:
            push = self.client.push(self.spot.project, self.spot.repo, ref=LEASE_REF, old_object_id=tip or ZERO_OID,
                                    comment=f"ticketops lease: {record.describe()}", changes=[change])
        except StalePush:
            return False
        except BadRequest:
            # The state this push was built on is two reads (refs, then lease.json): when the
            # lease moved in between, the server can refuse the file change (add of a path that
            # exists, edit of one that does not) before it sees the stale ref. Lost race if the
            # tip moved; any other refusal is a real error.
            if self.read().tip != tip:
                return False
            raise
        except OutcomeUnknown:
            # The push may have landed: the record says whether it is ours.
            state = self.read()
            if state.record is not None and state.record.token == self.token and state.record.expires_at == record.expires_at:
                self.tip, self.record = state.tip, state.record
                return True
            return False
        except PermissionDenied as e:
            raise LeaseUnavailable(
                f"cannot write the lease {self.spot}: {e}. Give the identity Contribute and Create branch on that "
                "repository (and exempt ticketops/* from branch policies), or run with --no-lease"
            ) from None
        self.tip = push.new_object_id
        self.record = record
        return self.tip is not None

    # ---- releasing ----------------------------------------------------------------------
    def release(self) -> None:
        """Delete the lease branch if it is still ours. Never raises for ADO errors: a lease
        that cannot be released expires by itself."""
        with self._lock:
            if self.tip is None:
                return
            tip, self.tip, self.record = self.tip, None, None
            try:
                results = self.client.update_refs(self.spot.project, self.spot.repo, [RefUpdate.delete(LEASE_REF, tip)])
            except AdoError as e:
                log.warning("could not release the lease %s (%s); it expires by itself", self.spot, e)
                return
            bad = [r for r in results if not r.ok]
            if bad:
                log.warning("the lease %s was no longer ours to release (%s)", self.spot, bad[0].update_status)


class LeaseKeeper:
    """Renews a held lease every ``interval`` seconds on a background thread. When renewal
    fails for good, ``lost`` is set and so is ``cancel``, so the applier stops before its next
    action."""

    def __init__(self, lease: Lease, cancel: threading.Event, interval: float | None = None) -> None:
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
            except AdoError as e:
                failures += 1
                log.warning("could not renew the lease (%s); retrying", e)
                if failures * self.interval >= self.lease.ttl * 2 / 3:
                    self._give_up(f"could not renew the lease for {failures * self.interval:g}s: {e}")
                    return

    def _give_up(self, why: str) -> None:
        self.error = why
        self.lost.set()
        self.cancel.set()
        log.warning("lease lost: %s; stopping before the next write", why)


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
) -> Iterator[Lease | None]:
    """Hold the board's lease for the ``with`` block (None inside when there is none to hold).

    ``notify`` receives one-line messages for the user: no linked repository (runs are then
    not serialised), waiting for another holder. A stop requested while waiting (``cancel``)
    yields None without the lease; callers check ``cancel`` before writing.
    Raises :class:`LeaseBusy` when the wait runs out and :class:`LeaseLost` at the end of a
    block during which the lease was taken over.
    """
    spot = lease_spot(config)
    if not enabled:
        yield None
        return
    if spot is None:
        notify("warning: the board links no repository (repos: in config.yaml), so there is no lease: "
               "two runs at the same moment are not kept apart")
        yield None
        return
    cancel = cancel or threading.Event()
    lease = Lease(client, spot, holder=default_holder(purpose), ttl=ttl)
    waiting = lambda other: notify(f"waiting up to {wait:g}s for the lease, held by {other.describe()}")  # noqa: E731
    if not lease.acquire(wait, stop=cancel, on_wait=waiting):
        yield None
        return
    keeper = LeaseKeeper(lease, cancel).start()
    try:
        yield lease
    finally:
        keeper.stop()
        lease.release()
    if keeper.lost.is_set():
        raise LeaseLost(f"{keeper.error}. The run stopped before its next write; run it again")
