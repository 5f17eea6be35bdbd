"""Root fixtures shared by every test area. Area fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ticketops.emulator import Emulator

if str(TESTS_DIR := Path(__file__).resolve().parent) not in sys.path:  # shared helpers: gitrepo, support/
    sys.path.insert(0, str(TESTS_DIR))

from support.emulators import checked_emulator

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = REPO_ROOT / "tests" / "contract" / "ado-rest-spec" / "7.1"
EXAMPLE_REPO = REPO_ROOT / "example-repo"


@pytest.fixture
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """The default organisation (contoso: Payments/Ledger/Helpdesk/Compliance), checked after
    every write (at most one item per marker tag, one active PR per branch, no PR without its
    branch) and at the end. Areas that need another seed or clock override this fixture, using
    :func:`checked_emulator`."""
    with checked_emulator(board_invariants=request.node.get_closest_marker("broken_board") is None) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's tokens, org overrides or state folder."""
    for var in ("AZURE_DEVOPS_EXT_PAT", "SYSTEM_ACCESSTOKEN", "TICKETOPS_ORG_URL", "TF_BUILD", "GITHUB_ACTIONS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


# ---- session-wide ADO spec conformance (owned by the ado client work; see tests/support) ----
@pytest.fixture(scope="session", autouse=True)
def _ado_spec_conformance() -> Iterator[None]:
    """Check every request our client sends to the emulator against the ADO 7.1 spec.

    Only requests with ``User-Agent: ticketops/...`` are checked (emulator tests send malformed
    requests on purpose). At session end, any non-conforming request fails the run.
    """
    from support.spec_check import SpecChecker, SpecIndex

    observers = Emulator.global_observers

    checker = SpecChecker(SpecIndex.load(SPEC_DIR))
    observers.append(checker.observe)
    try:
        yield
    finally:
        observers.remove(checker.observe)
    if checker.violations:
        pytest.fail(checker.report(), pytrace=False)
