"""``ticketops new "Title"``: write ``.tickets/KEY.md`` with the next free key."""

from __future__ import annotations

import argparse
import sys

from ticketops.cli.output import add_output_args, emit

NAME = "new"
HELP = "write a new ticket file with the next free key (free on every local and remote-tracking branch)"
DESCRIPTION = (
    "Write .tickets/KEY.md for a new ticket and print its path. The key is one past the highest "
    "number taken under the board's prefix in the working tree, the index, and every local and "
    "remote-tracking branch, so two branches never pick the same key (fetch first to see your "
    "team's branches). The file is validated before it is written and is never committed: review "
    "it, then commit it. Nothing is sent to Azure DevOps."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("title", help="the ticket's title (one line)")
    p.add_argument("--repo", default=".", metavar="PATH", help="folder that holds .tickets/ (default: .)")
    p.add_argument("--status", default=None, help="its status (default: the first status of the workflow)")
    p.add_argument("--assignee", default=None, metavar="EMAIL", help="who works on it")
    p.add_argument("--reviewer", action="append", default=[], metavar="EMAIL", help="a reviewer (repeatable)")
    p.add_argument(
        "--repo-alias",
        default=None,
        metavar="ALIAS",
        help="the git repository it works in, an alias under `repos:` in config.yaml (the file's `repo:` field)",
    )
    p.add_argument("--priority", type=int, default=None, choices=(1, 2, 3, 4), help="priority, 1 (highest) to 4")
    p.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    p.add_argument(
        "--criterion",
        action="append",
        default=[],
        metavar="TEXT",
        help="an acceptance criterion (repeatable; becomes the PR's checklist)",
    )
    p.add_argument("--type", default=None, help="the work item type when it is not the board's, e.g. Bug")
    p.add_argument("--body", default=None, metavar="TEXT", help="the Markdown spec ('-' reads it from stdin)")
    p.add_argument("--prefix", default=None, help="the key prefix (default: the one the board's tickets use)")
    add_output_args(p)


def run(args: argparse.Namespace) -> int:
    from ticketops.desired import authoring, load

    board = authoring.open_board(args.repo)
    config = load(args.repo, worktree=True).config
    used = authoring.keys_in_use(board)
    key = authoring.next_key(used, authoring.prefix_for(used, args.prefix))
    body = sys.stdin.read() if args.body == "-" else (args.body or "")
    fields: dict[str, str | int | list[str] | None] = {
        "title": args.title,
        "status": args.status or config.effective_statuses[0].name,
        "assignee": args.assignee,
        "reviewers": list(args.reviewer),
        "repo": args.repo_alias,
        "priority": args.priority,
        "type": args.type,
        "tags": list(args.tag),
        "acceptance_criteria": list(args.criterion),
    }
    path = authoring.write_new(board, key, authoring.new_ticket_text(fields, body), config)
    shown = board.display(key)
    emit(args, {"key": key, "path": shown, "file": str(path)}, lambda: f"{shown}\n")
    return 0
