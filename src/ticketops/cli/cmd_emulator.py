"""``ticketops emulator``: run the in-memory Azure DevOps over HTTP, to try flows offline."""

from __future__ import annotations

import argparse
import sys

from ticketops.model.errors import ConfigError

NAME = "emulator"
HELP = "run an in-memory Azure DevOps (REST wire format) on localhost"
DESCRIPTION = (
    "Run the ADO emulator over HTTP until interrupted (Ctrl-C or SIGTERM). Point commands at the URL it "
    "prints with --org-url or TICKETOPS_ORG_URL. GET /_emulator/state shows what it holds."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default: 8765)")
    p.add_argument(
        "--seed",
        metavar="FILE",
        default=None,
        help="YAML or JSON seed (organisation, projects, repos, users); default: the built-in contoso seed",
    )
    p.add_argument(
        "--pat",
        metavar="TOKEN",
        default=None,
        help="require this personal access token (Basic or Bearer); default: accept any request",
    )


def run(args: argparse.Namespace) -> int:
    from ticketops.emulator import Emulator, Seed
    from ticketops.emulator.server import serve_forever

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port {args.port} is not a port number (0-65535)")
    seed = Seed.load(args.seed) if args.seed else Seed.default()

    def ready(url: str) -> None:
        auth = "a personal access token is required" if args.pat else "no authentication required"
        print(f"ADO emulator listening on {url} ({auth}; Ctrl-C to stop)", flush=True)

    with Emulator(seed, pat=args.pat) as emu:
        try:
            serve_forever(emu, args.host, args.port, on_ready=ready)
        except OSError as e:
            raise ConfigError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from e
    print("ADO emulator stopped", file=sys.stderr, flush=True)
    return 0
