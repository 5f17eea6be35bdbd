"""tests/gitflow: branches, spec pushes, pull requests and links end to end — real git repos
(pygit2, under tmp_path), the real ``AdoClient`` over httpx, and the in-process emulator whose
bare repositories are inspected directly. Puts this folder and tests/ on sys.path."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

for _p in (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from gitkit import TOKEN, TOKEN_ENV, GitBoard  # noqa: E402

from ticketops.emulator import Emulator  # noqa: E402
from ticketops.emulator.server import EmulatorServer  # noqa: E402


@pytest.fixture
def board(tmp_path: Path, emu: Emulator) -> GitBoard:
    return GitBoard(tmp_path / "board", emu)


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return TOKEN


@pytest.fixture
def server(emu: Emulator) -> Iterator[EmulatorServer]:
    """The emulator served over loopback HTTP, for commands run with ``--org-url``."""
    with EmulatorServer(emu) as srv:
        yield srv
