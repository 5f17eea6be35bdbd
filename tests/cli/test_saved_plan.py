"""Saved plans: `plan -out FILE` then `apply FILE` applies exactly that plan, and refuses it,
naming what moved, when anything it read changed. Through main(argv), over HTTP."""

from __future__ import annotations

import json
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
WITH_REPO = CONFIG + "repos:\n  api: {name: payments-api}\ndefault_repo: api\n"


def ticket(title: str, status: str = "backlog") -> str:
    return f"---\ntitle: {title}\nstatus: {status}\n---\nSpec of {title}.\n"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    with checked_emulator() as emu, EmulatorServer(emu) as srv:
        monkeypatch.setenv("TICKETOPS_ORG_URL", srv.url)
        monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", "saved-plan-dummy-pat-0123456789")
        yield emu


@pytest.fixture(params=["item lease", "branch lease"])
def board(request: pytest.FixtureRequest, tmp_path: Path, served: Emulator) -> tuple[Path, pygit2.Repository]:
    """A converged board of two tickets, then a commit that retitles PAY-1 and starts PAY-2."""
    config = CONFIG if request.param == "item lease" else WITH_REPO
    repo = make_repo(
        tmp_path / "b",
        {".tickets/config.yaml": config} | {f".tickets/PAY-{i}.md": ticket(f"Ticket {i}") for i in (1, 2)},
    )
    assert main(["reconcile", "--repo", str(tmp_path / "b")]) == 0
    commit_files(repo, {".tickets/PAY-1.md": ticket("Ticket 1, retitled")}, "retitle")
    return tmp_path / "b", repo


def item_of(emu: Emulator, key: str) -> int:
    (item,) = [i for i in emu.db.wit.items.values() if f"ticketops:{key}" in i.tags]
    return item.id


def test_apply_file_applies_exactly_the_saved_plan(
    board, served: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, repo = board
    saved = tmp_path / "pay.tfplan"
    assert main(["plan", "--repo", str(root), "-out", str(saved)]) == 2
    doc = json.loads(saved.read_text())
    assert doc["format"] == "ticketops-plan/1" and doc["read"]["commit"] == str(repo.head.target)
    commit_files(repo, {".tickets/PAY-2.md": ticket("Ticket 2, a later commit")}, "later")  # not approved
    capsys.readouterr()

    assert main(["apply", str(saved), "--repo", str(root)]) == 0

    titles = {served.db.get_work_item(item_of(served, k)).fields["System.Title"] for k in ("PAY-1", "PAY-2")}
    assert titles == {"Ticket 1, retitled", "Ticket 2"}  # the saved commit, not the later one


def test_a_moved_revision_refuses_the_saved_plan_and_names_it(
    board, served: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _repo = board
    saved = tmp_path / "pay.tfplan"
    assert main(["plan", "--repo", str(root), "-out", str(saved)]) == 2
    pay2 = item_of(served, "PAY-2")
    served.db.update_work_item("Payments", pay2, {"System.Title": "Edited in ADO meanwhile"})
    served.log.reset()
    capsys.readouterr()

    assert main(["apply", str(saved), "--repo", str(root)]) == 1

    err = capsys.readouterr().err
    assert f"refused, 1 thing(s) it read changed since it was made:\n  work item #{pay2}: rev 1 -> 2" in err
    assert "Nothing was written" in err
    assert served.log.writes() == []


def test_a_saved_plan_fixes_its_options_and_bad_files_are_named(
    board, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _repo = board
    saved = tmp_path / "pay.tfplan"
    assert main(["plan", "--repo", str(root), "-out", str(saved)]) == 2
    capsys.readouterr()
    assert main(["apply", str(saved), "--repo", str(root), "--rev", "HEAD~1"]) == 1
    assert "--rev: a saved plan fixes its commit" in capsys.readouterr().err
    (tmp_path / "junk.json").write_text('{"format": "something else"}')
    assert main(["apply", str(tmp_path / "junk.json"), "--repo", str(root)]) == 1
    assert "not a saved plan of this ticketops" in capsys.readouterr().err
    assert main(["apply", str(tmp_path / "missing.tfplan"), "--repo", str(root)]) == 1
    assert "no such file; `ticketops plan -out" in capsys.readouterr().err


def test_a_working_tree_plan_cannot_be_saved(board, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root, _repo = board
    assert main(["plan", "--repo", str(root), "--worktree", "-out", str(tmp_path / "x")]) == 1
    assert "saves a plan of a commit, not of the working tree" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
