"""tests/e2e: the reconciler end to end — real git repositories (pygit2, under tmp_path), the
real ``AdoClient`` over httpx, and the in-process ADO emulator. Puts this folder and tests/ on
sys.path for ``board`` and ``gitrepo``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

for _p in (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from board import TOKEN, TOKEN_ENV  # noqa: E402


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """The dummy PAT CLI runs read (the emulator accepts any token)."""
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    return TOKEN
