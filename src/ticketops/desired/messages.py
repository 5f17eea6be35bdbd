"""Pydantic validation errors turned into messages that say what to change, at the right line."""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import Node, ScalarNode, SequenceNode

from ticketops.desired.yamldoc import Loc, YamlDoc
from ticketops.model.errors import Problem

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "a mapping of names to values",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
}


def dotted(loc: Loc) -> str:
    """``('repos', 'api', 'name')`` -> ``repos.api.name``; ``('reviewers', 1)`` -> ``reviewers[1]``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def describe(value: Any) -> str:
    """A short description of a value for an error message (never the whole of a long string)."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def suggest(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    options = list(choices)
    prefixed = [c for c in options if len(name) >= 3 and c.lower().startswith(name.lower())]
    match = prefixed[:1] if len(prefixed) == 1 else difflib.get_close_matches(name, options, n=1, cutoff=0.7)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Union-with-None and Annotated from a type annotation."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The pydantic model that the mapping at ``loc`` is validated against, if any."""
    current: Any = model
    parts = list(loc)
    while parts:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        name = parts.pop(0)
        fields = {f.alias or n: f for n, f in current.model_fields.items()}
        if name not in fields:
            return None
        current = _unwrap(fields[name].annotation)
        while typing.get_origin(current) in (dict, tuple, list) and parts:
            args = typing.get_args(current)
            current = _unwrap(args[-1] if typing.get_origin(current) is dict else args[0])
            parts.pop(0)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or n for n, f in model.model_fields.items()]


def message(err: ErrorDetails, model: type[BaseModel], doc: YamlDoc) -> str:
    """One friendly message for one pydantic error."""
    loc = tuple(err["loc"])
    where = dotted(loc)
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"missing required field '{loc[-1]}'" + (f" in {dotted(loc[:-1])}" if len(loc) > 1 else "")
    if kind == "extra_forbidden":
        parent = model_at(model, loc[:-1])
        known = field_names(parent) if parent else []
        inside = f" in {dotted(loc[:-1])}" if len(loc) > 1 else ""
        valid = f"; valid fields: {', '.join(known)}" if known else ""
        return f"unknown field '{loc[-1]}'{inside}{suggest(str(loc[-1]), known)}{valid}"
    if kind in _EXPECTED:
        hint = _quote_hint(kind, value, doc, loc)
        return f"{where}: expected {_EXPECTED[kind]}, got {describe(value)}{hint}"
    if kind == "string_too_long":
        return f"{where} is {len(value)} characters long; the limit is {ctx.get('max_length')}"
    if kind == "string_too_short":
        return f"{where} must not be empty"
    if kind in ("enum", "literal_error"):
        return f"{where}: {describe(value)} is not allowed; use one of {ctx.get('expected')}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{where}: {err['msg'].lower()} (got {describe(value)})"
    if kind == "string_pattern_mismatch":
        return f"{where}: {describe(value)} does not match the required pattern {ctx.get('pattern')}"
    text = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if not loc:
        return text
    return text if text.startswith(where) else f"{where}: {text}"


def _quote_hint(kind: str, value: Any, doc: YamlDoc, loc: Loc) -> str:
    if kind == "string_type" and isinstance(value, (bool, int, float, dt.date)):
        node = doc.value_node(loc)
        if node is not None and getattr(node, "value", None) is not None and isinstance(node.value, str):
            return f'; YAML read the text {node.value} as a {type(value).__name__}: put it in quotes, "{node.value}"'
    if kind in ("tuple_type", "list_type") and isinstance(value, str):
        return f"; write a list, for example [{value}] or one '- item' per line"
    return ""


def problems_from(
    error: ValidationError, model: type[BaseModel], doc: YamlDoc, *, skip: frozenset[str] = frozenset()
) -> list[Problem]:
    """Every error of ``error`` as a problem at the node it is about. ``skip`` drops errors whose
    first location part is one of those names (already reported another way)."""
    out: list[Problem] = []
    for err in error.errors(include_url=False):
        loc = tuple(err["loc"])
        if loc and loc[0] in skip:
            continue
        if not loc:
            loc = _loc_from_text(err["msg"], field_names(model))
        if err["type"] == "missing":
            node = doc.node_at(loc[:-1]) if len(loc) > 1 else None
        else:
            node = _item_named(doc, loc, err["msg"]) or doc.node_at(loc)
        out.append(doc.problem(node, message(err, model, doc)))
    return out


def _item_named(doc: YamlDoc, loc: Loc, msg: str) -> Node | None:
    """A validator of a whole list ("'x' is not an email address") names the bad item: point
    at that item rather than at the list's key."""
    seq = doc.value_node(loc)
    if not isinstance(seq, SequenceNode):
        return None
    for item in seq.value:
        if isinstance(item, ScalarNode) and item.value and repr(item.value.strip()) in msg:
            return item
    return None


def _loc_from_text(msg: str, names: list[str]) -> Loc:
    """Model-level validators name the field first ("statuses: ..."): point at that field."""
    text = msg.removeprefix("Value error, ")
    for name in names:
        if text.startswith(name):
            return (name,)
    return ()
