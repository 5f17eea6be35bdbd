"""Fixtures for the spec-checker tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ so `support.spec_check` imports

from support.spec_check import SpecChecker, SpecIndex

SPEC_DIR = Path(__file__).resolve().parents[1] / "contract" / "ado-rest-spec" / "7.1"


@pytest.fixture(scope="session")
def spec_index() -> SpecIndex:
    return SpecIndex.load(SPEC_DIR)


@pytest.fixture
def checker(spec_index: SpecIndex) -> SpecChecker:
    return SpecChecker(spec_index)
