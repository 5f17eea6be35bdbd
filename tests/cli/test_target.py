"""`--target KEY`: plan, apply and reconcile limited to some tickets, through main(argv) against
the emulator served over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import make_repo
from support.emulators import checked_emulator
from ticketops.cli.main import main
from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

CONFIG = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"


def ticket(title: str) -> str:
    return f"---\ntitle: {title}\nstatus: backlog\n---\nSpec of {title}.\n"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with checked_emulator() as emu, EmulatorServer(emu) as srv:
        monkeypatch.setenv("TICKETOPS_ORG_URL", srv.url)
        monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", "target-dummy-pat-0123456789")
        yield emu


@pytest.fixture
def board(tmp_path: Path) -> Path:
    files = {".tickets/config.yaml": CONFIG} | {f".tickets/PAY-{i}.md": ticket(f"Ticket {i}") for i in (1, 2, 3)}
    make_repo(tmp_path / "b", files)
    return tmp_path / "b"


def titles(emu: Emulator) -> list[str]:
    """The tickets' work items (the lease item of a board without repos is not one)."""
    items = emu.db.wit.in_project(emu.db.project("Payments"))
    return sorted(it.fields["System.Title"] for it in items if "ticketops-lease" not in it.tags)


def test_plan_and_reconcile_touch_only_the_targets(
    board: Path, served: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "--repo", str(board), "--target", "PAY-2", "--json"]) == 2
    plan = json.loads(capsys.readouterr().out)
    assert [a["key"] for a in plan["actions"]] == ["PAY-2"]

    assert main(["reconcile", "--repo", str(board), "--target", "pay-2", "--target", "PAY-3"]) == 0
    assert titles(served) == ["Ticket 2", "Ticket 3"]  # PAY-1 left alone
    capsys.readouterr()

    assert main(["plan", "--repo", str(board), "--json"]) == 2  # the whole board still has PAY-1 to create
    assert [a["key"] for a in json.loads(capsys.readouterr().out)["actions"]] == ["PAY-1"]


def test_an_unknown_target_is_an_error_not_an_empty_plan(
    board: Path, served: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", "--repo", str(board), "--target", "PAY-9"]) == 1
    err = capsys.readouterr().err
    assert "--target PAY-9: no such ticket in .tickets/" in err
    assert served.log.writes() == []


def test_target_is_refused_with_every(board: Path, served: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "--repo", str(board), "--target", "PAY-1", "--every", "1m"]) == 1
    assert "--target limits one run" in capsys.readouterr().err
    assert served.log.writes() == []


def test_plan_with_prune_plans_the_prune(board: Path, served: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reconcile", "--repo", str(board)]) == 0
    (board / ".tickets" / "PAY-3.md").unlink()
    capsys.readouterr()
    assert main(["plan", "--repo", str(board), "--worktree", "--json"]) == 0  # an orphan is left alone
    assert [a["kind"] for a in json.loads(capsys.readouterr().out)["actions"]] == ["orphan"]
    assert main(["plan", "--repo", str(board), "--worktree", "--prune", "--json"]) == 2
    assert [a["kind"] for a in json.loads(capsys.readouterr().out)["actions"]] == ["prune"]
