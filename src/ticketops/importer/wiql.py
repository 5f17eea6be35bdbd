"""Which work items to import: the WIQL filter, and reading every id past WIQL's 20,000 cap.

ADO answers a flat WIQL query with at most 20,000 ids (``VS402337`` above that). The ids are
read in id ranges: ``[System.Id] >= lo`` ordered by id with ``$top`` set to the cap, continuing
after the last id of a full page. Should a server refuse a query above the cap even with
``$top``, the range is cut into bounded windows ``lo <= id < hi`` (a window no wider than the
cap can never hold more ids than the cap, since ids are unique) whose width adapts to the
density of the ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from ticketops.ado import BadRequest, wiql_literal
from ticketops.model.errors import TicketopsError
from ticketops.model.live import LEASE_TAG, RETIRED_LEASE_TAG

WIQL_CAP = 20_000
_SIZE_LIMIT_CODE = "VS402337"
_FULL_QUERY_RE = re.compile(
    r"^\s*select\s+.+?\s+from\s+(?P<source>\w+)(?:\s+where\s+(?P<where>.*?))?"
    r"(?:\s+order\s+by\s+.*?)?(?:\s+asof\s+.*?)?\s*$",
    re.IGNORECASE | re.DOTALL,
)


class WiqlRunner(Protocol):
    def wiql(self, project: str, query: str, *, top: int | None = None) -> list[int]: ...


def user_condition(query: str | None) -> str | None:
    """The WHERE condition of ``--query``: a full flat query (``SELECT ... FROM WorkItems WHERE
    ...``) or a bare condition. ``ORDER BY``/``ASOF`` are dropped (ids are read in id order)."""
    if query is None or not query.strip():
        return None
    text = query.strip()
    if not re.match(r"(?is)^select\s", text):
        return text
    m = _FULL_QUERY_RE.match(text)
    if m is None:
        raise TicketopsError(
            f"--query: cannot read {text[:80]!r}; give a condition such as \"[System.State] <> 'Closed'\" "
            "or a flat query SELECT [System.Id] FROM WorkItems WHERE ..."
        )
    if m.group("source").lower() != "workitems":
        raise TicketopsError(
            f"--query: only flat queries (FROM WorkItems) can be imported, not FROM {m.group('source')}"
        )
    where = m.group("where")
    return where.strip() if where and where.strip() else None


def base_condition(project: str, types: Sequence[str], condition: str | None) -> str:
    """The condition every range query shares: the project, the types, the user's filter."""
    parts = [
        f"[System.TeamProject] = {wiql_literal(project)}",
        # ticketops' own lease items (boards without repos) are never tickets
        f"[System.Tags] NOT CONTAINS {wiql_literal(LEASE_TAG)}",
        f"[System.Tags] NOT CONTAINS {wiql_literal(RETIRED_LEASE_TAG)}",
    ]
    if types:
        parts.append(f"[System.WorkItemType] IN ({', '.join(wiql_literal(t) for t in types)})")
    if condition:
        parts.append(f"({condition})")
    return " AND ".join(parts)


def _query(where: str, lo: int, hi: int | None) -> str:
    upper = f" AND [System.Id] < {hi}" if hi is not None else ""
    return f"SELECT [System.Id] FROM WorkItems WHERE {where} AND [System.Id] >= {lo}{upper} ORDER BY [System.Id]"


def _too_many(exc: BadRequest) -> bool:
    return _SIZE_LIMIT_CODE in str(exc)


def collect_ids(
    client: WiqlRunner,
    project: str,
    where: str,
    *,
    cap: int = WIQL_CAP,
) -> list[int]:
    """Every id matching ``where`` in ``project``, ascending, however many there are."""
    ids: list[int] = []
    lo, width, capped = 1, cap, False
    while True:
        if not capped:
            try:
                page = client.wiql(project, _query(where, lo, None), top=cap)
            except BadRequest as e:
                if not _too_many(e):
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
            return client.wiql(project, _query(where, lo, lo + width), top=cap), width
        except BadRequest as e:
            if not _too_many(e) or width <= 1:
                raise
            width = max(1, min(width // 2, cap))
