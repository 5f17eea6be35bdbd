"""``ticketops status``: per ticket, is its work item in sync?"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass

from ticketops.cli.connect import add_board_args, open_engine, print_stats
from ticketops.model.errors import ExitCode
from ticketops.plan import Plan, UpdateWorkItem, key_order
from ticketops.plan.render import short

NAME = "status"
ORDER = 23
HELP = "per ticket: Synced, OutOfSync (with the diff), Missing in ADO, Orphaned, Conflict or Blocked"
DESCRIPTION = (
    "Compare the tickets with their work items and print one row per ticket: Synced, OutOfSync "
    "(with the fields that differ, drift marked), Missing (no work item yet), Orphaned (work item "
    "whose ticket file is gone), Conflict (several work items claim the ticket) or Blocked (the "
    "ticket cannot be applied; the reason is shown). Read-only. Exit 0 when every ticket is "
    "Synced, 2 when some are out of sync or missing, 1 on conflicts or blocked tickets."
)

_STATUS = {"create": "Missing", "update": "OutOfSync", "orphan": "Orphaned", "prune": "Orphaned",
           "conflict": "Conflict", "blocked": "Blocked"}


@dataclass(frozen=True)
class Row:
    key: str
    status: str
    id: int | None
    details: str


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_board_args(p, prune=False)


def rows(plan: Plan) -> list[Row]:
    out = [Row(s.key, "Synced", s.id, "") for s in plan.synced]
    for a in plan.actions:
        status = _STATUS.get(a.kind)
        if status is None:
            continue
        ids = getattr(a, "ids", None)
        ident = getattr(a, "id", None)
        out.append(Row(a.key, status, ident if isinstance(ident, int) else None, _details(a, ids)))
    return sorted(out, key=lambda r: key_order(r.key))


def _details(a: object, ids: tuple[int, ...] | None) -> str:
    if isinstance(a, UpdateWorkItem):
        return "; ".join(
            f"{c.label}: {short(c.old)} -> {short(c.new)}" + (" (drift)" if c.drift else "") for c in a.changes
        )
    if ids:
        return "claimed by " + ", ".join(f"#{i}" for i in ids)
    return str(getattr(a, "reason", "") or getattr(a, "title", ""))


def render(table: list[Row]) -> str:
    if not table:
        return "No tickets and no managed work items.\n"
    width = max(len(r.key) for r in table)
    lines = [f"{'ticket':<{width}}  {'status':<9}  {'item':<7}  details"]
    for r in table:
        item = f"#{r.id}" if r.id is not None else "-"
        lines.append(f"{r.key:<{width}}  {r.status:<9}  {item:<7}  {r.details}".rstrip())
    counts: dict[str, int] = {}
    for r in table:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines.append(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    engine = open_engine(args, write=False)
    with engine.client:
        plan = engine.plan()
        table = rows(plan)
        if args.json:
            sys.stdout.write(json.dumps([asdict(r) for r in table], indent=2, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(render(table))
        print_stats(engine.client, args)
    if any(r.status in ("Conflict", "Blocked") for r in table):
        return int(ExitCode.USER_ERROR)
    return int(ExitCode.CHANGES if any(r.status in ("OutOfSync", "Missing") for r in table) else ExitCode.OK)
