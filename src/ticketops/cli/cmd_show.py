"""``ticketops show KEY``: one ticket, its spec and its state in ADO."""

from __future__ import annotations

import argparse

from ticketops.cli.common import add_org_args
from ticketops.cli.output import add_output_args, emit
from ticketops.cli.sync import add_offline_arg
from ticketops.cli.tickets import add_ticket_source_args

NAME = "show"
HELP = "show one ticket: its fields, its sync state in ADO (with the diff), its branch and PR, its spec"
DESCRIPTION = (
    "Print one ticket of the working tree (or of --rev): its fields, its sync state as `ticketops "
    "status` computes it (with the fields that differ), its work item, branch and pull request, and "
    "its Markdown spec. Read-only."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("key", help="the ticket key, e.g. PAY-7")
    add_ticket_source_args(p)
    add_offline_arg(p)
    add_org_args(p)
    add_output_args(p)


def run(args: argparse.Namespace) -> int:
    from ticketops.cli.sync import sync_states
    from ticketops.cli.tickets import load_tickets, record
    from ticketops.model.errors import ConfigError

    desired = load_tickets(args)
    key = args.key.upper()
    try:
        ticket = desired.ticket(key)
    except KeyError:
        problems = [str(p) for p in desired.problems if p.path.endswith(f"/{key}.md")]
        if problems:
            raise ConfigError(f"{key} is not valid:\n" + "\n".join(problems)) from None
        raise ConfigError(f"no ticket {key} in {desired.tickets_dir}/ (`ticketops list` shows the keys)") from None
    sync = sync_states(args, desired)
    data = {
        **record(desired, ticket, sync),
        "reviewers": list(ticket.reviewers),
        "acceptance_criteria": list(ticket.acceptance_criteria),
        "body": ticket.body,
    }
    if sync.unknown and not args.offline:
        data["details"] = f"sync state unknown: {sync.unknown}"

    def text() -> str:
        shown = {
            "title": ticket.title,
            "status": ticket.status,
            "sync": f"{data['sync']}" + (f" ({data['details']})" if data["details"] else ""),
            "work item": f"#{data['id']}" if data["id"] else "-",
            "assignee": ticket.assignee or "-",
            "reviewers": ", ".join(ticket.reviewers) or "-",
            "priority": str(ticket.priority or "-"),
            "tags": ", ".join(ticket.tags) or "-",
            "repo": str(data["repo"] or "-"),
            "branch": str(data["branch"]),
            "git": str(data["git"] or "-"),
        }
        width = max(len(k) for k in shown)
        lines = [f"{key}  {ticket.path}", *(f"  {k + ':':<{width + 1}} {v}" for k, v in shown.items())]
        if ticket.acceptance_criteria:
            lines += ["", "Acceptance criteria:", *(f"  - [ ] {c}" for c in ticket.acceptance_criteria)]
        if ticket.body.strip():
            lines += ["", ticket.body.rstrip("\n")]
        return "\n".join(lines) + "\n"

    emit(args, data, text)
    return 0
