"""Per ticket, its sync state as ``ticketops status`` shows it (and the board colours it). Pure.

Synced, OutOfSync (with the fields that differ, drift marked), Missing, Orphaned, Conflict,
Blocked or Unpaired, from a plan; the git column from :func:`git_summary`'s lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from ticketops.plan.actions import (
    Action,
    Blocked,
    Conflict,
    CreateWorkItem,
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
