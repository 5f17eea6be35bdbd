"""A fence in front of every write: a run that may no longer write (its lease expired or was
taken over) is stopped before the next write request, not only between two actions.

The engine installs a :class:`WriteFence` (the lease) on the :class:`~ticketops.apply.Applier`.
:func:`fenced` gives the applier a view of its client that asks the fence before every call
whose route writes (``route.read`` is False: the same classification read-only mode uses), so
work item creates, updates, state steps and every git write (refs, pushes, pull requests,
reviewers) are covered, including writes added later. Reads pass through unchecked.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from pydantic import JsonValue

from ticketops.ado import AdoClient
from ticketops.ado.requester import AdoResponse, ParamValue, Requester
from ticketops.ado.routes import Route
from ticketops.model.errors import TicketopsError


class WritesStopped(TicketopsError):
    """A fence refused a write: this run may no longer write. The action it interrupted and every
    action after it were not (or not completely) written."""


class WriteFence(Protocol):
    def check(self) -> None:
        """Raise :class:`WritesStopped` when the run may no longer write."""

    def check_ado_time(self, now: datetime) -> None:
        """Raise :class:`WritesStopped` when ADO's time ``now`` (seen in a response) is too
        late for this run to write."""


class _FencedRequester:
    """Delegates to the client's requester; asks the fence before each write call."""

    def __init__(self, inner: Requester, fence: WriteFence) -> None:
        self._inner = inner
        self._fence = fence

    def call(
        self,
        route: Route,
        *,
        path: Mapping[str, str | int],
        params: Mapping[str, ParamValue] | None = None,
        body: JsonValue = None,
        safe: bool | None = None,
    ) -> AdoResponse:
        if not route.read:
            self._fence.check()
        return self._inner.call(route, path=path, params=params, body=body, safe=safe)

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


def fenced(client: AdoClient, fence: WriteFence) -> AdoClient:
    """The same client (connection, request stats, identity cache) whose write calls ask
    ``fence`` first. Closing the view is a no-op: the original client owns the connection."""
    view = copy.copy(client)
    view._req = _FencedRequester(client._req, fence)  # type: ignore[assignment]
    view._owns_http = False
    return view
