"""``ticketops emulator``: run the in-memory Azure DevOps over HTTP, to try flows offline.

The chaos knobs (``--latency``, ``--error-rate``, ``--drop-rate``, ``--rate-limit``) let
benchmarks and chaos tests use the server as it is; ``--state FILE`` keeps the organisation
across restarts.
"""

from __future__ import annotations

import argparse
import math
import re
import sys

from ticketops.model.errors import ConfigError

NAME = "emulator"
HELP = "run an in-memory Azure DevOps (REST wire format) on localhost"
DESCRIPTION = (
    "Run the ADO emulator over HTTP until interrupted (Ctrl-C or SIGTERM). Point commands at the URL it "
    "prints with --org-url or TICKETOPS_ORG_URL. GET /_emulator/state shows what it holds."
)

_DURATION = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0}


def duration(text: str) -> float:
    """Seconds in ``20ms``, ``1.5s`` or ``1m``; a bare number is refused (ms or s?)."""
    m = _DURATION.fullmatch(text.strip().lower())
    if m is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration; write it with a unit, as 20ms, 1.5s or 1m")
    return float(m.group("n")) * _UNIT_SECONDS[m.group("unit")]


def probability(text: str) -> float:
    """A rate between 0 and 1 (``0.1`` = one request in ten)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; write a rate between 0 and 1, as 0.1") from None
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise argparse.ArgumentTypeError(f"{text!r} is not between 0 and 1 (0.1 = one request in ten)")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default: 8765)")
    p.add_argument(
        "--seed",
        metavar="FILE",
        default=None,
        help="YAML or JSON seed (organisation, processes, projects, repos, users, work items, PRs); "
        "default: the built-in contoso seed",
    )
    p.add_argument(
        "--state",
        metavar="FILE",
        default=None,
        help="keep the organisation in this JSON file: loaded at start, rewritten atomically after every change",
    )
    p.add_argument(
        "--pat",
        metavar="TOKEN",
        default=None,
        help="require this personal access token (Basic or Bearer); default: accept any request",
    )
    chaos = p.add_argument_group("faults (for benchmarks and chaos tests)")
    chaos.add_argument(
        "--latency", type=duration, default=0.0, metavar="DURATION", help="add this delay to every request (20ms, 1s)"
    )
    chaos.add_argument(
        "--error-rate",
        type=probability,
        default=0.0,
        metavar="RATE",
        help="answer this share of requests with a transient 500/503, before anything is written (0.1)",
    )
    chaos.add_argument(
        "--drop-rate",
        type=probability,
        default=0.0,
        metavar="RATE",
        help="drop this share of responses after the request was processed: the connection closes unanswered",
    )
    chaos.add_argument(
        "--rate-limit",
        action="store_true",
        help="enforce ADO's budget (200 units in a sliding 5-minute window, one a request): delays, then 429",
    )
    chaos.add_argument(
        "--fault-seed", type=int, default=0, metavar="N", help="seed of the random faults (default: 0, repeatable)"
    )


def run(args: argparse.Namespace) -> int:
    from ticketops.emulator import Emulator, Seed
    from ticketops.emulator.persist import StateFile
    from ticketops.emulator.ratelimit import ADO_BUDGET, ADO_WINDOW_SECONDS
    from ticketops.emulator.server import serve_forever

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port {args.port} is not a port number (0-65535)")
    seed = Seed.load(args.seed) if args.seed else None
    state = StateFile(args.state) if args.state else None
    emu = (
        state.open(seed, pat=args.pat, rng_seed=args.fault_seed)
        if state
        else Emulator(seed, pat=args.pat, rng_seed=args.fault_seed)
    )
    emu.faults.latency = args.latency
    emu.faults.error_rate = args.error_rate
    emu.faults.drop_rate = args.drop_rate
    if args.rate_limit:
        emu.rate_limit(ADO_BUDGET, ADO_WINDOW_SECONDS)

    def ready(url: str) -> None:
        auth = "a personal access token is required" if args.pat else "no authentication required"
        kept = f"; state in {args.state}" if args.state else ""
        print(f"ADO emulator listening on {url} ({auth}{kept}; Ctrl-C to stop)", flush=True)

    with emu:
        try:
            serve_forever(emu, args.host, args.port, on_ready=ready)
        except OSError as e:
            raise ConfigError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from e
        if state is not None:
            state.save(emu)
    print("ADO emulator stopped", file=sys.stderr, flush=True)
    return 0
