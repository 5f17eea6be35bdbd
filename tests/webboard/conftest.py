"""tests/webboard: ``ticketops board`` over a real git repository under tmp_path and the
in-process emulator, through Starlette's test client (fast layer) and a real headless Chromium
(browser layer). Puts this folder and tests/ on sys.path for ``boardkit`` and ``gitrepo``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

for _p in (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from boardkit import Site  # noqa: E402

from ticketops.emulator import Emulator  # noqa: E402


@pytest.fixture
def site(tmp_path: Path, emu: Emulator) -> Site:
    """A board reconciled once (items, branches and a pull request exist), served by a test client."""
    return Site(tmp_path / "board", emu)
