"""``ticketops list``: the tickets, one per line, with their sync state."""

from __future__ import annotations

import argparse

from ticketops.cli.common import add_org_args
from ticketops.cli.output import add_output_args, emit, table
from ticketops.cli.sync import add_offline_arg
from ticketops.cli.tickets import add_ticket_source_args

NAME = "list"
HELP = "list the tickets (filter by status, assignee, tag) with their sync state in ADO"
DESCRIPTION = (
    "List the tickets of the working tree (or of --rev), one per line: key, status, sync state "
    "(as `ticketops status` computes it: Synced, OutOfSync, Missing, Blocked, ...; unknown when "
    "Azure DevOps cannot be reached or with --offline), assignee and title. Filters combine with "
    "AND; a repeated filter matches any of its values. Read-only."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_ticket_source_args(p)
    p.add_argument("--status", action="append", default=[], help="only tickets with this status (repeatable)")
    p.add_argument("--assignee", action="append", default=[], metavar="EMAIL", help="only tickets assigned to EMAIL")
    p.add_argument("--tag", action="append", default=[], help="only tickets with this tag (repeatable)")
    add_offline_arg(p)
    add_org_args(p)
    add_output_args(p)


def run(args: argparse.Namespace) -> int:
    import sys

    from ticketops.cli.sync import sync_states
    from ticketops.cli.tickets import load_tickets, record
    from ticketops.model.errors import ConfigError

    desired = load_tickets(args)
    known = {s.name for s in desired.config.effective_statuses}
    if bad := [s for s in args.status if s not in known]:
        raise ConfigError(f"--status {bad[0]!r} is not a status of this board; use one of: {', '.join(sorted(known))}")
    assignees = {a.lower() for a in args.assignee}
    tags = {t.lower() for t in args.tag}
    chosen = [
        t
        for t in desired.tickets
        if (not args.status or t.status in args.status)
        and (not assignees or (t.assignee or "").lower() in assignees)
        and (not tags or tags & {x.lower() for x in t.tags})
    ]
    sync = sync_states(args, desired)
    if sync.unknown and args.output == "table" and not args.offline:
        print(f"warning: sync state unknown: {sync.unknown}", file=sys.stderr)
    records = [record(desired, t, sync) for t in chosen]
    cells = [
        [str(r["key"]), str(r["status"]), str(r["sync"]), str(r["assignee"] or "-"), str(r["title"])] for r in records
    ]
    emit(args, records, lambda: table(["key", "status", "sync", "assignee", "title"], cells, "No tickets match."))
    return 0
