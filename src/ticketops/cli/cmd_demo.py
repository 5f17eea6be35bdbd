"""``ticketops demo`` (interim): validate example-repo and show its desired state as a table.

Until the reconciler lands this shows what ticketops would mirror into Azure DevOps.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pygit2

import ticketops
from ticketops.model.desired import DesiredState
from ticketops.model.errors import ConfigError, ExitCode

NAME = "demo"
ORDER = 90
HELP = "show the example board (example-repo) as ticketops reads it"
DESCRIPTION = (
    "Validate the example board that ships with the ticketops sources (example-repo/) and print "
    "its desired state: each ticket with its ADO state, assignee, repository and branch. Reads "
    "the committed tree (HEAD); when example-repo has uncommitted changes it reads the files on "
    "disk instead and says so."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--repo",
        default=None,
        metavar="PATH",
        help="board folder to show (default: example-repo/ of the ticketops checkout)",
    )


def example_repo() -> Path:
    """``example-repo/`` next to ``src/`` in a source checkout."""
    path = Path(ticketops.__file__).resolve().parents[2] / "example-repo"
    if not (path / ".tickets").is_dir():
        raise ConfigError(
            f"the example board is not at {path} (ticketops is not running from a source checkout); "
            "pass --repo PATH to a folder that holds .tickets/"
        )
    return path


def _dirty(folder: Path) -> bool:
    """Whether files under ``folder`` differ from HEAD (modified, staged or untracked)."""
    found = pygit2.discover_repository(str(folder))
    if found is None:
        return True
    repo = pygit2.Repository(found)
    if repo.is_bare or repo.head_is_unborn:
        return True
    rel = Path(folder).resolve().relative_to(Path(repo.workdir).resolve()).as_posix()
    prefix = "" if rel == "." else rel + "/"
    return any(path.startswith(prefix) for path in repo.status(untracked_files="all"))


def run(args: argparse.Namespace) -> int:
    from ticketops.desired import check

    folder = Path(args.repo) if args.repo else example_repo()
    worktree = _dirty(folder)
    state, problems = check(folder, rev=None if worktree else "HEAD", worktree=worktree)
    source = "the files on disk (uncommitted changes)" if worktree else f"commit {state.commit[:10] if state and state.commit else 'HEAD'}"
    print(f"Desired state of {folder} read from {source}")
    for p in problems:
        print(p)
    if state is None:
        return int(ExitCode.USER_ERROR)
    _table(state)
    return int(ExitCode.USER_ERROR if problems else ExitCode.OK)


def _natural(key: str) -> tuple[str, int]:
    prefix, _, number = key.rpartition("-")
    return prefix, int(number) if number.isdigit() else 0


def _table(state: DesiredState) -> None:
    from rich.console import Console
    from rich.table import Table

    cfg = state.config
    table = Table(title=f"{cfg.project} ({cfg.effective_work_item_type}) at {cfg.organization_url}", title_justify="left")
    table.add_column("key", no_wrap=True)
    table.add_column("title", ratio=3)
    table.add_column("status -> ADO state", no_wrap=True)
    table.add_column("assignee", no_wrap=True)
    table.add_column("repo", no_wrap=True)
    table.add_column("branch", ratio=2, overflow="fold")
    for t in sorted(state.tickets, key=lambda t: _natural(t.key)):
        alias = state.repo_alias(t)
        repo = cfg.repos[alias].name if alias in cfg.repos else "-"
        branch = state.branch_name(t) if cfg.work_started(t.status) else "(no branch yet)"
        table.add_row(t.key, t.title, f"{t.status} -> {cfg.status(t.status).state}", t.assignee or "-", repo, branch)
    console = Console()
    if not console.is_terminal:  # logs and pipes: wide enough that rows stay on one or two lines
        console = Console(width=160)
    console.print(table)
    print(f"{len(state.tickets)} tickets valid; {len(state.problems)} problems")
