"""``ticketops status``: per ticket, is its work item in sync?"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from ticketops.cli.connect import add_board_args, open_engine, print_stats
from ticketops.model.errors import ExitCode
from ticketops.plan import git_summary
from ticketops.plan.status_rows import Row, rows

__all__ = ["Row", "rows"]  # computed in plan/status_rows.py, shared with the board

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


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_board_args(p, prune=False)


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
