"""``ticketops status``: per ticket, is its work item in sync?"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from typing import assert_never

from ticketops.cli.connect import add_board_args, open_engine, print_stats
from ticketops.model.errors import ExitCode
from ticketops.plan import (
    Action,
    Blocked,
    Conflict,
    CreateBranch,
    CreatePullRequest,
    CreateWorkItem,
    Held,
    LinkPullRequest,
    Orphan,
    Plan,
    Prune,
    PullRequestClosed,
    PushSpec,
    Unpaired,
    UpdatePullRequest,
    UpdateWorkItem,
    git_summary,
    key_order,
)
from ticketops.plan.render import short

NAME = "status"
HELP = "per ticket: Synced, OutOfSync (with the diff), Missing in ADO, Orphaned, Conflict or Blocked; branch and PR"
DESCRIPTION = (
    "Compare the tickets with their work items and print one row per ticket: Synced, OutOfSync "
    "(with the fields that differ, drift marked), Missing (no work item yet), Orphaned (work item "
    "whose ticket file is gone), Conflict (several work items claim the ticket) or Blocked (the "
    "ticket cannot be applied; the reason is shown). The git column shows the ticket's branch and "
    "pull request (active, completed or abandoned) and the git steps still pending. Read-only. Exit "
    "0 when every ticket is Synced with nothing pending, 2 when some are out of sync, missing or have "
    "git steps pending, 1 on conflicts or blocked tickets."
)


@dataclass(frozen=True)
class Row:
    key: str
    status: str
    id: int | None
    details: str
    git: str = ""


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_board_args(p, prune=False)


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


def render(table: list[Row]) -> str:
    """A table whose columns are as wide as their widest cell, header included."""
    if not table:
        return "No tickets and no managed work items.\n"
    items = [f"#{r.id}" if r.id is not None else "-" for r in table]
    cells = [[r.key, r.status, item, r.git or "-"] for r, item in zip(table, items, strict=True)]
    heads = ["ticket", "status", "item", "git"]
    if not any(r.git for r in table):  # no git column when no ticket has git work
        heads.pop()
        cells = [c[:-1] for c in cells]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    lines = [_row([*heads, "details"], widths)]
    lines += [_row([*c, r.details], widths) for c, r in zip(cells, table, strict=True)]
    counts: dict[str, int] = {}
    for r in table:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines.append(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return "\n".join(lines) + "\n"


def _row(cells: list[str], widths: list[int]) -> str:
    padded = [f"{c:<{w}}" for c, w in zip(cells, widths, strict=False)]
    return "  ".join([*padded, cells[-1]]).rstrip()


def run(args: argparse.Namespace) -> int:
    engine = open_engine(args, write=False)
    with engine.client:
        plan = engine.plan()
        table = rows(plan, git_summary(engine.git_live))
        if args.json:
            sys.stdout.write(json.dumps([asdict(r) for r in table], indent=2, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(render(table))
        print_stats(engine.client, args)
    if any(r.status in ("Conflict", "Blocked") for r in table):
        return int(ExitCode.USER_ERROR)
    pending = plan.has_changes or any(r.status in ("OutOfSync", "Missing") for r in table)
    return int(ExitCode.CHANGES if pending else ExitCode.OK)
