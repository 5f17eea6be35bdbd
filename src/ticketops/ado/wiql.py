"""Every WIQL query ticketops sends, and WIQL's 20,000-id cap, handled once.

- :func:`marker_query` / :func:`key_chunks`: the items marked ``ticketops:KEY`` for some keys
  (the check before a create), chunked under the query size limit;
- :func:`tagged_condition`: the items carrying one tag (the common ``ticketops`` tag, the lease);
- :func:`changed_since_condition`: marked items changed at or after a watermark (``asOf``);
- :func:`collect_ids`: every id matching a condition, however many there are.

ADO answers a flat WIQL query with at most 20,000 ids (``VS402337`` above that). The ids are
read in id ranges: ``[System.Id] >= lo`` ordered by id with ``$top`` set to the cap, continuing
after the last id of a full page. Should a server refuse a query above the cap even with
``$top``, the range is cut into bounded windows ``lo <= id < hi`` (a window no wider than the
cap can never hold more ids than the cap, since ids are unique) whose width adapts to the
density of the ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from ticketops.ado.errors import BadRequest
from ticketops.model.live import COMMON_TAG, LEASE_TAG, RETIRED_LEASE_TAG, key_tag

WIQL_CAP = 20_000  # ids in one WIQL answer; ADO refuses more (VS402337)
WIQL_MAX_CHARS = 32_000  # characters in one WIQL query
MARKER_BUDGET = 30_000  # characters a chunked marker query may use, under WIQL_MAX_CHARS
SIZE_LIMIT_CODE = "VS402337"
NOTHING = "SELECT [System.Id] FROM WorkItems WHERE [System.Id] = 0"  # the cheapest query: ADO's clock
PROJECT_PROBE = "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project"  # can we read?
EXAMPLE_CONDITION = "[System.State] <> 'Closed'"  # shown to a user whose --query cannot be read


class WiqlRunner(Protocol):
    def wiql(self, project: str, query: str, *, top: int | None = None) -> list[int]: ...


def literal(value: str) -> str:
    """A WIQL string literal: single-quoted, with quotes inside doubled."""
    return "'" + value.replace("'", "''") + "'"


def select(where: str, *, order_by_id: bool = False) -> str:
    return f"SELECT [System.Id] FROM WorkItems WHERE {where}" + (" ORDER BY [System.Id]" if order_by_id else "")


def in_project(project: str) -> str:
    return f"[System.TeamProject] = {literal(project)}"


def tagged_condition(project: str, tag: str = COMMON_TAG) -> str:
    """The items of ``project`` carrying ``tag``."""
    return f"{in_project(project)} AND [System.Tags] CONTAINS {literal(tag)}"


def changed_since_condition(project: str, watermark: datetime) -> str:
    """Marked items changed at or after ``watermark`` (``>=``: an item changed in the same
    millisecond as the watermark is checked again rather than missed). Needs
    ``timePrecision=true``: without it ADO compares dates at day precision."""
    return f"{tagged_condition(project)} AND [System.ChangedDate] >= {literal(wiql_time(watermark))}"


def import_condition(project: str, types: Sequence[str], condition: str | None) -> str:
    """What ``import`` reads: the items of ``project`` of ``types`` (any when empty) matching
    the user's ``--query`` condition, never ticketops' own lease items."""
    parts = [
        in_project(project),
        # ticketops' own lease items (boards without repos) are never tickets
        f"[System.Tags] NOT CONTAINS {literal(LEASE_TAG)}",
        f"[System.Tags] NOT CONTAINS {literal(RETIRED_LEASE_TAG)}",
    ]
    if types:
        parts.append(f"[System.WorkItemType] IN ({', '.join(literal(t) for t in types)})")
    if condition:
        parts.append(f"({condition})")
    return " AND ".join(parts)


def marker_query(project: str, keys: Sequence[str]) -> str:
    """The items of ``project`` marked ``ticketops:KEY`` for any of ``keys``, with or without the
    common tag (keep the list under the size limit: :func:`key_chunks`)."""
    clauses = " OR ".join(f"[System.Tags] CONTAINS {literal(key_tag(k))}" for k in keys)
    return select(f"{in_project(project)} AND ({clauses})")


def key_chunks(project: str, keys: Sequence[str], budget: int = MARKER_BUDGET) -> list[list[str]]:
    """``keys`` (sorted, unique) cut into chunks whose :func:`marker_query` fits ``budget``."""
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 200 + len(project)
    for key in sorted(set(keys)):
        clause = len(key_tag(key)) + 40
        if current and size + clause > budget:
            chunks.append(current)
            current, size = [], 200 + len(project)
        current.append(key)
        size += clause
    if current:
        chunks.append(current)
    return chunks


def wiql_time(moment: datetime) -> str:
    """``2026-01-01T10:00:00.123Z``: ISO 8601 UTC, milliseconds (ADO keeps milliseconds)."""
    m = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return m.strftime("%Y-%m-%dT%H:%M:%S.") + f"{m.microsecond // 1000:03d}Z"


def range_query(where: str, lo: int, hi: int | None) -> str:
    upper = f" AND [System.Id] < {hi}" if hi is not None else ""
    return select(f"{where} AND [System.Id] >= {lo}{upper}", order_by_id=True)


def too_many(exc: BadRequest) -> bool:
    """ADO refused the query because its answer would pass the cap."""
    return SIZE_LIMIT_CODE in str(exc)


def collect_ids(client: WiqlRunner, project: str, where: str, *, cap: int = WIQL_CAP) -> list[int]:
    """Every id matching ``where`` in ``project``, ascending, however many there are."""
    ids: list[int] = []
    lo, width, capped = 1, cap, False
    while True:
        if not capped:
            try:
                page = client.wiql(project, range_query(where, lo, None), top=cap)
            except BadRequest as e:
                if not too_many(e):
                    raise
                capped = True
            else:
                ids.extend(page)
                if len(page) < cap:
                    return sorted(set(ids))
                lo = max(page) + 1
                continue
        window, width = _window(client, project, where, lo, width, cap)
        ids.extend(window)
        lo += width
        if len(window) < cap // 2:  # sparse here: widen, and see whether the rest now fits
            width *= 2
            capped = False


def _window(client: WiqlRunner, project: str, where: str, lo: int, width: int, cap: int) -> tuple[list[int], int]:
    """The ids in ``[lo, lo + width)``, narrowing the window until the server answers."""
    while True:
        try:
            return client.wiql(project, range_query(where, lo, lo + width), top=cap), width
        except BadRequest as e:
            if not too_many(e) or width <= 1:
                raise
            width = max(1, min(width // 2, cap))
