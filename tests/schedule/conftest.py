"""tests/schedule: the interval loop and incremental passes, against the ADO emulator, with real
git repositories under tmp_path (pygit2). Puts tests/ and this folder on sys.path for
``gitrepo`` and ``schedkit``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

for _p in (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from schedkit import TOKEN, TOKEN_ENV  # noqa: E402

from ticketops.ado import AdoClient, resolve_auth  # noqa: E402
from ticketops.emulator import Emulator  # noqa: E402
from ticketops.model.config import AuthSettings  # noqa: E402


@pytest.fixture
def new_client(emu: Emulator) -> Callable[[], AdoClient]:
    def make() -> AdoClient:
        auth, _ = resolve_auth(AuthSettings(), {TOKEN_ENV: TOKEN})
        return AdoClient(emu.url, auth, transport=emu.transport)

    return make


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return TOKEN
