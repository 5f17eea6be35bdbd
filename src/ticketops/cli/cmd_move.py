"""``ticketops move KEY STATUS``: the one-line edit of ``status:``, with a preview of what it does in ADO."""

from __future__ import annotations

import argparse
import sys

from ticketops.cli.common import add_org_args
from ticketops.cli.output import add_output_args, emit
from ticketops.cli.sync import add_offline_arg
from ticketops.model.errors import ConfigError, ExitCode

NAME = "move"
HELP = "change a ticket's status (only its `status:` line), after a preview of what that does in ADO"
DESCRIPTION = (
    "Replace the value of `status:` in .tickets/KEY.md in the working tree, and nothing else in the "
    "file. First it shows what the move means: the ADO state the work item goes to, the branch "
    "that is created, the pull request that opens and its reviewers, and (when Azure DevOps is "
    "reachable) the exact plan for that ticket. It asks before writing, unless --yes. It never "
    "commits and never writes to Azure DevOps: commit the file, and the next reconcile applies it."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("key", help="the ticket key, e.g. PAY-7")
    p.add_argument("status", help="the new status, one of `statuses:` in config.yaml")
    p.add_argument("--repo", default=".", metavar="PATH", help="folder that holds .tickets/ (default: .)")
    p.add_argument("-y", "--yes", action="store_true", help="write without asking")
    add_offline_arg(p)
    add_org_args(p)
    add_output_args(p)


def run(args: argparse.Namespace) -> int:
    from ticketops.cli.sync import sync_states
    from ticketops.desired import authoring, load
    from ticketops.desired.ticketfile import parse_ticket_file
    from ticketops.plan.move import describe_move

    key = args.key.upper()
    board = authoring.open_board(args.repo)
    desired = load(args.repo, worktree=True)
    config = desired.config
    statuses = [s.name for s in config.effective_statuses]
    if args.status not in statuses:
        raise ConfigError(f"{args.status!r} is not a status of this board; use one of: {', '.join(statuses)}")
    edit = authoring.replace_value(board.display(key), authoring.read_text(board, key), "status", args.status)
    if not edit.changed:
        emit(
            args,
            {"key": key, "from": edit.old, "to": args.status, "written": False},
            lambda: f"{key} is already {args.status}\n",
        )
        return int(ExitCode.OK)
    parsed = parse_ticket_file(edit.path, edit.after.encode("utf-8"), config)
    if parsed.ticket is None:
        from ticketops.model.errors import ValidationFailed

        raise ValidationFailed(list(parsed.problems))
    moved = desired.model_copy(update={"tickets": tuple(parsed.ticket if t.key == key else t for t in desired.tickets)})
    lines = describe_move(moved, parsed.ticket, edit.old)
    exact = sync_states(args, moved)
    preview = [f"{key}: {edit.old} -> {args.status}", *(f"  {line}" for line in lines)]
    if exact.plan is not None:
        from ticketops.plan import render_text

        preview += ["", "Plan for this ticket once the change is committed:"]
        only = exact.plan.model_copy(update={"actions": exact.plan.for_key(key), "synced": ()})
        preview += ["  " + line if line else "" for line in render_text(only).splitlines()[2:]]
    else:
        preview += ["", f"(ADO not consulted: {exact.unknown}; `ticketops plan --worktree` shows the full plan)"]
    if args.output == "table":
        print("\n".join(preview))
    if not args.yes and not _confirmed():
        return int(ExitCode.USER_ERROR)
    authoring.write_edit(board, key, edit, config)
    message = f"{key}: {edit.old} -> {args.status}"
    emit(
        args,
        {"key": key, "from": edit.old, "to": args.status, "path": edit.path, "written": True, "preview": lines},
        lambda: f"\nWrote {edit.path}. Commit it to apply: git commit -m '{message}' -- {edit.path}\n",
    )
    return int(ExitCode.OK)


def _confirmed() -> bool:
    if not sys.stdin.isatty():
        print("error: not a terminal, so nothing was written; pass --yes to write without asking", file=sys.stderr)
        return False
    answer = input("Write this change? [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        print("Nothing was written.", file=sys.stderr)
        return False
    return True
