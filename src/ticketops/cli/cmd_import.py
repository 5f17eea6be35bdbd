"""``ticketops import``: write ticket files for existing work items, and adopt the items."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ticketops.cli.common import add_json_arg, add_org_args, read_only_requested
from ticketops.cli.connect import build_client, print_stats
from ticketops.importer import Importer, ImportOptions, render_text
from ticketops.importer.boards import BoardTarget, main_board
from ticketops.model.errors import ExitCode, NoBoard

NAME = "import"
HELP = "write .tickets/KEY.md for existing work items (bootstrap a board from ADO) and adopt them"
DESCRIPTION = (
    "Read existing work items (every type, or --types) of every project (or --project) and write a "
    "ticket file for each into the working tree: the board's project into .tickets/, any other "
    "project into its own board projects/<project>/.tickets/. Nothing is committed: review the "
    "files, then git add and commit them. Keys are PREFIX-<id> (--key-prefix, or import.key_prefix "
    "in config.yaml; default ADO); an item that already carries a ticketops:KEY marker keeps its "
    "key. Each item is adopted: its marker tags are written (and its description and acceptance "
    "criteria stored in the form ticketops writes them), so `ticketops plan` right after shows no "
    "changes. --with-comments and --with-links write read-only copies to .tickets/.ticketops/ "
    "(KEY.comments.md, KEY.links.yaml), which the reconciler never reads. A second import "
    "refreshes the files of items that changed and keeps ticket files edited since the last "
    "import (--overwrite replaces them). With --read-only (or read_only: true) no marker is "
    "written: tickets carry `id:`, and the next writable run adopts them. --dry-run writes nothing. "
    "Exit 0 when everything importable was imported, 1 when an item failed."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--repo",
        default=".",
        metavar="PATH",
        help="folder that holds .tickets/ (any folder inside the git working tree; default: .)",
    )
    p.add_argument(
        "--project",
        action="append",
        default=[],
        metavar="P",
        help="import this project (repeat for several; default: every project of the organisation)",
    )
    p.add_argument(
        "--types",
        default=None,
        metavar="LIST",
        help='comma-separated work item types, e.g. "Bug,Task,User Story,Feature,Epic" (default: every type)',
    )
    p.add_argument(
        "--query",
        default=None,
        metavar="WIQL",
        help="only items matching this WIQL condition (or flat SELECT ... FROM WorkItems WHERE ... query)",
    )
    p.add_argument(
        "--with-comments",
        action="store_true",
        help="also write each item's comments to .tickets/.ticketops/KEY.comments.md (read-only copy)",
    )
    p.add_argument(
        "--with-links",
        action="store_true",
        help="also write each item's links to .tickets/.ticketops/KEY.links.yaml (read-only copy)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be written; write no file and nothing to ADO"
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace ticket files edited since the last import with what ADO holds now",
    )
    p.add_argument(
        "--key-prefix",
        default=None,
        metavar="PREFIX",
        help="key prefix for new tickets, PREFIX-<id> (default: import.key_prefix in config.yaml, else ADO)",
    )
    add_org_args(p)
    add_json_arg(p)
    p.add_argument("--stats", action="store_true", help="print the number of ADO requests per operation at the end")


def _types(raw: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (raw or "").split(",") if t.strip())


def _prefix(raw: str | None) -> str | None:
    if raw is None:
        return None
    from ticketops.model.errors import TicketopsError
    from ticketops.model.ticket import KEY_RE

    prefix = raw.strip().upper()
    if not KEY_RE.match(f"{prefix}-1"):
        raise TicketopsError(f"--key-prefix {raw!r}: a prefix is letters and digits starting with a letter, e.g. ADO")
    return prefix


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on a terminal; nothing otherwise."""
    if not enabled:
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("importing work items", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update


BOARD_HINT = (
    "import bootstraps a board from Azure DevOps, and writes into the board's .tickets/ folder: create "
    ".tickets/config.yaml first (in this folder or the repository root), at least:\n\n"
    "  organization_url: https://dev.azure.com/ORG\n"
    "  project: PROJECT\n\n"
    "(add `process: scrum`, `basic` or `cmmi` when the project does not use the agile process), then run "
    "`ticketops import` again"
)


def _main_board(repo: str) -> BoardTarget:
    """The board to import into; with no .tickets/ at all, say how to start one."""
    try:
        return main_board(repo)
    except NoBoard as e:
        raise NoBoard(f"{e}\n{BOARD_HINT}") from None


def run(args: argparse.Namespace) -> int:
    board = _main_board(args.repo)
    read_only = read_only_requested(args) or board.config.read_only
    options = ImportOptions(
        projects=tuple(args.project),
        types=_types(args.types),
        query=args.query,
        with_comments=args.with_comments,
        with_links=args.with_links,
        dry_run=args.dry_run,
        overwrite=args.overwrite,
        key_prefix=_prefix(args.key_prefix),
        read_only=read_only,
    )
    client = build_client(board.config, args, write=not (read_only or args.dry_run))
    with client, progress_bar(sys.stderr.isatty() and not args.json) as tick:
        result = Importer(client, options, progress=tick).run(args.repo)
    if args.json:
        sys.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(result))
    print_stats(client, args)
    return int(ExitCode.OK if result.ok else ExitCode.USER_ERROR)
