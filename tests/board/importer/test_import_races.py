"""Import against a changing or older ADO: an item edited between the read and the adoption
(412 on ``test /rev``), and a server that keeps descriptions as HTML only."""

from __future__ import annotations

from pathlib import Path

import pytest
from importkit import ImportBoard

from ticketops.emulator import Emulator
from ticketops.emulator.log import RequestRecord
from ticketops.emulator.server import EmulatorServer


def test_an_item_edited_during_the_import_is_read_again_and_imported_as_it_is_now(
    board: ImportBoard, emu: Emulator
) -> None:
    i = emu.db.create_work_item("Payments", "User Story", {"System.Title": "Before"})
    edited: list[int] = []

    def edit_after_first_read(record: RequestRecord) -> None:
        if record.operation_id == "Work Items_Get Work Items Batch" and not edited:
            edited.append(1)
            emu.db.update_work_item("Payments", i, {"System.Title": "After"}, by="bob@contoso.com")

    emu.observers.append(edit_after_first_read)
    r = board.run("import", "--project", "Payments")
    assert r.code == 0, r.out + r.err
    assert 412 in [rec.status for rec in emu.log.records if rec.operation_id == "Work Items_Update"]
    assert "title: After" in board.text(f".tickets/ADO-{i}.md")
    assert f"ticketops:ADO-{i}" in emu.db.get_work_item(i).tags
    board.commit_all()
    assert board.run("plan").code == 0


@pytest.fixture
def html_only() -> Emulator:
    return Emulator(markdown_supported=False)


def test_a_server_without_markdown_gets_html_and_the_plan_is_still_empty(
    tmp_path: Path, html_only: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    i = html_only.db.create_work_item(
        "Payments",
        "User Story",
        {"System.Title": "Legacy", "System.Description": "<div>Old <b>style</b><br>two lines</div>"},
    )
    with EmulatorServer(html_only) as srv:
        b = ImportBoard(tmp_path / "b", srv.url, capsys)
        r = b.run("import", "--project", "Payments")
        assert r.code == 0, r.out + r.err
        assert "Old **style**" in b.text(f".tickets/ADO-{i}.md")
        stored = html_only.db.get_work_item(i)
        assert not stored.formats and "<strong>style</strong>" in str(stored.fields["System.Description"])
        b.commit_all()
        plan = b.run("plan")
        assert plan.code == 0, plan.out
