"""``ticketops watch``: plan (or apply) the working tree every time a ticket file changes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ticketops.cli.common import add_org_args
from ticketops.cli.connect import build_client
from ticketops.cli.leaseargs import add_lease_args, lease_options
from ticketops.desired import snapshot
from ticketops.desired.source import open_repository
from ticketops.engine.stopping import stop_on_signals
from ticketops.model.errors import ExitCode, GitError
from ticketops.watch.evaluate import Evaluator
from ticketops.watch.loop import WatchLoop
from ticketops.watch.view import LiveView, PlainView

NAME = "watch"
HELP = "plan (or --apply) the working tree every time a ticket file changes"
DESCRIPTION = (
    "Watch .tickets/ and, after each burst of changes (--debounce), plan the files on disk against "
    "Azure DevOps; with --apply, apply them (under the lease, like reconcile). On a terminal the "
    "plan is a live table; otherwise one block of lines per change. A half-written or invalid file "
    "is reported as path:line:col and watching goes on; an unreachable ADO is reported and retried "
    "on the next change. Ctrl-C or SIGTERM ends watch mode between two writes: exit 0. A failed "
    "sign-in ends it with exit 1."
)
DEFAULT_DEBOUNCE_MS = 400
POLL_MS = 1000  # how often the watcher wakes up to notice a stop request


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--repo",
        default=".",
        metavar="PATH",
        help="folder that holds .tickets/ (any folder inside the git working tree; default: .)",
    )
    p.add_argument("--apply", action="store_true", help="apply each change to ADO instead of only planning it")
    p.add_argument(
        "--debounce",
        type=int,
        default=DEFAULT_DEBOUNCE_MS,
        metavar="MS",
        help=f"wait until files have been quiet this long before planning (default: {DEFAULT_DEBOUNCE_MS})",
    )
    p.add_argument(
        "--prune",
        action="store_true",
        help="with --apply: move work items whose ticket file is gone to the Removed state",
    )
    p.add_argument("--plain", action="store_true", help="plain lines even on a terminal")
    add_org_args(p)
    add_lease_args(p)


def run(args: argparse.Namespace) -> int:
    import watchfiles

    repo = open_repository(args.repo)
    if repo.is_bare:
        raise GitError(f"{repo.path} is a bare repository: there are no files to watch; watch a working tree")
    root = Path(repo.workdir).resolve()
    tickets_dir = root / snapshot(args.repo, rev=None, worktree=True).tickets_dir
    evaluator = Evaluator(
        repo=args.repo,
        client_for=lambda config: build_client(config, args, write=args.apply),
        apply=args.apply,
        prune=args.prune,
        lease=lease_options(args, "watch --apply"),
        notify=lambda line: print(line, file=sys.stderr, flush=True),
    )
    live = sys.stdout.isatty() and not args.plain
    print(f"watching {tickets_dir} ({'apply' if args.apply else 'plan'} on change); Ctrl-C to stop", flush=True)
    view = LiveView() if live else PlainView(sys.stdout)
    try:
        with stop_on_signals() as stop:
            events = watchfiles.watch(
                tickets_dir,
                debounce=max(0, args.debounce),
                stop_event=stop.event,
                rust_timeout=POLL_MS,
                yield_on_timeout=True,
                raise_interrupt=False,
                recursive=False,
            )
            WatchLoop(evaluator, events, view, stop, tickets_dir=tickets_dir, root=root).run()
    finally:
        evaluator.close()
    print(f"stopped ({stop.signal_name or 'watcher ended'})", flush=True)
    return int(ExitCode.OK)
