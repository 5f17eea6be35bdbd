"""The lease flags of every writing command (``apply``, ``reconcile``, ``watch --apply``)."""

from __future__ import annotations

import argparse

from ticketops.engine.guarded import LeaseOptions
from ticketops.lease.lease import DEFAULT_TTL, DEFAULT_WAIT
from ticketops.schedule.interval import duration_arg


def add_lease_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("lease (one writer per project at a time)")
    g.add_argument(
        "--lease-wait",
        type=duration_arg,
        default=DEFAULT_WAIT,
        metavar="DURATION",
        help=f"how long to wait for another run's lease before giving up with exit 1 "
        f"(default: {DEFAULT_WAIT:g}s; e.g. 0, 30s, 5m)",
    )
    g.add_argument(
        "--lease-ttl",
        type=duration_arg,
        default=DEFAULT_TTL,
        metavar="DURATION",
        help=f"how long the lease lives unless renewed; a holder renews it every third of that "
        f"(default: {DEFAULT_TTL:g}s)",
    )
    g.add_argument(
        "--no-lease",
        action="store_true",
        help="do not take the lease (the branch ticketops/lease of the default linked repository, or "
        "for a board without repos a work item tagged ticketops-lease); "
        "only when nothing else can write to this project at the same time",
    )


def lease_options(args: argparse.Namespace, purpose: str) -> LeaseOptions:
    ttl = max(float(getattr(args, "lease_ttl", DEFAULT_TTL)), 3.0)
    return LeaseOptions(
        enabled=not getattr(args, "no_lease", False),
        wait=float(getattr(args, "lease_wait", DEFAULT_WAIT)),
        ttl=ttl,
        purpose=purpose,
    )
