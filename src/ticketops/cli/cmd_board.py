"""``ticketops board``: the tickets as a board in the browser (a local server), or ``--export`` a static file."""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ticketops.cli.common import add_org_args
from ticketops.cli.sync import add_offline_arg
from ticketops.model.errors import ConfigError, ExitCode

if TYPE_CHECKING:  # the board (and its web stack) is imported when the command runs, never at start-up
    from ticketops.ado import AdoClient
    from ticketops.board.source import BoardSource
    from ticketops.model.config import BoardConfig

NAME = "board"
HELP = "open the tickets as a board in the browser: drag a card to move it, with ADO's answer first"
DESCRIPTION = (
    "Serve a board of the tickets on 127.0.0.1: one column per status, one card per ticket with its "
    "sync state (as `status` computes it), work item, branch and pull request; filters in the URL; a "
    "side panel with the spec, the plan and the feature branch's version. Dragging a card previews "
    "what the move does in ADO, then replaces only the `status:` line of the file; commits are "
    "explicit (Commit, Commit and push). The page refreshes itself when a file or ADO changes. The "
    "address printed holds a random token, new each start; only that address opens the board. With "
    "--rev (or `read_only: true`) the board is read-only. --export writes one static HTML file instead. "
    "Needs the `board` extra: pip install 'ticketops[board]'."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", default=".", metavar="PATH", help="folder that holds .tickets/ (default: .)")
    p.add_argument(
        "--rev",
        default=None,
        metavar="REV",
        help="show the tickets of this commit, read-only (default: the working tree; the page can switch)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="print the address but do not open a browser")
    p.add_argument(
        "--ado-interval",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how often to ask ADO whether a work item changed (one request; 0: never; default: 30)",
    )
    p.add_argument(
        "--export",
        default=None,
        metavar="FILE",
        help="write the board as one self-contained static HTML file (no edit controls) and exit",
    )
    add_offline_arg(p)
    add_org_args(p)


def _require_extra() -> None:
    try:
        import jinja2  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        raise ConfigError(
            f"`ticketops board` needs the board extra ({e.name} is not installed): pip install 'ticketops[board]'"
        ) from e


def run(args: argparse.Namespace) -> int:
    _require_extra()
    from ticketops.board.source import BoardSource
    from ticketops.cli.connect import build_client, org_url

    offline = bool(getattr(args, "offline", False))
    source = BoardSource(
        repo=args.repo,
        client_for=None if offline else (lambda config: build_client(config, args, write=False)),
        org_url_for=lambda config: org_url(config, args),
        rev=args.rev,
        force_read_only=bool(args.read_only) or args.export is not None,
    )
    source.desired(args.rev)  # a board that cannot be read is an error now, not a blank page
    if args.export is not None:
        from ticketops.board.export import write_export

        path = write_export(source, args.rev, Path(args.export))
        print(f"Wrote {path}")
        return int(ExitCode.OK)
    return _serve(args, source, write_client_for=None if offline else (lambda c: build_client(c, args, write=True)))


def _serve(
    args: argparse.Namespace, source: BoardSource, write_client_for: Callable[[BoardConfig], AdoClient] | None
) -> int:
    import uvicorn

    from ticketops.board.app import BoardApp
    from ticketops.board.security import Guard, new_token

    sock = socket.socket(socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as e:
        raise ConfigError(f"cannot listen on {args.host}:{args.port}: {e.strerror}; pick another --port") from e
    port = sock.getsockname()[1]
    token = new_token()
    guard = Guard.for_address(token, args.host, port)
    app = BoardApp(source, write_client_for=write_client_for, ado_interval=args.ado_interval)
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{port}/?token={token}"
    print(
        f"Board of {Path(args.repo).resolve()} at\n  {url}\n(the address is the key: it changes each start; Ctrl-C stops)"
    )
    sys.stdout.flush()
    if not args.no_browser:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(
        app.asgi(guard), log_level="warning", access_log=False, timeout_graceful_shutdown=2, lifespan="on"
    )
    uvicorn.Server(config).run(sockets=[sock])
    return int(ExitCode.OK)
