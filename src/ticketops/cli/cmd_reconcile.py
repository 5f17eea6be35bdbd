"""``ticketops reconcile``: plan and apply until ADO matches the tickets."""

from __future__ import annotations

import argparse
import json
import sys

from ticketops.apply import render_outcomes
from ticketops.cli.common import load_desired
from ticketops.cli.connect import (
    ReadOnlyMode,
    add_board_args,
    build_client,
    print_stats,
    refuse_read_only,
    targets,
)
from ticketops.cli.leaseargs import add_lease_args, lease_options
from ticketops.engine import DEFAULT_MAX_PASSES, PassResult, ReconcileResult
from ticketops.engine.runner import PassRunner, RunOptions
from ticketops.engine.stopping import stop_on_signals
from ticketops.model.desired import DesiredState
from ticketops.model.errors import ExitCode, TicketopsError
from ticketops.plan import (
    Blocked,
    Conflict,
    Unpaired,
    UpdatePullRequest,
    action_reason,
    plan_json,
    render_text,
    summary_line,
)
from ticketops.schedule.options import add_schedule_args, reject_without_every
from ticketops.schedule.runner import run_every

NAME = "reconcile"
HELP = "apply until Azure DevOps matches the tickets (bounded number of passes)"
DESCRIPTION = (
    "Repeat plan + apply until the plan is empty (at most --max-passes applies), then print "
    "`converged` with the counts. Exit 0 when converged; 1 with what did not converge "
    "(blocked or conflicting tickets, items ADO refused, or changes still pending). "
    "Writes happen under a lease (the branch ticketops/lease of the default linked repository; for a "
    "board without repos, a work item tagged ticketops-lease), so two runs never write at once. SIGTERM/Ctrl-C stop between two writes (exit 130). With --every it "
    "runs a pass on an interval, each pass a one-line summary (with --json: one JSON object per pass, "
    "JSON Lines; --stats: request counts at exit); most passes first check git and ADO for changes in "
    "one request (incremental), a full pass every --full-every. Exit codes with --every: 0 when stopped "
    "by SIGTERM/Ctrl-C; with --count N (a CI job), 0 when the last pass converged and 1 when it failed "
    "(ADO unreachable, say) or did not converge; 1 at once, without retrying, for errors no retry can "
    "fix (read-only mode, failed sign-in, missing permission, lease unavailable)."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_board_args(p)
    p.add_argument(
        "--max-passes",
        type=int,
        default=DEFAULT_MAX_PASSES,
        metavar="N",
        help=f"stop after N applies (default: {DEFAULT_MAX_PASSES})",
    )
    add_lease_args(p)
    add_schedule_args(p)


def _print_pass(n: int, result: PassResult) -> None:
    print(f"--- pass {n}")
    sys.stdout.write(render_text(result.plan))
    if result.report is not None:
        sys.stdout.write("\n" + render_outcomes(result.report))


def verdict(result: ReconcileResult) -> str:
    final = result.final_plan
    n = final.counts()
    if result.converged:
        # from what was applied: after a 412 the re-planned action (not the planned one) was written
        drift = sum(o.drift for o in result.outcomes() if o.status == "applied")
        created = sum(1 for o in result.outcomes() if o.kind == "create" and o.status == "applied")
        updated = sum(1 for o in result.outcomes() if o.kind == "update" and o.status == "applied")
        orphans = f", {n['orphan']} orphaned (left alone)" if n.get("orphan") else ""
        pr_drift = sum(1 for p in result.passes for a in p.plan.actions if isinstance(a, UpdatePullRequest) and a.drift)
        if pr_drift:
            orphans += f", {pr_drift} pull request description(s) edited in ADO put back"
        return (
            f"converged after {len(result.passes)} pass(es): {n['synced']} in sync, {created} created, "
            f"{updated} updated ({drift} drifted field(s) put back){orphans}; {result.writes} write request(s)"
        )
    lines = [f"did not converge after {len(result.passes)} pass(es): {summary_line(final)}"]
    for a in final.actions:
        if a.ERROR or a.CHANGES:
            reason = action_reason(a) if isinstance(a, Conflict | Blocked | Unpaired) else "changes still pending"
            lines.append(f"  {a.key}: {a.kind}: {reason}")
    failed = [
        o
        for o in (result.passes[-1].report.outcomes if result.passes and result.passes[-1].report else ())
        if o.status in ("failed", "unknown")
    ]
    lines += [f"  {o.key}: {o.status}: {o.message}" for o in failed]
    return "\n".join(lines)


def _warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _run_every(args: argparse.Namespace) -> int:
    """Refuse read-only mode before the loop starts (as a one-off reconcile does); a board
    that cannot be read yet is left to the passes, which report it and try again."""
    refuse_read_only(None, args)
    if targets(args):
        raise TicketopsError(
            "--target limits one run to some tickets; a scheduled job (--every) keeps the whole board "
            "in sync. Drop --target, or run `ticketops reconcile --target KEY` without --every"
        )
    try:
        first: DesiredState | None = load_desired(args)
    except TicketopsError:
        first = None
    if first is not None:
        refuse_read_only(first.config, args)
    preloaded = [first] if first is not None else []

    def load() -> DesiredState:
        return preloaded.pop() if preloaded else load_desired(args)

    return run_every(
        args,
        lease=lease_options(args, f"reconcile --every {args.every:g}s"),
        load=load,
        client_for=lambda config: build_client(config, args, write=True),
        fatal=(ReadOnlyMode,),
    )


def run(args: argparse.Namespace) -> int:
    if args.every is not None:
        return _run_every(args)
    reject_without_every(args)
    desired = load_desired(args)
    options = RunOptions(
        lease=lease_options(args, "reconcile"),
        prune=getattr(args, "prune", False),
        max_passes=max(1, args.max_passes),
        notify=_warn,
        targets=targets(args),
    )
    with (
        PassRunner(lambda config: build_client(config, args, write=True), options) as runner,
        stop_on_signals() as stop,
    ):
        client = runner.client_for(desired.config)
        guarded = runner.reconcile(desired, stop.child(), on_pass=None if args.json else _print_pass)
        result = guarded.result
        if args.json:
            data = {
                "converged": result.converged,
                "passes": len(result.passes),
                "writes": result.writes,
                "outcomes": [o.__dict__ for o in result.outcomes()],
                "final_plan": plan_json(result.final_plan),
            }
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            if not result.passes:
                sys.stdout.write(render_text(result.final_plan))
            print(verdict(result))
        print_stats(client, args)
    if guarded.stopped:
        _warn(f"stopped ({stop.signal_name or 'stop requested'}) between two writes; run reconcile again to finish")
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.OK if result.converged else ExitCode.USER_ERROR)
