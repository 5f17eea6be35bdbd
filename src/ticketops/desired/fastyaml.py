"""A fast path for the plain front matter almost every ticket has.

Composing YAML to nodes costs ~100 µs per ticket even with libyaml, which is most of the time
to load 10,000 tickets. Most front matter is a flat list of ``name: plain text`` lines, flow
lists (``[a, b]``) and block lists (``- item``). :func:`parse_simple` reads exactly that subset
and returns None for anything else (quotes, anchors, nested mappings, multi-line values, odd
scalars), so the caller falls back to the full YAML parser. Within the subset the values are
the ones PyYAML's safe loader produces: scalars are resolved with the loader's own implicit
resolvers, and anything that is not text or a plain decimal integer falls back too.

Positions are not tracked: a file with any problem is parsed again with the full parser, which
has them.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ticketops.desired.yamldoc import Loader

# One line: `name: value`, `name:`, `  - item`, a comment, or blank. Greedy, so no backtracking;
# trailing spaces are stripped afterwards.
_LINE = re.compile(r"(?:([A-Za-z_][A-Za-z0-9_]*):(?:[ ]+([^\n]*))?|([ ]*)-[ ]+([^\n]*)|#[^\n]*|[ ]*)(?:\n|\Z)")
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]*)\Z")
_INT_TAG = "tag:yaml.org,2002:int"
# A plain scalar that means the same in any YAML reader: no indicator first, no tab, no ': '
# or ' #' inside, no trailing space or ':'. Inside [ ] also none of ,[]{}: at all.
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")
_FLOW_BAD = re.compile(r"[,\[\]{}:]")
_RESOLVERS = Loader.yaml_implicit_resolvers
# Characters PyYAML treats specially (non-printable, extra line breaks, a BOM): full parser.
_UNUSUAL = re.compile("[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")


@functools.lru_cache(maxsize=1 << 16)  # statuses, people, tags and field names repeat a lot
def _scalar(text: str, in_flow: bool) -> Any:
    """The value of a plain scalar, or ``...`` (Ellipsis) when it is outside the subset."""
    if not text or text[0] in _NOT_FIRST or text[-1] in " :" or "\t" in text or ": " in text or " #" in text:
        return ...
    if in_flow and _FLOW_BAD.search(text):
        return ...
    for tag, regexp in _RESOLVERS.get(text[0], ()):
        if regexp.match(text):
            return int(text) if tag == _INT_TAG and _DECIMAL.match(text) else ...
    return text


def _flow_list(text: str) -> list[Any] | None:
    inner = text[1:-1].strip(" ")  # YAML strips spaces, not every Unicode space (U+00A0 is text)
    if not inner:
        return []
    items = [_scalar(part.strip(" "), True) for part in inner.split(",")]
    return None if any(i is ... for i in items) else items


def _value(text: str) -> Any:
    if text.startswith("[") and text.endswith("]"):
        items = _flow_list(text)
        return ... if items is None else items
    return _scalar(text, False)


def parse_simple(text: str) -> dict[str, Any] | None:
    """The front matter as a dict when it is in the simple subset, else None."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if _UNUSUAL.search(text):
        return None
    out: dict[str, Any] = {}
    current: list[Any] | None = None  # the block list being filled
    indent: str | None = None
    pos, end, match = 0, len(text), _LINE.match
    while pos < end:
        m = match(text, pos)
        if m is None:
            return None  # not a line of the subset: indented text, nested mapping, ...
        pos = m.end()
        name, raw, item_indent, item = m.groups()
        if item is not None:
            item = item.rstrip(" ")
            if current is None or (indent is not None and item_indent != indent):
                return None
            indent = item_indent
            value = _scalar(item, False)
            if value is ...:
                return None
            current.append(value)
        elif name is not None:
            if name in out or _scalar(name, False) != name or (current is not None and not current):
                return None  # a duplicate, a key YAML reads as bool/null, or `name:` with nothing (null)
            raw = raw.rstrip(" ") if raw else raw
            if not raw:
                current, indent = [], None
                out[name] = current
                continue
            current = None
            value = _value(raw)
            if value is ...:
                return None
            out[name] = value
    if current is not None and not current:
        return None
    return out


__all__ = ["parse_simple"]
