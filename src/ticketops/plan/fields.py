"""Managed fields: their ADO reference names, the values a ticket asks for, and the rules
that decide whether a live value already matches (normalised comparison, so a converged item
shows no diff).

Acceptance criteria are written as an HTML checklist, one ``<li>`` per criterion, each
starting with a ballot box::

    <ul><li>☐ first criterion</li><li>☐ second</li></ul>

The rendering is deterministic and :func:`parse_acceptance_criteria` turns it back into the
list (``ticketops import`` relies on that round trip). HTML is used because it is the format
every ADO server stores for that field; only ``System.Description`` is sent as Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from markdown_it import MarkdownIt

from ticketops.model.live import (  # noqa: F401 - re-exported: the field names live in the model
    ACCEPTANCE_CRITERIA,
    AREA_PATH,
    ASSIGNED_TO,
    COMMON_TAG,
    DESCRIPTION,
    HISTORY,
    MANAGED_FIELDS,
    PRIORITY,
    STATE,
    TAGS,
    TITLE,
    board_tag,
    key_tag,
)

LABELS: dict[str, str] = {
    TITLE: "title",
    STATE: "state",
    ASSIGNED_TO: "assignee",
    PRIORITY: "priority",
    TAGS: "tags",
    AREA_PATH: "area path",
    DESCRIPTION: "description",
    ACCEPTANCE_CRITERIA: "acceptance criteria",
}
LONG_TEXT_FIELDS = frozenset({DESCRIPTION, ACCEPTANCE_CRITERIA})

BALLOT_BOX = "\u2610"  # ☐
_CHECKED_BOXES = ("\u2610", "\u2611", "\u2612", "[ ]", "[x]", "[X]")

_md = MarkdownIt("commonmark", {"html": False}).enable("table")


def label(field: str) -> str:
    return LABELS.get(field, field)


# ---- text -----------------------------------------------------------------------------
def normalize_text(text: str | None) -> str:
    """Line endings to ``\\n``, no trailing blanks on a line, no blank lines at either end."""
    if not text:
        return ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


_WS_RE = re.compile(r"\s+")
_BETWEEN_TAGS_RE = re.compile(r">\s+<")


def normalize_html(text: str | None) -> str:
    """Collapse runs of whitespace and drop whitespace between tags."""
    if not text:
        return ""
    return _BETWEEN_TAGS_RE.sub("><", _WS_RE.sub(" ", text)).strip()


def markdown_to_html(markdown: str) -> str:
    """The HTML fallback for servers that do not store Markdown (raw HTML is escaped)."""
    body = normalize_text(markdown)
    return _md.render(body).strip() if body else ""


# ---- acceptance criteria ----------------------------------------------------------------
def render_acceptance_criteria(items: Iterable[str]) -> str:
    """``("a", "b")`` -> ``<ul><li>☐ a</li><li>☐ b</li></ul>``; nothing -> ``""``."""
    lis = "".join(f"<li>{BALLOT_BOX} {html.escape(i.strip(), quote=False)}</li>" for i in items)
    return f"<ul>{lis}</ul>" if lis else ""


_LI_RE = re.compile(r"<li[^>]*>(.*?)</li>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")


def parse_acceptance_criteria(text: str | None) -> tuple[str, ...]:
    """The inverse of :func:`render_acceptance_criteria` (also reads ``- [ ] x`` lines)."""
    if not text:
        return ()
    found = _LI_RE.findall(text)
    if not found:
        found = [ln.lstrip("-* ").strip() for ln in text.splitlines() if ln.strip()]
    items = (strip_checkbox(html.unescape(_TAG_RE.sub("", raw))) for raw in found)
    return tuple(i for i in items if i)


def strip_checkbox(item: str) -> str:
    """``☐ item``, ``[ ] item`` or ``[x] item`` -> ``item``."""
    item = item.strip()
    for box in _CHECKED_BOXES:
        if item.startswith(box):
            return item[len(box) :].strip()
    return item


# ---- tags -------------------------------------------------------------------------------
def marker_tags(key: str, board: str | None = None) -> tuple[str, ...]:
    return (COMMON_TAG, key_tag(key), *((board_tag(board),) if board else ()))


def merge_tags(
    live: tuple[str, ...], wanted: tuple[str, ...], unwanted: tuple[str, ...], key: str, board: str | None = None
) -> tuple[str, ...]:
    """The tags an item should carry: live tags (people's additions stay) minus the ticket's
    ``-name`` entries, plus the ticket's tags and both marker tags. Case-insensitive, live
    spelling kept; stale ``ticketops:OTHER`` markers are left for the conflict check."""
    drop = {t.lower() for t in unwanted}
    out = [t for t in live if t.lower() not in drop]
    have = {t.lower() for t in out}
    for t in (*wanted, *marker_tags(key, board)):
        if t.lower() not in have:
            out.append(t)
            have.add(t.lower())
    return tuple(out)


def same_tags(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return {t.strip().lower() for t in a} == {t.strip().lower() for t in b}


def join_tags(tags: tuple[str, ...]) -> str:
    """The ``System.Tags`` wire value."""
    return "; ".join(tags)


# ---- small comparisons ------------------------------------------------------------------
def same_path(a: str | None, b: str | None) -> bool:
    """Area paths compare case-insensitively; ``/`` and ``\\`` are the same separator."""

    def norm(p: str | None) -> str:
        return (p or "").replace("/", "\\").strip("\\ ").lower()

    return norm(a) == norm(b)


def same_email(a: str | None, b: str | None) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()
