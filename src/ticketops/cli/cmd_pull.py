"""``ticketops pull [--write] [KEY...]``: ADO's changes proposed back into the ticket files."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from ticketops.cli.connect import add_board_args, open_engine, print_stats
from ticketops.model.errors import ExitCode

if TYPE_CHECKING:
    from ticketops.engine.proposals import Proposal

NAME = "pull"
HELP = "propose ADO's changes (ahead states, report-policy fields) as edits to the ticket files"
DESCRIPTION = (
    "For every ticket whose work item is ahead (ADO's pull request completion moved its state at "
    "or past the ticket's status) and every field under the `report` policy whose ADO value a "
    "person changed, print the change to the ticket file as a unified diff. With --write, edit the "
    "files in the working tree: only those values change (never the rest of the file). A state maps "
    "back to a status only when exactly one status maps to it; otherwise it is refused, naming the "
    "candidates. Never commits, never writes to Azure DevOps. Exit 0 when done, 2 when there are "
    "proposals and --write was not given, 1 when a proposal was refused."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("keys", nargs="*", metavar="KEY", help="only these tickets (default: all)")
    p.add_argument("--write", action="store_true", help="edit the ticket files in the working tree (never commits)")
    add_board_args(p, prune=False)


def run(args: argparse.Namespace) -> int:
    from ticketops.desired import authoring
    from ticketops.engine.proposals import propose
    from ticketops.plan import Held

    wanted = {k.upper() for k in args.keys}
    engine = open_engine(args, write=False)
    with engine.client:
        plan = engine.plan()
        print_stats(engine.client, args)
    board = authoring.open_board(args.repo)
    config = engine.desired.config
    found: list[Proposal] = []
    for held in (a for a in plan.actions if isinstance(a, Held)):
        if (wanted and held.key not in wanted) or not held.proposals():
            continue
        found.append(propose(config, held, authoring.read_text(board, held.key), board.display(held.key)))
    for p in found:
        if args.write and p.changed:
            authoring.write_edit(board, p.key, p.edit(), config)
    refused = [r for p in found for r in p.refused]
    if args.json:
        rows = [
            {
                "key": p.key,
                "path": p.path,
                "diff": p.diff(),
                "changes": [{"field": c.field, "value": c.value, "hold": c.change.hold} for c in p.changes],
                "refused": list(p.refused),
                "written": bool(args.write and p.changed),
            }
            for p in found
        ]
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    else:
        _print(found, write=args.write)
    for r in refused:
        print(f"refused: {r}", file=sys.stderr)
    if refused:
        return int(ExitCode.USER_ERROR)
    pending = any(p.changed for p in found) and not args.write
    return int(ExitCode.CHANGES if pending else ExitCode.OK)


def _print(found: list[Proposal], *, write: bool) -> None:
    from ticketops.engine.proposals import describe

    changed = [p for p in found if p.changed]
    if not changed:
        print("Nothing to pull: no ticket is behind its work item.")
        return
    for p in changed:
        sys.stdout.write(p.diff())
    for p in changed:
        for line in describe(p):
            print(line)
    if write:
        print(f"Wrote {len(changed)} ticket file(s) in the working tree; review and commit them.")
    else:
        print("Run `ticketops pull --write` to make these edits in the working tree (nothing is committed).")
