"""WIQL evaluation against the work item store, using its indexes where a clause allows.

Semantics follow ADO: string compares are case-insensitive; ``[System.Tags] CONTAINS 'x'``
matches a whole tag; date fields compare at day precision unless the request has
``timePrecision=true`` (and a literal with a time is then refused, as ADO refuses it).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ticketops.emulator.clock import parse_iso
from ticketops.emulator.db.records import FieldValue, Project, WorkItem
from ticketops.emulator.db.workitems import WorkItemStore
from ticketops.emulator.errors import AdoError, wiql_error
from ticketops.emulator.fields import FieldDef
from ticketops.emulator.fields import field as field_def
from ticketops.emulator.identity import User
from ticketops.emulator.wiql import And, Cond, Expr, Macro, Not, Or, Query, Value, unsupported

RESULT_LIMIT = 20_000
_HAS_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d")


@dataclass(frozen=True)
class Env:
    project: Project | None  # the URL's project: the scope and @project
    me: User
    now: float
    time_precision: bool


def unknown_field(name: str) -> AdoError:
    return wiql_error(f"TF51005: The query references a field that does not exist. The error is caused by «[{name}]».")


def resolve_field(name: str) -> FieldDef:
    f = field_def(name)
    if f is None:
        raise unknown_field(name)
    return f


def run(query: Query, store: WorkItemStore, env: Env, top: int | None) -> list[WorkItem]:
    for col in query.columns:
        resolve_field(col)
    pred = compile_expr(query.where, env) if query.where is not None else (lambda item: True)
    candidates = _candidates(query.where, store, env)
    matched = [it for it in candidates if not it.deleted and pred(it)]
    matched.sort(key=lambda it: it.id)
    for name, desc in reversed(query.order):
        f = resolve_field(name)
        matched.sort(key=lambda it, f=f: _sort_key(it, f), reverse=desc)  # type: ignore[misc]  # the default argument binds f per loop turn
    if top is not None:
        return matched[:top]
    if len(matched) > RESULT_LIMIT:
        raise wiql_error(
            f"VS402337: The number of work items returned exceeds the size limit of {RESULT_LIMIT}. "
            "Change the query to return fewer items."
        )
    return matched


# ---- candidates from indexes -----------------------------------------------------------------


def _candidates(expr: Expr | None, store: WorkItemStore, env: Env) -> list[WorkItem]:
    if env.project is not None:
        project_ids = [env.project.id]
    else:
        project_ids = list(store.by_project)
    out: list[WorkItem] = []
    for pid in project_ids:
        narrowed = _narrow(expr, store, pid) if expr is not None else None
        in_project = store.by_project.get(pid, set())
        ids = in_project if narrowed is None else narrowed & in_project
        out.extend(store.items[i] for i in ids)
    return out


def _narrow(expr: Expr, store: WorkItemStore, project_id: str) -> set[int] | None:
    """A superset of the matching ids from an index, or None when no index applies."""
    if isinstance(expr, Cond):
        f = field_def(expr.field)
        if f is not None and f.ref == "System.Tags" and expr.op == "contains" and isinstance(expr.values[0], str):
            return set(store.by_tag.get(project_id, {}).get(expr.values[0].strip().lower(), ()))
        if f is not None and f.ref == "System.Id" and expr.op in ("=", "in"):
            return _id_literals(list(expr.values))
        return None
    if isinstance(expr, And):
        sets = [s for s in (_narrow(p, store, project_id) for p in expr.parts) if s is not None]
        if not sets:
            return None
        out = sets[0]
        for s in sets[1:]:
            out = out & s
        return out
    if isinstance(expr, Or):
        found: list[set[int]] = []
        for p in expr.parts:
            part = _narrow(p, store, project_id)
            if part is None:
                return None
            found.append(part)
        return set().union(*found)
    return None


def _id_literals(values: list[Value]) -> set[int] | None:
    """The ids ``[System.Id] = v`` / ``IN (...)`` can match, read exactly as the predicate reads
    them (``float(v)``: ``1`` and ``'1'`` alike); None (no index) when one is not a plain number,
    so that the predicate reports it."""
    out: set[int] = set()
    for v in values:
        if isinstance(v, Macro):
            return None
        try:
            n = float(v)
        except (TypeError, ValueError):
            return None
        if n.is_integer():
            out.add(int(n))
    return out


# ---- predicates --------------------------------------------------------------------------------

Pred = Callable[[WorkItem], bool]


def compile_expr(expr: Expr, env: Env) -> Pred:
    if isinstance(expr, And):
        preds = [compile_expr(p, env) for p in expr.parts]
        return lambda it: all(p(it) for p in preds)
    if isinstance(expr, Or):
        preds = [compile_expr(p, env) for p in expr.parts]
        return lambda it: any(p(it) for p in preds)
    if isinstance(expr, Not):
        inner = compile_expr(expr.inner, env)
        return lambda it: not inner(it)
    return _condition(expr, env)


def _condition(c: Cond, env: Env) -> Pred:
    f = resolve_field(c.field)
    values = [_macro(v, env, c) for v in c.values]
    if f.type == "dateTime":
        return _date_condition(c, f, values, env)
    if f.ref in ("System.Id", "System.Rev") or f.type in ("integer", "double"):
        nums = [_number(v, c) for v in values]
        return lambda it: _compare_num(_get(it, f), c.op, nums)
    texts = [str(v).lower() if not isinstance(v, float) else _num_text(v) for v in values]
    if f.ref == "System.Tags" and c.op == "contains":
        wanted = texts[0].strip()
        return lambda it: wanted in it.tag_keys
    if c.op == "under":
        if f.type != "treePath":
            raise wiql_error(
                f"TF51005: UNDER works on area and iteration paths, not on {f.ref}. The error is caused by «{c.text}»."
            )
        return lambda it: _under(_get(it, f), texts[0])
    return lambda it: _compare_text(_text_forms(_get(it, f)), c.op, texts)


def _macro(v: Value, env: Env, c: Cond) -> Value:
    if not isinstance(v, Macro):
        return v
    if v.name == "project":
        if env.project is None:
            raise wiql_error(f"The @project macro needs a project in the URL. The error is caused by «{c.text}».")
        return env.project.name
    if v.name == "me":
        return env.me.email
    if v.name == "today":
        day = datetime.fromtimestamp(env.now, tz=UTC).date()
        return f"{day.fromordinal(day.toordinal() + v.offset).isoformat()}"
    raise unsupported(f"the @{v.name} macro", c.text)


def _get(item: WorkItem, f: FieldDef) -> FieldValue:
    if f.ref == "System.Id":
        return item.id
    if f.ref == "System.Rev":
        return item.rev
    return item.fields.get(f.ref)


def _number(v: Value, c: Cond) -> float:
    try:
        return float(v)  # type: ignore[arg-type]  # a wrong type raises TypeError, caught below
    except (TypeError, ValueError) as e:
        raise wiql_error(
            f"TF51006: The query statement is not valid: '{v}' is not a number. The error is caused by «{c.text}»."
        ) from e


def _num_text(v: float) -> str:
    return str(int(v)) if v.is_integer() else str(v)


def _compare_num(actual: FieldValue, op: str, nums: list[float]) -> bool:
    if not isinstance(actual, (int, float)) or isinstance(actual, bool):
        return op == "<>"
    a = float(actual)
    return _ordered(a, op, nums)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "contains": lambda a, b: False,
}


def _ordered(a: float | str, op: str, values: list[Any]) -> bool:
    if op == "in":
        return a in values
    return _OPS[op](a, values[0])


def _text_forms(actual: FieldValue) -> list[str]:
    """Every text a value answers to (an identity: email, display name, 'Name <email>')."""
    if isinstance(actual, str):
        return [actual.lower()]
    if actual is None:
        return [""]
    if isinstance(actual, User):
        return [actual.email, actual.display_name.lower(), f"{actual.display_name} <{actual.email}>".lower()]
    if isinstance(actual, float):
        return [_num_text(actual)]
    return [str(actual).lower()]


def _compare_text(forms: list[str], op: str, texts: list[str]) -> bool:
    if op == "contains":
        return any(texts[0] in f for f in forms)
    if op == "<>":
        return all(f != texts[0] for f in forms)
    if op == "in":
        return any(f in texts for f in forms)
    return any(_ordered(f, op, texts) for f in forms)


def _under(actual: FieldValue, path: str) -> bool:
    if not isinstance(actual, str):
        return False
    a = actual.lower()
    p = path.strip("\\")
    return a == p or a.startswith(p + "\\")


def _date_condition(c: Cond, f: FieldDef, values: list[Value], env: Env) -> Pred:
    stamps: list[float] = []
    for v in values:
        text = str(v)
        if _HAS_TIME.match(text.strip()) and not env.time_precision:
            raise wiql_error(
                "You cannot supply a time with the date when running a query using date precision. "
                f"The error is caused by «{c.text}»."
            )
        ts = parse_iso(text)
        if ts is None:
            raise wiql_error(
                f"TF51006: The query statement is not valid: '{text}' is not a date. The error is caused by «{c.text}»."
            )
        stamps.append(ts if env.time_precision else _day(ts))
    if c.op in ("contains", "under"):
        raise wiql_error(
            f"TF51006: {c.op.upper()} cannot be used with a date field. The error is caused by «{c.text}»."
        )

    def pred(it: WorkItem) -> bool:
        actual = _get(it, f)
        if not isinstance(actual, (int, float)):
            return c.op == "<>"
        a = float(actual) if env.time_precision else _day(float(actual))
        return _ordered(a, c.op, stamps)

    return pred


def _day(ts: float) -> float:
    return float(int(ts // 86_400) * 86_400)


def _sort_key(item: WorkItem, f: FieldDef) -> tuple[int, object]:
    v = _get(item, f)
    if v is None:
        return (0, "")
    if isinstance(v, User):
        return (1, v.display_name.lower())
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return (1, float(v))
    return (1, str(v).lower())
