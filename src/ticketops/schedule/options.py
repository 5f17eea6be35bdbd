"""Command-line options of the scheduled job (``reconcile --every``)."""

from __future__ import annotations

import argparse

from ticketops.engine.incremental import DEFAULT_FULL_EVERY
from ticketops.model.errors import TicketopsError
from ticketops.schedule.interval import interval_arg, jitter_arg

DEFAULT_JITTER = "10%"


def add_schedule_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("scheduled job (--every)")
    g.add_argument(
        "--every",
        type=interval_arg,
        default=None,
        metavar="INTERVAL",
        help="run a pass every INTERVAL (30s, 5m, 1h) until SIGTERM/SIGINT; each pass prints a "
        "one-line summary. Without it: one reconcile, then exit",
    )
    g.add_argument(
        "--jitter",
        type=jitter_arg,
        default=DEFAULT_JITTER,
        metavar="AMOUNT",
        help=f"vary each wait by up to AMOUNT either way: a percentage of the interval or a duration "
        f"(default: {DEFAULT_JITTER.replace('%', '%%')})",
    )
    g.add_argument(
        "--jitter-seed", type=int, default=None, metavar="N", help="seed the jitter (reproducible waits, for tests)"
    )
    g.add_argument(
        "--full", action="store_true", help="with --every: make every pass a full pass (no incremental check)"
    )
    g.add_argument(
        "--full-every",
        type=int,
        default=DEFAULT_FULL_EVERY,
        metavar="K",
        help=f"with --every: a full pass every K passes; the others first check both sides for "
        f"changes in one request (default: {DEFAULT_FULL_EVERY}; 1 = always full)",
    )
    g.add_argument(
        "--count",
        type=int,
        default=None,
        metavar="N",
        help="with --every: stop after N passes (default: run until stopped); exit 0 when the last "
        "pass converged, 1 when it failed or did not converge",
    )


def reject_without_every(args: argparse.Namespace) -> None:
    """``--full``, ``--full-every``, ``--count``, ``--jitter`` and ``--jitter-seed`` only mean
    something with ``--every``: refuse them without it rather than ignore them."""
    given = [
        flag
        for flag, value, default in (
            ("--full", args.full, False),
            ("--full-every", args.full_every, DEFAULT_FULL_EVERY),
            ("--count", args.count, None),
            ("--jitter", args.jitter, DEFAULT_JITTER),
            ("--jitter-seed", args.jitter_seed, None),
        )
        if value != default
    ]
    if given:
        raise TicketopsError(
            f"{', '.join(given)} only apply with --every (a one-off reconcile is always a full pass); "
            "add --every INTERVAL or drop them"
        )
