"""Which work items to import: the ``--query`` filter and the condition every range shares.
The ids are read past WIQL's 20,000 cap by :func:`ticketops.ado.wiql.collect_ids`."""

from __future__ import annotations

import re

from ticketops.ado.wiql import EXAMPLE_CONDITION, WIQL_CAP, collect_ids
from ticketops.ado.wiql import import_condition as base_condition
from ticketops.model.errors import TicketopsError

_FULL_QUERY_RE = re.compile(
    r"^\s*select\s+.+?\s+from\s+(?P<source>\w+)(?:\s+where\s+(?P<where>.*?))?"
    r"(?:\s+order\s+by\s+.*?)?(?:\s+asof\s+.*?)?\s*$",
    re.IGNORECASE | re.DOTALL,
)


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
            f"--query: cannot read {text[:80]!r}; give a condition such as {EXAMPLE_CONDITION!r} "
            "or a flat query SELECT [System.Id] FROM WorkItems WHERE ..."
        )
    if m.group("source").lower() != "workitems":
        raise TicketopsError(
            f"--query: only flat queries (FROM WorkItems) can be imported, not FROM {m.group('source')}"
        )
    where = m.group("where")
    return where.strip() if where and where.strip() else None


__all__ = ["WIQL_CAP", "base_condition", "collect_ids", "user_condition"]
