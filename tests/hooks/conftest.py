"""tests/hooks: real git repositories driven by the git CLI (see ``hookgit``).

Puts this folder on sys.path so the tests can import ``hookgit``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from hookgit import Clone, make_clone  # noqa: E402


@pytest.fixture
def clone(tmp_path: Path) -> Clone:
    return make_clone(tmp_path)
