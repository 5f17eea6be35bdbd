"""``ticketops reconcile --every``: wire the options, the stop flag, the pass and the loop."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ticketops.ado import AdoClient
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.schedule.boardpass import BoardPass, PassSettings
from ticketops.schedule.interval import jitter_seconds
from ticketops.schedule.loop import IntervalLoop, LoopSettings
from ticketops.schedule.options import lease_options
from ticketops.schedule.stopping import stop_on_signals


def _print(line: str) -> None:
    print(line, flush=True)


def _warn(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run_every(
    args: argparse.Namespace,
    *,
    load: Callable[[], DesiredState],
    client_for: Callable[[BoardConfig], AdoClient],
) -> int:
    """Run passes every ``args.every`` seconds until SIGTERM/SIGINT (exit 0), ``--count``
    passes (exit 0) or an error no retry can fix, such as failed authentication (exit 1)."""
    interval = float(args.every)
    settings = PassSettings(
        repo=args.repo,
        rev=args.rev or "HEAD",
        lease=lease_options(args, f"reconcile --every {args.every:g}s"),
        full=args.full,
        full_every=max(1, args.full_every),
        prune=getattr(args, "prune", False),
        max_passes=max(1, args.max_passes),
    )
    loop_settings = LoopSettings(interval, jitter_seconds(args.jitter, interval), args.jitter_seed, args.count)
    board = BoardPass(settings, load=load, client_for=client_for, notify=_warn)
    _print(f"reconciling every {interval:g}s (jitter +/-{loop_settings.jitter:g}s, full pass every "
           f"{'pass' if settings.full else str(settings.full_every) + ' passes'}); SIGTERM or Ctrl-C stops between writes")
    try:
        with stop_on_signals() as stop:
            return IntervalLoop(board.run, loop_settings, stop, out=_print, err=_warn).run()
    finally:
        board.close()
