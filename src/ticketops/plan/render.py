"""Render a plan for people (text) and for programs (JSON). Pure: returns strings.

Text markers: ``+`` create, ``~`` update (``adopt`` for an item not marked yet), ``-`` prune, ``?`` orphan or unpaired item (left alone),
``!`` conflict, ``x`` blocked; a field change that puts back an edit made in ADO ends with
``! drift``. Git steps: ``+`` branch or pull request, ``~`` spec push, PR update or link, ``=`` a
PR completed or abandoned in ADO. :func:`action_lines` handles every kind of the closed
:data:`~ticketops.plan.actions.Action` union (mypy checks that no kind is left out).
"""

from __future__ import annotations

import json
from typing import Any, assert_never

from ticketops.plan import fields as f
from ticketops.plan.actions import (
    Action,
    Blocked,
    Conflict,
    CreateWorkItem,
    FieldChange,
    Held,
    Orphan,
    Plan,
    Prune,
    Unpaired,
    UpdateWorkItem,
)
from ticketops.plan.git_actions import (
    CreateBranch,
    CreatePullRequest,
    LinkPullRequest,
    PullRequestClosed,
    PushSpec,
    UpdatePullRequest,
)
from ticketops.plan.textdiff import field_diff, is_long_text

MAX_VALUE = 60
LABEL_WIDTH = 22


def action_lines(a: Action, *, diff: bool = False) -> list[str]:
    """The lines one action shows in a text plan (``diff``: long text as a unified diff)."""
    match a:
        case CreateWorkItem():
            return _create(a, diff)
        case UpdateWorkItem():
            return _update(a, diff)
        case Held():
            return _held(a)
        case Prune():
            return _prune(a)
        case Orphan():
            return _orphan(a)
        case Unpaired():
            return _unpaired(a)
        case Conflict():
            return [f"! {a.key:<10} conflict: {a.reason}"]
        case Blocked():
            on = f" (#{a.id})" if a.id is not None else ""
            return [f"x {a.key:<10} blocked{on}: {a.reason}"]
        case CreateBranch():
            return [f"+ {_k(a.key)} branch {a.branch} from {a.base} @ {a.base_commit[:12]} in {a.repo.name}"]
        case PushSpec():
            return _push_spec(a)
        case CreatePullRequest():
            return _create_pr(a)
        case UpdatePullRequest():
            return _update_pr(a)
        case LinkPullRequest():
            return _link_pr(a)
        case PullRequestClosed():
            return _pr_closed(a)
        case _:
            assert_never(a)


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


def _field_lines(
    c: FieldChange, *, create: str | None = None, path: tuple[str, ...] = (), diff: bool = False
) -> list[str]:
    """One line per field; with ``diff``, long text also as a unified diff below it."""
    if diff and is_long_text(c):
        return [
            _field_line(c, create=create, path=path, value="as a diff:"),
            *field_diff(c, created=create is not None),
        ]
    return [_field_line(c, create=create, path=path)]


def _field_line(
    c: FieldChange, *, create: str | None = None, path: tuple[str, ...] = (), value: str | None = None
) -> str:
    """``create`` is the initial state of a new item (None for an update); ``value`` replaces
    the shown values (a diff follows)."""
    name = c.label + (" (markdown)" if c.format == "markdown" else "")
    if value is not None:
        pass
    elif c.field == f.STATE:
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


def action_reason(a: Action) -> str:
    """Why an action is there, in a few words: the reason of a blocked, conflicting or unpaired
    one, the fields an update changes; "" for the others."""
    match a:
        case Conflict() | Blocked() | Unpaired():
            return a.reason
        case UpdateWorkItem():
            return ", ".join(c.field.rsplit(".", 1)[-1] for c in a.changes)
        case _:
            return ""


def _create(a: CreateWorkItem, diff: bool) -> list[str]:
    title = a.field(f.TITLE)
    head = f"+ {a.key:<10} create {a.work_item_type} {short(title.new if title is not None else '')}"
    fields = [c for c in a.fields if c.field != f.TITLE]
    return [head, *(x for c in fields for x in _field_lines(c, create=a.initial_state, path=a.state_path, diff=diff))]


def _update(a: UpdateWorkItem, diff: bool) -> list[str]:
    if a.adopting:
        head = (
            f"~ {a.key:<10} adopt #{a.id} (rev {a.rev}): not marked by ticketops yet; marker tags added, "
            "fields set from the ticket"
        )
    else:
        drift = f", {len(a.drift)} drifted in ADO" if a.drift else ""
        head = f"~ {a.key:<10} update #{a.id} (rev {a.rev}){drift}"
    return [head, *(x for c in a.changes for x in _field_lines(c, path=a.state_path, diff=diff))]


_HOLD_TEXT = {
    "ahead": "= ahead (ADO's pull request completion moved it; not reverted: `ticketops pull` proposes it)",
    "report": "= report (changed in ADO, shown, not put back: `ticketops pull` proposes it)",
    "ignore": "= ignore (ADO owns this field after the create; never written)",
}


