"""The sync state of each ticket, as ``status`` computes it, for the commands that show tickets
(``list``, ``show``, ``move``). ADO being out of reach is not an error for them: the tickets are
still shown, with the reason the sync state is unknown."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from ticketops.cli.cmd_status import Row, rows
from ticketops.model.desired import DesiredState
from ticketops.model.errors import TicketopsError
from ticketops.plan import Plan, git_summary


@dataclass(frozen=True)
class SyncStates:
    """Per ticket key, its ``status`` row; or why there are none (``unknown``)."""

    rows: dict[str, Row] = field(default_factory=dict)
    plan: Plan | None = None
    unknown: str | None = None

    def state(self, key: str) -> str:
        if self.unknown is not None:
            return "unknown"
        row = self.rows.get(key)
        return row.status if row else "unknown"


def add_offline_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--offline",
        action="store_true",
        help="do not contact Azure DevOps (the sync state is shown as unknown)",
    )


def sync_states(args: argparse.Namespace, desired: DesiredState) -> SyncStates:
    """Plan ``desired`` against ADO (read-only) and return each ticket's row."""
    if getattr(args, "offline", False):
        return SyncStates(unknown="--offline was given")
    from ticketops.cli.connect import build_client
    from ticketops.engine import Engine

    try:
        client = build_client(desired.config, args, write=False)
        with client:
            engine = Engine(client, desired)
            plan = engine.plan()
            table = rows(plan, git_summary(engine.git_live))
    except TicketopsError as e:
        return SyncStates(unknown=str(e).splitlines()[0])
    return SyncStates(rows={r.key: r for r in table}, plan=plan)
