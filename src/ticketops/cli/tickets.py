"""The tickets as ``list`` and ``show`` print them: from the working tree (default) or a commit."""

from __future__ import annotations

import argparse

from ticketops.cli.sync import SyncStates
from ticketops.model.desired import DesiredState
from ticketops.model.ticket import Ticket


def add_ticket_source_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", default=".", metavar="PATH", help="folder that holds .tickets/ (default: .)")
    p.add_argument(
        "--rev",
        default=None,
        metavar="REV",
        help="read the tickets of this commit (default: the files in the working tree, as you edit them)",
    )


def load_tickets(args: argparse.Namespace) -> DesiredState:
    from ticketops.desired import load

    if args.rev:
        return load(args.repo, rev=args.rev)
    return load(args.repo, worktree=True)


def record(desired: DesiredState, ticket: Ticket, sync: SyncStates) -> dict[str, object]:
    """One ticket as data: its fields, its branch and its sync state (with the item id and details)."""
    row = sync.rows.get(ticket.key)
    return {
        "key": ticket.key,
        "title": ticket.title,
        "status": ticket.status,
        "assignee": ticket.assignee,
        "priority": ticket.priority,
        "tags": list(ticket.tags),
        "repo": desired.repo_alias(ticket),
        "branch": desired.branch_name(ticket),
        "sync": sync.state(ticket.key),
        "id": row.id if row else ticket.id,
        "details": row.details if row else "",
        "git": row.git if row else "",
        "path": ticket.path,
    }
