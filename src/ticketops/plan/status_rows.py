"""Per ticket, its sync state as ``ticketops status`` shows it (and the board colours it). Pure.

Synced, OutOfSync (with the fields that differ, drift marked), Missing, Orphaned, Conflict,
Blocked, Unpaired, Ahead (ADO's automation moved the state past the ticket) or Reported (a
field whose policy is ``report``), from a plan; the git column from :func:`git_summary`'s lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from ticketops.plan.actions import (
    Action,
    Blocked,
    Conflict,
    CreateWorkItem,
    Held,
    Orphan,
    Plan,
    Prune,
    Unpaired,
    UpdateWorkItem,
    key_order,
)
from ticketops.plan.git_actions import (
    CreateBranch,
    CreatePullRequest,
    LinkPullRequest,
    PullRequestClosed,
    PushSpec,
    UpdatePullRequest,
)
from ticketops.plan.render import short


@dataclass(frozen=True)
class Row:
    key: str
    status: str
    id: int | None
    details: str
    git: str = ""


def rows(plan: Plan, git: dict[str, str] | None = None) -> list[Row]:
    """One row per work item state (``git``: per key, the branch/PR summary of ``git_summary``)."""
    out = [Row(s.key, "Synced", s.id, "") for s in plan.synced]
    pending: dict[str, list[str]] = {}
    for a in plan.actions:
        row = _row_of(a)
        if row is not None:
            out.append(row)
        elif a.CHANGES:
            pending.setdefault(a.key, []).append(a.kind)
    out = merge_rows(out)
    git = git or {}
    out = [_with_git(r, git.get(r.key, ""), pending.get(r.key, [])) for r in out]
    return sorted(out, key=lambda r: key_order(r.key))


def _with_git(row: Row, summary: str, pending: list[str]) -> Row:
    text = summary + (f"; pending: {', '.join(pending)}" if pending else "")
    return Row(row.key, row.status, row.id, row.details, text.strip("; "))


def _row_of(a: Action) -> Row | None:
    """The work item row an action stands for; None for the git steps (shown as pending)."""
    match a:
        case CreateWorkItem():
            return Row(a.key, "Missing", None, "")
        case UpdateWorkItem():
            changes = "; ".join(
                f"{c.label}: {short(c.old)} -> {short(c.new)}" + (" (drift)" if c.drift else "") for c in a.changes
            )
            return Row(a.key, "OutOfSync", a.id, changes)
        case Held():
            return Row(a.key, held_status(a), a.id, held_details(a))
        case Orphan() | Prune():
            return Row(a.key, "Orphaned", a.id, a.title)
        case Conflict():
            return Row(a.key, "Conflict", None, "claimed by " + ", ".join(f"#{i}" for i in a.ids))
        case Blocked():
            return Row(a.key, "Blocked", a.id, a.reason)
        case Unpaired():
            return Row(a.key, "Unpaired", a.id, a.reason)
        case CreateBranch() | PushSpec() | CreatePullRequest() | UpdatePullRequest() | LinkPullRequest():
            return None
        case PullRequestClosed():
            return None
        case _:
            assert_never(a)


def held_status(a: Held) -> str:
    """``Ahead`` (ADO's automation moved the state past the ticket), ``Reported`` (a person's edit
    under the report policy) or ``Synced`` (only fields ADO owns differ)."""
    if a.ahead:
        return "Ahead"
    return "Reported" if any(c.hold == "report" for c in a.changes) else "Synced"


def held_details(a: Held) -> str:
    parts = []
    for c in a.changes:
        why = f"pull request {c.pull_request} completed by {c.by}" if c.hold == "ahead" else f"policy {c.policy}"
        parts.append(f"{c.label}: {short(c.new)} (ticket) / {short(c.old)} (ADO), {c.hold}: {why}")
    return "; ".join(parts)


def merge_rows(table: list[Row]) -> list[Row]:
    """One row per ticket: an update and what it holds back share a row (the update's status)."""
    out: dict[str, Row] = {}
    for r in table:
        first = out.get(r.key)
        if first is None:
            out[r.key] = r
            continue
        status = first.status if first.status == "OutOfSync" else r.status
        details = "; ".join(d for d in (first.details, r.details) if d)
        out[r.key] = Row(r.key, status, first.id or r.id, details, first.git)
    return list(out.values())
