"""Which work items to import: the ``--query`` filter and the condition every range shares.
The ids are read past WIQL's 20,000 cap by :func:`ticketops.ado.wiql.collect_ids`."""

from __future__ import annotations

import re

from ticketops.ado.wiql import EXAMPLE_CONDITION, WIQL_CAP, collect_ids
from ticketops.ado.wiql import import_condition as base_condition
from ticketops.model.errors import TicketopsError

# WIQL's clause keywords, found only outside string literals ('it''s') and [field names].
_KEYWORD_RE = re.compile(r"\b(select|from|where|order\s+by|asof|mode)\b", re.IGNORECASE)


def _top_level_keywords(text: str) -> list[tuple[str, int, int]]:
    """``(keyword, start, end)`` of every clause keyword outside quotes and brackets."""
    found: list[tuple[str, int, int]] = []
    pos, n = 0, len(text)
    while pos < n:
        ch = text[pos]
        if ch == "'":  # a string literal; '' inside is a quote
            end = pos + 1
            while end < n and not (text[end] == "'" and (end + 1 >= n or text[end + 1] != "'")):
                end += 2 if text[end] == "'" else 1
            if end >= n:
                raise TicketopsError(f"--query: a string literal opened at character {pos + 1} is never closed")
            pos = end + 1
        elif ch == "[":
            end = text.find("]", pos)
            if end < 0:
                raise TicketopsError(f"--query: a [field name] opened at character {pos + 1} is never closed")
            pos = end + 1
        elif (m := _KEYWORD_RE.match(text, pos)) and (
            pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] == "_")
        ):
            found.append((" ".join(m.group(1).lower().split()), m.start(), m.end()))
            pos = m.end()
        else:
            pos += 1
    return found


def user_condition(query: str | None) -> str | None:
    """The WHERE condition of ``--query``: a full flat query (``SELECT ... FROM WorkItems WHERE
    ...``) or a bare condition. ``ORDER BY`` is dropped (ids are read in id order); ``ASOF`` is
    refused (import reads the items as they are now, so the answer would not be the one asked
    for). Keywords inside string literals and [field names] are text, never clauses."""
    if query is None or not query.strip():
        return None
    text = query.strip()
    keywords = _top_level_keywords(text)
    if not keywords or keywords[0][0] != "select" or keywords[0][1] != 0:
        return text  # a bare condition
    clauses = {kw: (start, end) for kw, start, end in keywords}
    order = [kw for kw, _s, _e in keywords]
    if "from" not in clauses or order.count("from") > 1 or order.count("where") > 1:
        raise TicketopsError(
            f"--query: cannot read {text[:80]!r}; give a condition such as {EXAMPLE_CONDITION!r} "
            "or a flat query SELECT [System.Id] FROM WorkItems WHERE ..."
        )
    if "asof" in clauses:
        raise TicketopsError("--query: ASOF is not supported: import reads the work items as they are now; drop ASOF")
    if "mode" in clauses:
        raise TicketopsError("--query: only flat queries (FROM WorkItems) can be imported, not a MODE (...) link query")

    def body(kw: str) -> str:
        _start, end = clauses[kw]
        later = [s for k, s, _e in keywords if s > end]
        return text[end : min(later) if later else len(text)].strip()

    source = body("from")
    if source.lower() != "workitems":
        raise TicketopsError(f"--query: only flat queries (FROM WorkItems) can be imported, not FROM {source}")
    where = body("where") if "where" in clauses else ""
    return where or None


__all__ = ["WIQL_CAP", "base_condition", "collect_ids", "user_condition"]
