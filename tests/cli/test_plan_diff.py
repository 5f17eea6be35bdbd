"""`plan --diff`: long text as a unified diff, or in the user's own diff tool."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pygit2
import pytest

from gitrepo import commit_files, make_repo
from support.emulators import checked_emulator
from ticketops.cli.main import main
from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

CONFIG = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
CRITERIA = "acceptance_criteria:\n  - refunds are idempotent\n  - a retry is logged\n"


def ticket(body: str, criteria: str = CRITERIA) -> str:
    return f"---\ntitle: Refunds\nstatus: backlog\n{criteria}---\n{body}"


BODY_V1 = "Refund a payment.\n\nThe refund goes back to the card.\n\nNothing else changes.\n"
BODY_V2 = "Refund a payment.\n\nThe refund goes back to the original card, within 5 days.\n\nNothing else changes.\n"


@pytest.fixture
def board(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, pygit2.Repository, Emulator]]:
    with checked_emulator() as emu, EmulatorServer(emu) as srv:
        monkeypatch.setenv("TICKETOPS_ORG_URL", srv.url)
        monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", "diff-dummy-pat-0123456789")
        repo = make_repo(tmp_path / "b", {".tickets/config.yaml": CONFIG, ".tickets/PAY-1.md": ticket(BODY_V1)})
        assert main(["reconcile", "--repo", str(tmp_path / "b")]) == 0
        crit = "acceptance_criteria:\n  - refunds are idempotent\n  - a retry is logged with its reason\n"
        commit_files(repo, {".tickets/PAY-1.md": ticket(BODY_V2, crit)}, "reword")
        yield tmp_path / "b", repo, emu


def test_diff_shows_the_changed_lines_of_long_text(board, capsys: pytest.CaptureFixture[str]) -> None:
    root, _repo, _emu = board
    capsys.readouterr()
    assert main(["plan", "--repo", str(root), "--diff"]) == 2
    out = capsys.readouterr().out
    assert "--- ADO" in out and "+++ ticket" in out
    assert "-The refund goes back to the card." in out
    assert "+The refund goes back to the original card, within 5 days." in out
    assert "-- a retry is logged" in out and "+- a retry is logged with its reason" in out
    assert " Refund a payment." in out  # context kept


def test_without_diff_the_plan_stays_one_line_per_field(board, capsys: pytest.CaptureFixture[str]) -> None:
    root, _repo, _emu = board
    capsys.readouterr()
    assert main(["plan", "--repo", str(root), "--no-diff"]) == 2
    out = capsys.readouterr().out
    assert "+++ ticket" not in out and "(5 lines)" in out


@pytest.mark.skipif(shutil.which("diff") is None, reason="needs diff(1)")
def test_an_external_diff_tool_gets_two_folders(
    board, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    root, _repo, _emu = board
    capfd.readouterr()
    monkeypatch.setenv("TICKETOPS_EXTERNAL_DIFF", "diff -u")
    assert main(["plan", "--repo", str(root), "--diff"]) == 2
    out = capfd.readouterr().out
    assert "--- ADO/PAY-1.description" in out and "+++ ticket/PAY-1.description" in out
    assert "+The refund goes back to the original card, within 5 days." in out
    assert "ticket/PAY-1.acceptance-criteria" in out
