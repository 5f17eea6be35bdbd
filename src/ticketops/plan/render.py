"""Render a plan for people (text) and for programs (JSON). Pure: returns strings.

Text markers: ``+`` create, ``~`` update (``adopt`` for an item not marked yet), ``-`` prune, ``?`` orphan or unpaired item (left alone),
``!`` conflict, ``x`` blocked; a field change that puts back an edit made in ADO ends with
``! drift``. New action kinds add a line renderer with :func:`register_renderer`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ticketops.model.live import marker_keys, split_tags
from ticketops.plan import fields as f
from ticketops.plan.actions import (
    Action,
    Blocked,
    Conflict,
    CreateWorkItem,
    FieldChange,
    Orphan,
    Plan,
    Prune,
    Unpaired,
    UpdateWorkItem,
)

MAX_VALUE = 60
LABEL_WIDTH = 22
Renderer = Callable[[Any], list[str]]
_RENDERERS: dict[str, Renderer] = {}


def register_renderer(kind: str) -> Callable[[Renderer], Renderer]:
    def deco(fn: Renderer) -> Renderer:
        _RENDERERS[kind] = fn
        return fn

    return deco


def short(value: object) -> str:
    """A one-line, bounded rendering of a field value."""
    if value is None or value == "":
        return "(none)"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\r\n", "\n")
    lines = text.count("\n") + 1
    if len(text) > MAX_VALUE:
        text = text[: MAX_VALUE - 1] + "\u2026"
    suffix = f" ({lines} lines)" if lines > 1 else ""
    return json.dumps(text, ensure_ascii=False) + suffix


def _short_path(value: object) -> str:
    """An area path as ADO shows it: ``"Payments\\Web"``, the separator not escaped."""
    return f'"{value}"' if value else "(none)"


def _shown(c: FieldChange, value: object) -> object:
    """Acceptance criteria are shown as their checklist items, not as HTML."""
    if c.field == f.ACCEPTANCE_CRITERIA and isinstance(value, str):
        return " | ".join(f.parse_acceptance_criteria(value))
    return value


def _field_line(c: FieldChange, *, create: str | None = None, path: tuple[str, ...] = ()) -> str:
    """``create`` is the initial state of a new item (None for an update)."""
    name = c.label + (" (markdown)" if c.format == "markdown" else "")
    if c.field == f.STATE:
        value = _state_value(c, create, path)
    else:
        show = _short_path if c.field == f.AREA_PATH else short
        new = show(_shown(c, c.new))
        value = new if create is not None else f"{show(_shown(c, c.old))} -> {new}"
    drift = "   ! drift (changed in ADO, put back)" if c.drift else ""
    return f"      {name:<{LABEL_WIDTH}} {value}{drift}"


def _state_value(c: FieldChange, initial: str | None, path: tuple[str, ...]) -> str:
    if initial is not None:
        return " -> ".join((initial, *path)) + (" (created in the initial state, then moved)" if path else "")
    via = f" (via {' -> '.join(path[:-1])})" if len(path) > 1 else ""
    return f"{c.old} -> {c.new}{via}"


@register_renderer("create")
def _create(a: CreateWorkItem) -> list[str]:
    head = f"+ {a.key:<10} create {a.work_item_type} {short(a.field(f.TITLE).new if a.field(f.TITLE) else '')}"
    return [head, *(_field_line(c, create=a.initial_state, path=a.state_path) for c in a.fields if c.field != f.TITLE)]


def adopts(a: UpdateWorkItem) -> bool:
    """Whether the update adopts an item ticketops has not marked yet (paired by the ticket's
    ``id:``, e.g. after a read-only import): it adds the ``ticketops:KEY`` marker tag."""
    tags = next((c for c in a.changes if c.field == f.TAGS), None)
    if tags is None:
        return False
    key = a.key.upper()
    return key not in marker_keys(split_tags(str(tags.old or ""))) and key in marker_keys(
        split_tags(str(tags.new or ""))
    )


@register_renderer("update")
def _update(a: UpdateWorkItem) -> list[str]:
    if adopts(a):
        head = (
            f"~ {a.key:<10} adopt #{a.id} (rev {a.rev}): not marked by ticketops yet; marker tags added, "
            "fields set from the ticket"
        )
    else:
        drift = f", {len(a.drift)} drifted in ADO" if a.drift else ""
        head = f"~ {a.key:<10} update #{a.id} (rev {a.rev}){drift}"
    return [head, *(_field_line(c, path=a.state_path) for c in a.changes)]


@register_renderer("prune")
def _prune(a: Prune) -> list[str]:
    via = f" (via {' -> '.join(a.state_path[:-1])})" if len(a.state_path) > 1 else ""
    return [
        f"- {a.key:<10} prune #{a.id} {short(a.title)}: state {a.from_state} -> {a.state_path[-1]}{via}; "
        "its ticket file is gone (nothing is deleted)"
    ]


@register_renderer("orphan")
def _orphan(a: Orphan) -> list[str]:
    return [
        f"? {a.key:<10} orphan #{a.id} {short(a.title)} ({a.state}): its ticket file is gone; "
        "left alone (plan with --prune to move it to the Removed state)"
    ]


@register_renderer("unpaired")
def _unpaired(a: Unpaired) -> list[str]:
    return [
        f"? {a.key:<10} unpaired #{a.id} {short(a.title)} ({a.state}): {a.reason.removeprefix(f'work item #{a.id} ')}"
    ]


@register_renderer("conflict")
def _conflict(a: Conflict) -> list[str]:
    return [f"! {a.key:<10} conflict: {a.reason}"]


@register_renderer("blocked")
def _blocked(a: Blocked) -> list[str]:
    on = f" (#{a.id})" if a.id is not None else ""
    return [f"x {a.key:<10} blocked{on}: {a.reason}"]


def _generic(a: Action) -> list[str]:
    extra = a.model_dump(mode="json", exclude={"kind", "key", "step"})
    return [f"* {a.key:<10} {a.kind} {json.dumps(extra, ensure_ascii=False, sort_keys=True)}"]


def summary_line(plan: Plan) -> str:
    n = plan.counts()
    drift = sum(1 for a in plan.actions if isinstance(a, UpdateWorkItem) and a.drift)
    adopt = sum(1 for a in plan.actions if isinstance(a, UpdateWorkItem) and adopts(a))
    notes = [f"{adopt} to adopt"] * bool(adopt) + [f"{drift} with drift"] * bool(drift)
    parts = [
        f"{n.get('create', 0)} to create",
        f"{n.get('update', 0)} to update" + (f" ({', '.join(notes)})" if notes else ""),
        f"{n.get('prune', 0)} to prune",
    ]
    others = [
        f"{n[k]} {label}"
        for k, label in (
            ("orphan", "orphaned"),
            ("unpaired", "unpaired (tag ticketops:KEY missing)"),
            ("conflict", "in conflict"),
            ("blocked", "blocked"),
        )
        if n.get(k)
    ]
    known = {"create", "update", "prune", "orphan", "unpaired", "conflict", "blocked", "synced"}
    others += [f"{v} {k}" for k, v in sorted(n.items()) if k not in known]
    tail = f"; {', '.join(others)}" if others else ""
    return f"Plan: {', '.join(parts)}{tail}; {n['synced']} in sync."


def render_text(plan: Plan) -> str:
    commit = plan.commit[:12] if plan.commit else "the working tree"
    lines = [f"Project {plan.project}, work item type {plan.work_item_type}, desired state from {commit}", ""]
    if not plan.actions:
        lines.append("No changes. ADO matches the tickets.")
    for a in plan.actions:
        lines.extend(_RENDERERS.get(a.kind, _generic)(a))
    lines += ["", summary_line(plan)]
    return "\n".join(lines) + "\n"


def plan_json(plan: Plan) -> dict[str, Any]:
    data = plan.model_dump(mode="json")
    return {
        "project": data["project"],
        "work_item_type": data["work_item_type"],
        "commit": data["commit"],
        "has_changes": plan.has_changes,
        "has_errors": bool(plan.errors),
        "summary": dict(sorted(plan.counts().items())),
        "actions": data["actions"],
        "synced": data["synced"],
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_json(plan), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
