"""Pull request title and description, rendered from a ticket. Pure.

The description is::

    <!-- ticketops:v1 sha256=... spec=... tip=... wi=... -->   (the hidden marker, first line)
    <summary: the first paragraph(s) of the spec body>

    **Acceptance criteria**

    - [ ] criterion one
    - [ ] criterion two

    Spec: [.tickets/PAY-1.md](<link to the file on the branch>) on branch `feature/PAY-1-...`

ADO refuses descriptions over 4,000 characters. A longer one is cut cleanly: the summary at a
word boundary, criteria only whole (the rest counted), and a note says it was cut.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from ticketops.model.gitlive import GitTarget, PrMarker
from ticketops.model.ticket import Ticket

DESCRIPTION_LIMIT = 4000  # characters, as ADO counts them (UTF-16 code units)
MARKER_RESERVE = 230  # the marker line is at most ~220 characters
MAX_SUMMARY_PARAGRAPHS = 3
CRITERIA_HEADING = "**Acceptance criteria**"
CUT_NOTE = "_Cut to fit the 4,000-character limit of Azure DevOps; the full spec is in the linked file._"
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")


def units(text: str) -> int:
    """Length as ADO (.NET) counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def pr_title(ticket: Ticket) -> str:
    return f"{ticket.key}: {ticket.title}"


def spec_url(web_url: str, target: GitTarget) -> str:
    """The spec file on the feature branch in the ADO web UI."""
    return f"{web_url}?path={quote('/' + target.spec_path)}&version=GB{quote(target.branch, safe='/')}"


def summary(body: str) -> str:
    """The first paragraph(s) of the spec body: after any leading headings, up to the next heading."""
    paragraphs: list[list[str]] = []
    current: list[str] = []
    fenced = False
    for line in body.replace("\r\n", "\n").split("\n"):
        if _FENCE_RE.match(line):
            fenced = not fenced
        if not fenced and _HEADING_RE.match(line):
            if paragraphs or current:
                break
            continue
        if line.strip():
            current.append(line.rstrip())
        elif current:
            paragraphs.append(current)
            current = []
            if len(paragraphs) >= MAX_SUMMARY_PARAGRAPHS:
                break
    if current and len(paragraphs) < MAX_SUMMARY_PARAGRAPHS:
        paragraphs.append(current)
    return "\n\n".join("\n".join(p) for p in paragraphs)


def checklist(ticket: Ticket) -> list[str]:
    return [f"- [ ] {' '.join(item.split())}" for item in ticket.acceptance_criteria]


def pr_body(ticket: Ticket, target: GitTarget, web_url: str) -> str:
    """The description below the marker, cut to fit the limit together with the marker."""
    footer = f"Spec: [{target.spec_path}]({spec_url(web_url, target)}) on branch `{target.branch}`"
    text = summary(ticket.body)
    items = checklist(ticket)
    full = _join(text, items, 0, footer, cut=False)
    budget = DESCRIPTION_LIMIT - MARKER_RESERVE
    if units(full) <= budget:
        return full
    return _cut(text, items, footer, budget)


def _join(text: str, items: list[str], dropped: int, footer: str, *, cut: bool) -> str:
    parts = [text] if text else []
    if items or dropped:
        more = [f"_...and {dropped} more acceptance criteria in the spec._"] if dropped else []
        parts.append(CRITERIA_HEADING + "\n\n" + "\n".join([*items, *more]))
    if cut:
        parts.append(CUT_NOTE)
    parts.append(footer)
    return "\n\n".join(parts)


def _cut(text: str, items: list[str], footer: str, budget: int) -> str:
    """Criteria first (whole items only), then as much of the summary as still fits."""
    kept = list(items)
    while kept and units(_join("", kept, len(items) - len(kept), footer, cut=True)) > budget:
        kept.pop()
    frame = units(_join("", kept, len(items) - len(kept), footer, cut=True))
    room = budget - frame - 2  # the blank line between the summary and the rest
    short = _cut_words(text, room) if text else ""
    return _join(short, kept, len(items) - len(kept), footer, cut=True)


def _cut_words(text: str, room: int) -> str:
    """``text`` if it fits, else its longest prefix ending at a word boundary, plus an ellipsis."""
    if units(text) <= room:
        return text
    if room < 20:
        return ""
    prefix = text
    while prefix and units(prefix) > room - 1:
        prefix = prefix[: max(0, len(prefix) - max(1, units(prefix) - room + 1))]
    space = max(prefix.rfind(" "), prefix.rfind("\n"))
    prefix = prefix[:space] if space > 0 else prefix
    return prefix.rstrip() + "\u2026"


def content_hash(title: str, body: str, spec_blob: str) -> str:
    """What the marker's ``sha256`` covers: the title, the description below it and the ticket blob."""
    return hashlib.sha256(f"{title}\n{spec_blob}\n{body}".encode()).hexdigest()


def description(marker: PrMarker, body: str) -> str:
    return f"{marker.render()}\n{body}"
