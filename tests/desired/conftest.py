"""Fixtures for the desired-state tests: a valid board committed to a fresh git repository."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pygit2
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for the shared gitrepo helper

from gitrepo import FileValue, commit_files, make_repo

CONFIG = """\
organization_url: https://dev.azure.com/contoso
project: Payments
process: agile
repos:
  api:
    name: payments-api
  web:
    name: payments-web
default_repo: api
"""


def ticket(title: str = "Add refunds", status: str = "backlog", **fields: str) -> str:
    """A ticket file: front matter built from the arguments (values written as-is) and a body."""
    lines = [f"title: {title}", f"status: {status}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n## Context\n\nWhy this matters.\n"


BOARD: dict[str, FileValue] = {
    ".tickets/config.yaml": CONFIG,
    ".tickets/PAY-1.md": ticket("Idempotency keys", "in-progress", assignee="alice@contoso.com"),
    ".tickets/PAY-2.md": ticket("Card icons", "backlog", repo="web"),
}


@pytest.fixture
def board(tmp_path: Path) -> pygit2.Repository:
    """A repository whose root holds a valid two-ticket board, committed on main."""
    return make_repo(tmp_path / "repo", BOARD)


@pytest.fixture
def make_board(tmp_path: Path) -> Callable[..., pygit2.Repository]:
    """``make_board({path: content})``: a valid config plus the given files, committed."""

    def make(files: dict[str, FileValue], *, config: str | None = CONFIG, bare: bool = False) -> pygit2.Repository:
        all_files: dict[str, FileValue] = {".tickets/config.yaml": config} if config is not None else {}
        all_files.update(files)
        return make_repo(tmp_path / ("bare.git" if bare else "repo"), all_files, bare=bare)

    return make


@pytest.fixture(name="ticket")
def ticket_fixture() -> Callable[..., str]:
    """The :func:`ticket` text builder, for test modules (they cannot import this conftest)."""
    return ticket


@pytest.fixture(name="config_text")
def config_fixture() -> str:
    return CONFIG


@pytest.fixture(name="commit")
def commit_fixture() -> Callable[..., str]:
    """``commit(repo, {path: content}, message)``: another commit on top of HEAD."""
    return commit_files