def _held(a: Held) -> list[str]:
    what = "ahead in ADO" if a.ahead else "differs in ADO, kept"
    lines = [f"= {a.key:<10} #{a.id} (rev {a.rev}) {what}"]
    for c in a.changes:
        show = _short_path if c.field == f.AREA_PATH else short
        value = (
            f"{c.new} (ticket) / {c.old} (ADO)"
            if c.field == f.STATE
            else f"{show(_shown(c, c.new))} (ticket) / {show(_shown(c, c.old))} (ADO)"
        )
        who = f", pull request {c.pull_request}" if c.pull_request else ""
        who += f" by {c.by}" if c.by else ""
        lines.append(f"      {c.label:<{LABEL_WIDTH}} {value}   {_HOLD_TEXT[c.hold or 'report']}{who}")
    return lines


def _prune(a: Prune) -> list[str]:
    via = f" (via {' -> '.join(a.state_path[:-1])})" if len(a.state_path) > 1 else ""
    return [
        f"- {a.key:<10} prune #{a.id} {short(a.title)}: state {a.from_state} -> {a.state_path[-1]}{via}; "
        "its ticket file is gone (nothing is deleted)"
    ]


def _orphan(a: Orphan) -> list[str]:
    return [
        f"? {a.key:<10} orphan #{a.id} {short(a.title)} ({a.state}): its ticket file is gone; "
        "left alone (plan with --prune to move it to the Removed state)"
    ]


def _unpaired(a: Unpaired) -> list[str]:
    return [
        f"? {a.key:<10} unpaired #{a.id} {short(a.title)} ({a.state}): {a.reason.removeprefix(f'work item #{a.id} ')}"
    ]


# ---- git steps -------------------------------------------------------------------------------
def _k(key: str) -> str:
    return f"{key:<10}"


def _push_spec(a: PushSpec) -> list[str]:
    if a.exists is None:
        what, where = "push", f"to the new branch {a.branch}"
    else:
        what, where = ("update" if a.exists else "add"), f"on {a.branch}"
    was = f" (branch has {a.old_blob[:12]})" if a.old_blob else ""
    return [f"~ {_k(a.key)} spec: {what} {a.path} {where} in {a.repo.name} -> blob {a.blob_id[:12]}{was}"]


def _create_pr(a: CreatePullRequest) -> list[str]:
    people = ", ".join(r.email for r in a.reviewers) or "none"
    item = f"#{a.work_item_id}" if a.work_item_id is not None else "the new work item"
    return [
        f"+ {_k(a.key)} pull request {a.branch} -> {a.base} in {a.repo.name}: {short(a.title)}",
        f"      reviewers: {people}; linked to {item}",
    ]


def _update_pr(a: UpdatePullRequest) -> list[str]:
    lines = [f"~ {_k(a.key)} pull request #{a.pr_id} ({a.branch}) in {a.repo.name}"]
    if a.rewrite and a.title != a.old_title:
        lines.append(f"      title: {short(a.old_title)} -> {short(a.title)}")
    if a.drift:
        lines.append("      description: edited in ADO since ticketops wrote it; rewritten from the ticket   ! drift")
    elif a.rewrite:
        lines.append("      description: rewritten from the ticket")
    if a.add_reviewers:
        lines.append("      add reviewers: " + ", ".join(r.email for r in a.add_reviewers))
    return lines


def _link_pr(a: LinkPullRequest) -> list[str]:
    item = f"#{a.work_item_id}" if a.work_item_id is not None else "the new work item"
    return [
        f'~ {_k(a.key)} link work item {item} and pull request #{a.pr_id} (ArtifactLink "Pull Request", '
        "added unless present; recorded in the PR)"
    ]


def _pr_closed(a: PullRequestClosed) -> list[str]:
    advice = "it is not recreated" if a.status == "completed" else "no other is opened; reactivate it in ADO to go on"
    return [f"= {_k(a.key)} pull request #{a.pr_id} from {a.branch} was {a.status} in ADO; {advice}"]


def summary_line(plan: Plan) -> str:
    n = plan.counts()
    drift = sum(1 for a in plan.actions if isinstance(a, UpdateWorkItem) and a.drift)
    pr_drift = sum(1 for a in plan.actions if isinstance(a, UpdatePullRequest) and a.drift)
    adopt = sum(1 for a in plan.actions if isinstance(a, UpdateWorkItem) and a.adopting)
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
            ("held", "shown, not written (ahead in ADO, or report/ignore policy)"),
        )
        if n.get(k)
    ]
    known = {"create", "update", "prune", "orphan", "unpaired", "conflict", "blocked", "held", "synced"}
    others += [f"{v} {k}" for k, v in sorted(n.items()) if k not in known]
    others += [f"{pr_drift} pull request(s) edited in ADO (drift, put back)"] * bool(pr_drift)
    if plan.other_boards:
        boards = ", ".join(f"{n} of board {b!r}" for b, n in sorted(plan.other_boards.items()))
        others.append(f"{sum(plan.other_boards.values())} item(s) of other boards left alone ({boards})")
    tail = f"; {', '.join(others)}" if others else ""
    return f"Plan: {', '.join(parts)}{tail}; {n['synced']} in sync."


def render_text(plan: Plan, *, diff: bool = False) -> str:
    commit = plan.commit[:12] if plan.commit else "the working tree"
    lines = [f"Project {plan.project}, work item type {plan.work_item_type}, desired state from {commit}", ""]
    if not plan.actions:
        lines.append("No changes. ADO matches the tickets.")
    for a in plan.actions:
        lines.extend(action_lines(a, diff=diff))
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
        "other_boards": data["other_boards"],
    }


def render_json(plan: Plan) -> str:
    return json.dumps(plan_json(plan), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
