"""``ticketops reconcile --every``: wire the options, the stop flag, the pass and the loop."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ticketops.ado import AdoClient
from ticketops.engine.boardpass import BoardPass, PassSettings
from ticketops.engine.guarded import LeaseOptions
from ticketops.engine.stopping import stop_on_signals
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.errors import TicketopsError
from ticketops.schedule.interval import jitter_seconds
from ticketops.schedule.loop import FATAL, IntervalLoop, LoopSettings


def _print(line: str) -> None:
    print(line, flush=True)


def _warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run_every(
    args: argparse.Namespace,
    *,
    lease: LeaseOptions,
    load: Callable[[], DesiredState],
    client_for: Callable[[BoardConfig], AdoClient],
    fatal: tuple[type[TicketopsError], ...] = (),
) -> int:
    """Run passes every ``args.every`` seconds until SIGTERM/SIGINT (exit 0), ``--count``
    passes (exit 0, or 1 when the last pass failed or did not converge) or an error no retry
    can fix, such as failed authentication or one of ``fatal`` (exit 1).

    ``--json``: one JSON object per pass on stdout (JSON Lines), everything else on stderr.
    ``--stats``: the request counts of the whole run on stderr at exit."""
    interval = float(args.every)
    settings = PassSettings(
        repo=args.repo,
        rev=args.rev or "HEAD",
        lease=lease,
        full=args.full,
        full_every=max(1, args.full_every),
        prune=getattr(args, "prune", False),
        max_passes=max(1, args.max_passes),
    )
    loop_settings = LoopSettings(interval, jitter_seconds(args.jitter, interval), args.jitter_seed, args.count)
    json_lines = bool(getattr(args, "json", False))
    board = BoardPass(settings, load=load, client_for=client_for, notify=_warn)
    (_warn if json_lines else _print)(
        f"reconciling every {interval:g}s (jitter +/-{loop_settings.jitter:g}s, full pass every "
        f"{'pass' if settings.full else str(settings.full_every) + ' passes'}); SIGTERM or Ctrl-C stops between writes"
    )
    try:
        with stop_on_signals() as stop:
            loop = IntervalLoop(
                board.run,
                loop_settings,
                stop,
                out=_print,
                err=_warn,
                fatal=FATAL + fatal,
                json_lines=json_lines,
            )
            return loop.run()
    finally:
        board.close()
        if getattr(args, "stats", False):
            _print_stats(board)


def _print_stats(board: BoardPass) -> None:
    if not board.request_stats:
        _warn("\nADO requests: none (no pass reached Azure DevOps)")
    for n, stats in enumerate(board.request_stats, 1):
        again = (
            f" (client {n} of {len(board.request_stats)}: the organisation or auth changed)"
            if len(board.request_stats) > 1
            else ""
        )
        _warn(f"\nADO requests{again}:")
        _warn(stats.render())
