"""``ticketops plan``: show what apply would change in ADO. Never writes."""

from __future__ import annotations

import argparse
import os
import sys

from ticketops.cli import color
from ticketops.cli import savedplan as saved
from ticketops.cli.common import load_desired
from ticketops.cli.connect import add_board_args, build_client, print_stats, targets
from ticketops.cli.extdiff import ENV, run_external_diff
from ticketops.engine.runner import PassRunner, RunOptions
from ticketops.model.errors import ExitCode
from ticketops.plan import Plan, render_json, render_text

NAME = "plan"
HELP = "show what apply would change in Azure DevOps (exit 0 no changes, 2 changes, 1 error)"
DESCRIPTION = (
    "Read the tickets (from a commit, or the working tree) and the work items in Azure DevOps, and "
    "print the plan: + create, ~ update (each field old -> new; '! drift' marks a field someone "
    "changed in ADO, which apply puts back), - prune, ? orphan (ticket file gone; left alone), "
    "! conflict (two items claim one ticket), x blocked (a ticket that cannot be applied). "
    "Git steps follow each ticket's work item: + branch, ~ spec (push .tickets/KEY.md), + pull "
    "request, ~ pull request update, ~ link work item to PR, = a PR completed or abandoned in ADO "
    "(never recreated). "
    "Read-only. Exit codes as `terraform plan -detailed-exitcode`: 0 no changes, 2 changes "
    "pending, 1 error (including blocked or conflicting tickets)."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_board_args(p)
    p.add_argument(
        "-out",
        "--out",
        dest="out",
        metavar="FILE",
        help="also save the plan to FILE, with the commit and every ADO revision and git tip it read; "
        "`ticketops apply FILE` applies exactly that plan, and refuses it if any of that moved",
    )
    color.add_color_arg(p)
    p.add_argument(
        "--diff",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show descriptions and acceptance criteria as a unified diff (default: on a terminal); "
        f"with {ENV} set (e.g. 'diff -u', 'meld'), that tool shows them instead, on two folders",
    )


def exit_code(plan: Plan) -> int:
    if plan.errors:
        return int(ExitCode.USER_ERROR)
    return int(ExitCode.CHANGES if plan.has_changes else ExitCode.OK)


def run(args: argparse.Namespace) -> int:
    desired = load_desired(args)
    options = RunOptions(prune=getattr(args, "prune", False), targets=targets(args))
    with PassRunner(lambda config: build_client(config, args, write=False), options) as runner:
        client = runner.client_for(desired.config)
        plan, read = runner.plan_and_read(desired)
        if args.out:
            saved.save(args.out, plan, read, org_url=client.org_url, targets=options.targets, prune=options.prune)
        diff = sys.stdout.isatty() if args.diff is None else args.diff
        external = os.environ.get(ENV) if diff and not args.json else None
        if args.json:
            sys.stdout.write(render_json(plan))
        else:
            text = render_text(plan, diff=diff and external is None)
            sys.stdout.write(color.colorize(text) if color.wanted(args) else text)
        if external is not None:
            run_external_diff(plan, external)
        if args.out:
            print(f"saved the plan to {args.out}: `ticketops apply {args.out}` applies exactly it", file=sys.stderr)
        print_stats(client, args)
    return exit_code(plan)
