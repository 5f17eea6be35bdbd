"""Root fixtures shared by every test area. Area fixtures live in tests/<area>/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = REPO_ROOT.parent / "shared" / "ado-rest-spec" / "7.1"
EXAMPLE_REPO = REPO_ROOT / "example-repo"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's tokens, org overrides or state folder."""
    for var in ("AZURE_DEVOPS_EXT_PAT", "SYSTEM_ACCESSTOKEN", "TICKETOPS_ORG_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
