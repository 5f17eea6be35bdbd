"""``ticketops status`` as a user reads it: columns line up under their headers whatever the key
lengths, and an item tagged ``ticketops`` that ticketops never wrote has its own row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import make_repo
from ticketops.cli.main import main
from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"
CONFIG = "organization_url: https://dev.azure.com/contoso\nproject: Helpdesk\nprocess: basic\n"


@pytest.fixture
def server(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    monkeypatch.setenv(TOKEN_ENV, "status-dummy-pat-0123456789")
    with EmulatorServer(emu) as srv:
        yield srv


def status(capsys: pytest.CaptureFixture[str], repo: Path, url: str) -> tuple[int, list[str]]:
    code = main(["status", "--repo", str(repo), "--org-url", url])
    return code, capsys.readouterr().out.splitlines()


def columns(header: str, row: str) -> list[tuple[str, str]]:
    """Each header word paired with the text of ``row`` that starts at the same column."""
    out = []
    for word in header.split():
        start = header.index(word)
        out.append((word, row[start:].split(" ", 1)[0] if len(row) > start else ""))
    return out


def test_short_keys_line_up_under_the_headers(
    tmp_path: Path, emu: Emulator, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "b"
    make_repo(repo, {".tickets/config.yaml": CONFIG, ".tickets/HD-3.md": "---\ntitle: x\nstatus: todo\n---\n"})
    assert main(["apply", "--repo", str(repo), "--org-url", server.url]) == 0
    capsys.readouterr()

    code, lines = status(capsys, repo, server.url)

    assert code == 0
    header, row = lines[0], lines[1]
    assert header.startswith("ticket  status")
    (item,) = [w.id for w in emu.db.work_items("Helpdesk") if w.fields["System.Title"] == "x"]
    assert columns(header, row)[:3] == [("ticket", "HD-3"), ("status", "Synced"), ("item", f"#{item}")]


def test_an_item_tagged_ticketops_by_a_person_is_an_unpaired_row(
    tmp_path: Path, emu: Emulator, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    stray = emu.db.create_work_item("Helpdesk", "Issue", {"System.Title": "About the rollout"}, tags=["ticketops"])
    repo = tmp_path / "b"
    make_repo(repo, {".tickets/config.yaml": CONFIG, ".tickets/HD-1.md": "---\ntitle: x\nstatus: todo\n---\n"})

    code, lines = status(capsys, repo, server.url)

    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert f"#{stray}" in rows, lines  # keyed by its id: it names no ticket
    cells = dict(columns(lines[0], rows[f"#{stray}"]))
    assert cells["status"] == "Unpaired" and cells["item"] == f"#{stray}"
    assert "history shows no ticketops write" in rows[f"#{stray}"]
    assert "Missing" in rows["HD-1"]  # the stray blocks nothing
    assert lines[-1] == "1 Missing, 1 Unpaired"
    assert code == 2  # HD-1 still to create; the unpaired item is no error
