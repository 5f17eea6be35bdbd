"""tests/importer: ``ticketops import`` end to end (real git repos, the real client over HTTP,
the emulator) and its parts. Puts this folder and tests/ on sys.path for ``importkit``/``gitrepo``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

for _p in (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from importkit import TOKEN, TOKEN_ENV, ImportBoard  # noqa: E402

from ticketops.emulator import Emulator  # noqa: E402
from ticketops.emulator.server import EmulatorServer  # noqa: E402


@pytest.fixture
def server(emu: Emulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emu) as srv:
        yield srv


@pytest.fixture(autouse=True)
def token_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return TOKEN


@pytest.fixture
def board(tmp_path: Path, server: EmulatorServer, capsys: pytest.CaptureFixture[str]) -> ImportBoard:
    return ImportBoard(tmp_path / "board", server.url, capsys)
