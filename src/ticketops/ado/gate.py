"""The one place a write is decided: read-only mode, the lease fence and the count of writes.

Every request goes through :meth:`Requester.call <ticketops.ado.requester.Requester.call>` with
its :class:`~ticketops.ado.routes.Route`; ``route.read`` says whether it can change anything.
For a write the gate is asked

* once per call: refused in read-only mode before anything is sent;
* before every send, retries included: the fence (the lease) may stop the run between two
  attempts, so a request that waited out a ``Retry-After`` is never re-sent by a run that lost
  its lease meanwhile;
* before every wait: a write never waits past the fence's deadline (the run gives up instead).

It also counts logical writes (calls, not attempts), which the applier reports per action.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Protocol

from ticketops.ado.errors import ReadOnlyViolation
from ticketops.ado.routes import Route
from ticketops.model.errors import TicketopsError


class WritesStopped(TicketopsError):
    """The fence refused a write: this run may no longer write. The action it interrupted and
    every action after it were not (or not completely) written."""


class WriteFence(Protocol):
    def check(self) -> None:
        """Raise :class:`WritesStopped` when the run may no longer write."""

    def check_ado_time(self, now: datetime) -> None:
        """Raise :class:`WritesStopped` when ADO's time ``now`` (seen in a response) is too late
        for this run to write."""

    def check_wait(self, seconds: float) -> None:
        """Raise :class:`WritesStopped` when a write that waits ``seconds`` first would be sent
        after the run's right to write ends."""


def violation(method: str, operation: str) -> ReadOnlyViolation:
    return ReadOnlyViolation(
        "refused to send a write in read-only mode (nothing was sent); "
        "drop --read-only / read_only: true to let ticketops change Azure DevOps",
        operation=operation or method,
    )


class WriteGate:
    """Read-only mode and the fence for one client; thread-safe."""

    def __init__(self, *, read_only: bool) -> None:
        self.read_only = read_only
        self.fence: WriteFence | None = None
        self._writes = 0
        self._lock = threading.Lock()

    @property
    def writes(self) -> int:
        """Write calls that were sent (at least once) by this client."""
        with self._lock:
            return self._writes

    def admit(self, route: Route) -> None:
        """Once per call, before anything else."""
        if not route.read and self.read_only:
            raise violation(route.method, route.operation)

    def before_send(self, route: Route, *, first: bool) -> None:
        """Before each attempt of a call; counts the call on its first attempt."""
        if route.read:
            return
        if self.fence is not None:
            self.fence.check()
        if first:
            with self._lock:
                self._writes += 1

    def before_wait(self, route: Route, seconds: float) -> None:
        """Before sleeping ``seconds`` ahead of (another) attempt of a write."""
        if not route.read and self.fence is not None and seconds > 0:
            self.fence.check_wait(seconds)

    def check_ado_time(self, now: datetime) -> None:
        if self.fence is not None:
            self.fence.check_ado_time(now)

    @contextmanager
    def fenced(self, fence: WriteFence) -> Iterator[None]:
        """Ask ``fence`` before every write sent in the block."""
        previous, self.fence = self.fence, fence
        try:
            yield
        finally:
            self.fence = previous
