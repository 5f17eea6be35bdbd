"""Long-text fields from ADO to ticket text: HTML descriptions and comments to Markdown, and
acceptance criteria to a list of one-line items."""

from __future__ import annotations

import re

from markdownify import markdownify

from ticketops.plan.fields import normalize_text, parse_acceptance_criteria, strip_checkbox

_TAG_RE = re.compile(r"<[A-Za-z!/][^>]*>")
_BULLET_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# ADO's rich-text editor writes a blank line as `<div><br></div>` (or `<p>&nbsp;</p>`): a block
# that holds nothing but breaks and non-breaking spaces. It is a paragraph gap, not content.
_EMPTY_BLOCK_RE = re.compile(r"<(div|p)(?:\s[^>]*)?>(?:\s|&nbsp;|&#160;|&#xa0;|\xa0|<br\s*/?>)*</\1\s*>", re.I)
# A break right before a block ends adds nothing (the block ends the line anyway).
_TRAILING_BR_RE = re.compile(r"(?:<br\s*/?>\s*)+(</(?:div|p|li|h[1-6])\s*>)", re.I)


def looks_like_html(text: str) -> bool:
    return bool(_TAG_RE.search(text))


def html_to_markdown(html: str) -> str:
    """ADO's HTML as Markdown (ATX headings, ``-`` bullets), normalised like the planner does."""
    if not html.strip():
        return ""
    html = _TRAILING_BR_RE.sub(r"\1", _EMPTY_BLOCK_RE.sub("", html))
    md = markdownify(html, heading_style="ATX", bullets="-", newline_style="BACKSLASH")
    md = md.replace("\xa0", " ")  # the editor's &nbsp; between words is a space in Markdown
    return normalize_text(re.sub(r"\n{3,}", "\n\n", md))


def description_markdown(text: str, fmt: str) -> str:
    """A work item description as the ticket body: Markdown kept as is, HTML converted."""
    if fmt == "markdown":
        return normalize_text(text)
    return html_to_markdown(text)


def comment_markdown(text: str, fmt: str | None) -> str:
    if (fmt or "").lower() == "markdown" or not looks_like_html(text):
        return normalize_text(text)
    return html_to_markdown(text)


def acceptance_items(text: str) -> tuple[str, ...]:
    """Acceptance criteria as one-line items: list items when the HTML has them (the exact inverse
    of what ticketops writes), otherwise one item per non-empty line of its text."""
    if not text.strip():
        return ()
    if "<li" in text.lower():
        return tuple(" ".join(i.split()) for i in parse_acceptance_criteria(text) if i.strip())
    plain = html_to_markdown(text) if looks_like_html(text) else normalize_text(text)
    out: list[str] = []
    for line in plain.splitlines():
        item = strip_checkbox(_BULLET_RE.sub("", line).strip().rstrip("\\"))
        if item:
            out.append(item)
    return tuple(out)
