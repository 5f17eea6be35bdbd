"""YAML documents with positions: compose to nodes, refuse duplicate keys, build plain values.

PyYAML silently keeps the last of two equal keys in one mapping. Ticket files are specs people
edit by hand, so a duplicate is refused: the text is composed to nodes first (libyaml's C
composer when present), every mapping is checked, and only then are values built. The nodes are
kept so that a validation error can point at the line and column of the offending key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ticketops.model.errors import Problem

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
# Explicit or implicit tags whose values are no text, number, boolean or list a field takes.
_REFUSED_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("binary", "set", "omap", "pairs"))
_MAX_DEPTH = 64
MAX_DEPTH = _MAX_DEPTH  # the deepest a value is built; anything that walks the nodes stops there too

Loc = tuple[str | int, ...]


class Loader(_BaseLoader):
    """The safe loader without path resolvers (none are registered; skipping them is faster)."""

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0]:
            table = self.yaml_implicit_resolvers
            for tag, regexp in table.get(value[:1] if value else "", ()):
                if regexp.match(value):
                    return str(tag)
            for tag, regexp in table.get(None, ()):
                if regexp.match(value):
                    return str(tag)
        if kind is ScalarNode:
            return str(self.DEFAULT_SCALAR_TAG)
        if kind is SequenceNode:
            return str(self.DEFAULT_SEQUENCE_TAG)
        return str(self.DEFAULT_MAPPING_TAG)


@dataclass
class YamlDoc:
    """One parsed YAML document of a file, with the file line its text starts on."""

    path: str
    root: Node | None
    value: Any
    first_line: int  # file line (1-based) of the first line of the YAML text
    problems: list[Problem] = field(default_factory=list)

    def problem(self, node: Node | None, message: str) -> Problem:
        if node is None:
            return Problem(self.path, max(self.first_line - 1, 1), 1, message)
        mark = node.start_mark
        return Problem(self.path, mark.line + self.first_line, mark.column + 1, message)

    def node_at(self, loc: Loc) -> Node | None:
        """The node a validation error location points at: the key of a mapping entry, or the
        list item. Stops at the deepest node that exists (a missing field points at its parent)."""
        node, found = self.root, None
        for part in loc:
            if isinstance(node, MappingNode) and isinstance(part, str):
                pair = _find_key(node, part)
                if pair is None:
                    return found if found is not None else node
                found, node = pair
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
                found = node
            else:
                break
        return found

    def value_node(self, loc: Loc) -> Node | None:
        """The value node at ``loc`` (not the key), or None."""
        node = self.root
        for part in loc:
            if isinstance(node, MappingNode) and isinstance(part, str):
                pair = _find_key(node, part)
                if pair is None:
                    return None
                node = pair[1]
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return None
        return node


def _find_key(node: MappingNode, name: str) -> tuple[Node, Node] | None:
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == name:
            return k, v
    return None


def parse(text: str, path: str, first_line: int = 1) -> YamlDoc:
    """Compose ``text`` and build its value. Syntax errors and duplicate keys become problems
    (with file positions); ``value`` is None after a syntax error."""
    doc = YamlDoc(path=path, root=None, value=None, first_line=first_line)
    loader = Loader(text)
    try:
        doc.root = loader.get_single_node()
        alias = _alias_problem(text, path, first_line) if doc.root is not None and "*" in text else None
        if alias is not None:
            # Never build (or walk) a document with aliases: each reference would be expanded
            # again, and a few hundred bytes of nested aliases expand to gigabytes.
            doc.root = None
            doc.problems.append(alias)
        elif doc.root is not None:
            doc.value = _Builder(loader, doc).build(doc.root, 0)
    except yaml.MarkedYAMLError as e:
        doc.root, doc.value = None, None
        doc.problems.append(_syntax_problem(e, text, path, first_line))
    except yaml.YAMLError as e:  # pragma: no cover - libyaml reports marks for every error
        doc.root, doc.value = None, None
        doc.problems.append(Problem(path, first_line, 1, f"invalid YAML: {e}"))
    finally:
        loader.dispose()
    return doc


def _alias_problem(text: str, path: str, first_line: int) -> Problem | None:
    """The first alias (``*name``) in ``text`` as a problem, or None. Reads the event stream
    (linear in the text), never the composed nodes, which an alias shares."""
    anchors: dict[str, int] = {}
    first: yaml.AliasEvent | None = None
    count = 0
    loader = Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                count += 1
                first = first or event
            elif getattr(event, "anchor", None) and event.start_mark is not None:
                anchors.setdefault(str(event.anchor), event.start_mark.line + first_line)
    finally:
        loader.dispose()
    if first is None or first.start_mark is None:
        return None
    name = str(first.anchor)
    where = f" on line {anchors[name]}" if name in anchors else ""
    more = f" ({count} aliases in this file)" if count > 1 else ""
    mark = first.start_mark
    return Problem(
        path,
        mark.line + first_line,
        mark.column + 1,
        f"YAML aliases are not supported: '*{name}' repeats the value anchored as '&{name}'{where}{more}; "
        "write the value out in full and remove the '&' anchor and the '*' aliases",
    )


def _syntax_problem(e: yaml.MarkedYAMLError, text: str, path: str, first_line: int) -> Problem:
    unclosed = _unclosed(e, text, first_line)
    if unclosed is not None:
        return Problem(path, unclosed[0], unclosed[1], unclosed[2])
    mark = e.problem_mark or e.context_mark
    what = " ".join(x for x in (e.context, e.problem) if x) or "syntax error"
    hint = ""
    if "\t" in what or "tab" in what or (mark is not None and _char_at(text, mark.line, mark.column) == "\t"):
        hint = "; indent with spaces, not tabs"
    elif "mapping values are not allowed" in what:
        hint = "; quote a value that contains ': ' (for example title: \"Fix: crash\")"
    elif "found character '@'" in what or "found character '`'" in what:
        hint = "; quote values that start with @ or `"
    if mark is None:  # pragma: no cover
        return Problem(path, first_line, 1, f"invalid YAML: {what}{hint}")
    return Problem(path, mark.line + first_line, mark.column + 1, f"invalid YAML: {what}{hint}")


_CLOSERS = {"[": "]", "{": "}"}


def _unclosed(e: yaml.MarkedYAMLError, text: str, first_line: int) -> tuple[int, int, str] | None:
    """An unclosed ``[``, ``{`` or quote: PyYAML notices it lines later (at the next ``:`` or the
    end); point at where it was opened (its ``context_mark``) and say how to close it."""
    ctx, problem, opened, found = e.context or "", e.problem or "", e.context_mark, e.problem_mark
    if opened is None or found is None:
        return None
    where = (opened.line + first_line, opened.column + 1)
    seen = f"line {found.line + first_line}, column {found.column + 1}"
    char = _char_at(text, opened.line, opened.column)
    if ctx.startswith("while parsing a flow") and char in _CLOSERS:
        kind = "list" if char == "[" else "mapping"
        at = where if found.line > opened.line else (found.line + first_line, found.column + 1)
        return (
            *at,
            f"invalid YAML: the {kind} opened with '{char}' on line {where[0]} is not closed "
            f"(PyYAML stopped at {seen}): close the `{char}` with `{_CLOSERS[char]}`, or put the whole "
            "value in quotes if it is text",
        )
    if (
        ctx.startswith("while scanning a quoted scalar")
        and char in "\"'"
        and ("end of stream" in problem or "document" in problem)
    ):
        other = "'" if char == '"' else '"'
        return (
            *where,
            f"invalid YAML: the quote {char} opened here is never closed (PyYAML reached the end at "
            f"{seen}): close the quote with a matching {char} (text that contains "
            f"a {char} goes in {other} quotes)",
        )
    return None


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column : column + 1] if line < len(lines) else ""


class _Builder:
    """Builds plain Python values from nodes, reporting duplicate keys instead of dropping them."""

    def __init__(self, loader: Any, doc: YamlDoc) -> None:
        self.loader = loader
        self.doc = doc
        self.active: set[int] = set()

    def build(self, node: Node, depth: int) -> Any:
        if isinstance(node, ScalarNode):
            if node.tag == STR_TAG:
                return node.value
            if node.tag in _REFUSED_TAGS:  # bytes, sets and dates are nothing a ticket or config holds
                name = node.tag.rsplit(":", 1)[-1]
                self.doc.problems.append(
                    self.doc.problem(
                        node, f"the YAML tag !!{name} is not supported here; write the value as plain text"
                    )
                )
                return None
            try:
                return self.loader.construct_object(node)
            except yaml.constructor.ConstructorError as e:
                self.doc.problems.append(self.doc.problem(node, f"invalid YAML value: {e.problem}"))
                return None
        if depth > _MAX_DEPTH or id(node) in self.active:
            self.doc.problems.append(
                self.doc.problem(
                    node,
                    f"YAML is nested more than {_MAX_DEPTH} levels deep here; no field needs that: remove the extra nesting",
                )
            )
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item, depth + 1) for item in node.value]
            if isinstance(node, MappingNode):
                return self._mapping(node, depth)
        finally:
            self.active.discard(id(node))
        return None  # pragma: no cover - there are only three node kinds

    def _mapping(self, node: MappingNode, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        seen: dict[Any, Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                self.doc.problems.append(
                    self.doc.problem(key_node, "merge keys (<<) are not supported here; write the fields out")
                )
                continue
            if not isinstance(key_node, ScalarNode):
                self.doc.problems.append(
                    self.doc.problem(key_node, "a key must be a plain name, not a list or mapping")
                )
                continue
            key = self.build(key_node, depth + 1)
            if key in seen:
                first = seen[key].start_mark.line + self.doc.first_line
                self.doc.problems.append(
                    self.doc.problem(key_node, f"duplicate key '{key}' (first set on line {first}); keep only one")
                )
                continue
            seen[key] = key_node
            out[key] = self.build(value_node, depth + 1)
        return out
