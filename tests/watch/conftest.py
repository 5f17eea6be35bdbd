"""tests/watch: the watch loop against the in-process ADO emulator, with a real git working tree
under tmp_path. Puts tests/ and this folder on sys.path for ``gitrepo`` and ``watchkit``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

for _p in (Path(__file__).resolve().parent, Path(__file__).resolve().parents[1]):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from watchkit import Tree  # noqa: E402

from ticketops.emulator import Emulator  # noqa: E402


@pytest.fixture
def tree(tmp_path: Path, emu: Emulator) -> Tree:
    return Tree(tmp_path / "board", emu)
