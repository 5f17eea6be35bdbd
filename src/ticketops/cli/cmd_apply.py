"""``ticketops apply``: plan and execute the plan once."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from ticketops.apply import ApplyReport, Outcome, render_outcomes
from ticketops.cli import savedplan
from ticketops.cli.common import load_desired
from ticketops.cli.connect import add_board_args, build_client, print_stats, targets
from ticketops.cli.leaseargs import add_lease_args, lease_options
from ticketops.desired import load
from ticketops.engine.runner import PassRunner, RunOptions
from ticketops.engine.stopping import stop_on_signals
from ticketops.model.errors import ExitCode
from ticketops.plan import Plan, plan_json, render_text

NAME = "apply"
HELP = "make Azure DevOps match the tickets (one pass: plan, then execute it)"
DESCRIPTION = (
    "Plan as `ticketops plan` does, print the plan, then execute it: create and update work "
    "items (every write guarded by the item's revision and recorded in its history with the "
    "source commit), put back drift, and with --prune move orphaned items to Removed; for "
    "started tickets create the feature branch and push the spec file to it, and for tickets in "
    "review open the pull request, add reviewers and link the work item. One "
    "ticket that ADO refuses is reported and the others still apply. Exit 0 when everything "
    "applied, 1 when a ticket failed or is blocked. Writes happen under the board's lease (see "
    "`ticketops reconcile --help`), so two runs at once never write over each other. "
    "`ticketops reconcile` repeats until converged."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "plan_file",
        nargs="?",
        metavar="FILE",
        help="a plan saved by `ticketops plan -out FILE`: apply exactly it (its commit, targets and "
        "--prune), and refuse, naming what moved, if anything it read from ADO changed since",
    )
    add_board_args(p)
    add_lease_args(p)


@contextmanager
def progress_bar(total: int, enabled: bool) -> Iterator[Callable[[Outcome], None] | None]:
    """A rich progress bar on a terminal for runs with many changes; nothing otherwise."""
    if not enabled or total < 2:
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("applying", total=total)
        yield lambda _o: bar.advance(task)


def report_json(plan: Plan, report: ApplyReport | None) -> str:
    outcomes = [o.__dict__ for o in report.outcomes] if report else []
    return (
        json.dumps(
            {"plan": plan_json(plan), "outcomes": outcomes, "ok": report is None or report.ok},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def _saved(args: argparse.Namespace) -> savedplan.SavedPlan | None:
    """The saved plan named on the command line; it fixes the commit, targets and --prune."""
    if args.plan_file is None:
        return None
    given = [
        flag
        for flag, on in (
            ("--rev", args.rev),
            ("--worktree", args.worktree),
            ("--target", args.target),
            ("--prune", args.prune),
        )
        if on
    ]
    if given:
        raise savedplan.SavedPlanError(
            f"{', '.join(given)}: a saved plan fixes its commit, targets and --prune; drop {'them' if len(given) > 1 else 'it'}"
        )
    return savedplan.load(args.plan_file)


def run(args: argparse.Namespace) -> int:
    saved = _saved(args)
    desired = load_desired(args) if saved is None else load(args.repo, rev=saved.commit)
    interactive = sys.stdout.isatty() and not args.json
    options = RunOptions(
        lease=lease_options(args, "apply"),
        prune=saved.prune if saved else getattr(args, "prune", False),
        notify=_warn,
        targets=saved.targets if saved else targets(args),
    )
    runner = PassRunner(lambda config: build_client(config, args, write=True), options)
    with runner, stop_on_signals() as stop, ExitStack() as bar:
        client = runner.client_for(desired.config)
        if saved is not None and (saved.org_url, saved.project) != (client.org_url, desired.config.project):
            raise savedplan.SavedPlanError(
                f"{saved.path}: planned for {saved.project!r} in {saved.org_url}, not {desired.config.project!r} "
                f"in {client.org_url}; nothing was written"
            )
        advance: list[Callable[[Outcome], None]] = []  # the bar, once the plan to apply is known

        def before_apply(plan: Plan) -> None:
            if not args.json:
                sys.stdout.write(render_text(plan))
            if (step := bar.enter_context(progress_bar(len(plan.changes), interactive))) is not None:
                advance.append(step)

        def progress(outcome: Outcome) -> None:
            for step in advance:
                step(outcome)

        done = runner.apply_once(
            desired,
            stop.child(),
            progress=progress,
            before_apply=before_apply,
            check=saved.check if saved is not None else None,
        )
        bar.close()
        plan, report = done.plan, done.result.report
        if args.json:
            sys.stdout.write(report_json(plan, report))
        elif report is None:
            sys.stdout.write(render_text(plan))  # nothing to apply: the plan says why
        else:
            sys.stdout.write("\n" + render_outcomes(report))
        print_stats(client, args)
    if done.stopped:
        _warn(f"stopped ({stop.signal_name or 'stop requested'}) between two writes; run apply again to finish")
        return int(ExitCode.INTERRUPTED)
    ok = (report is None or report.ok) and not plan.errors
    return int(ExitCode.OK if ok else ExitCode.USER_ERROR)


def _warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
