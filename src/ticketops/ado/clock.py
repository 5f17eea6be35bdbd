"""ADO's own clock, read through WIQL, for the lease expiry and the incremental watermark.

Local clocks of CI agents, laptops and pods disagree; times that several machines compare are
therefore taken from ADO: the ``asOf`` of a WIQL result is the server's time when it ran the
query. Date comparisons use ``timePrecision=true``: without it ADO compares WIQL dates at day
precision and refuses a literal with a time of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from ticketops.ado import routes
from ticketops.ado.client import AdoClient
from ticketops.ado.requester import UnexpectedResponse
from ticketops.ado.wiql import NOTHING, changed_since_condition, collect_ids, wiql_time


@dataclass(frozen=True)
class WiqlAsOf:
    """A WIQL result with the server time it was computed at."""

    as_of: datetime
    ids: tuple[int, ...]


@dataclass(frozen=True)
class Changes:
    """Marked work items changed at or after a watermark, and the server time of the check."""

    ids: tuple[int, ...]
    as_of: datetime


def query_as_of(client: AdoClient, project: str, query: str) -> WiqlAsOf:
    """Run ``query`` with ``timePrecision=true`` and return its ids and ``asOf``."""
    result = client.wiql_result(project, query, time_precision=True)
    if result.as_of is None:
        raise UnexpectedResponse(
            "the WIQL answer has no asOf: ticketops reads the server's clock from it", operation=routes.WIQL.operation
        )
    return WiqlAsOf(utc(result.as_of), tuple(result.ids))


def server_now(client: AdoClient, project: str) -> datetime:
    """ADO's current time (one WIQL request that matches nothing)."""
    return query_as_of(client, project, NOTHING).as_of


class _Clocked:
    """Runs WIQL with ``timePrecision=true`` and keeps the ``asOf`` of the first query."""

    def __init__(self, client: AdoClient) -> None:
        self.client = client
        self.as_of: datetime | None = None

    def wiql(self, project: str, query: str, *, top: int | None = None) -> list[int]:
        result = self.client.wiql_result(project, query, top=top, time_precision=True)
        if result.as_of is None:
            raise UnexpectedResponse(
                "the WIQL answer has no asOf: ticketops reads the server's clock from it",
                operation=routes.WIQL.operation,
            )
        if self.as_of is None:  # the earliest: the next window starts there, overlapping, never skipping
            self.as_of = utc(result.as_of)
        return result.ids


def changed_since(client: AdoClient, project: str, watermark: datetime) -> Changes:
    """Items with the ``ticketops`` tag changed at or after ``watermark``: one request for up to
    20,000 changed items, then id ranges past WIQL's cap (:func:`~ticketops.ado.wiql.collect_ids`),
    so a pass after a first reconcile of 25,000 tickets is not refused with VS402337. (Every item
    a settled pass left behind carries the tag, items paired by ``id:`` included.) ``>=`` rather
    than ``>``: an item changed in the same millisecond as the watermark is checked again rather
    than missed. The ``asOf`` is the first query's: later windows may see later changes, which
    the next pass sees again."""
    clocked = _Clocked(client)
    ids = collect_ids(clocked, project, changed_since_condition(project, watermark))
    assert clocked.as_of is not None  # collect_ids always sends a first query
    return Changes(tuple(ids), clocked.as_of)


def utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_time(text: str) -> datetime | None:
    """The inverse of :func:`~ticketops.ado.wiql.wiql_time` (any ISO 8601 form); None when it is not a time."""
    try:
        return utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError:
        return None


__all__ = ["Changes", "WiqlAsOf", "changed_since", "parse_time", "query_as_of", "server_now", "utc", "wiql_time"]
