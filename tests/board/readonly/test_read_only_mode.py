"""Read-only mode: plan, status and import work and not one write reaches ADO; apply and
reconcile refuse with a clear message; tickets imported read-only are adopted by the next
writable run, never created a second time."""

from __future__ import annotations

import pytest
from importkit import CONFIG, ImportBoard, seed_every_type

from ticketops.emulator import Emulator

NEW_TICKET = "---\ntitle: Brand new\nstatus: backlog\n---\nNot in ADO yet.\n"


def test_plan_status_import_in_read_only_mode_send_no_write(board: ImportBoard, emu: Emulator) -> None:
    ids = seed_every_type(emu)
    emu.log.reset()
    r = board.run("import", "--project", "Payments", "--read-only", "--with-comments", "--with-links")
    assert r.code == 0, r.err
    assert "Read-only: 5 item(s) were not adopted (no marker tags written)" in r.out
    assert all((board.root / f".tickets/ADO-{i}.md").exists() for i in ids.values())
    (board.root / ".tickets/NEW-1.md").write_text(NEW_TICKET)
    board.commit_all()
    plan = board.run("plan", "--read-only")
    assert plan.code == 2 and "+ NEW-1" in plan.out
    assert "to create" in plan.out and "1 to create" in plan.out  # only the new ticket: no duplicates
    status = board.run("status", "--read-only")
    assert status.code == 2 and "Missing" in status.out
    assert emu.log.writes() == []
    assert emu.log.count() > 0  # it did talk to ADO: reads only


@pytest.mark.parametrize("command", ["apply", "reconcile"])
def test_apply_and_reconcile_refuse_in_read_only_mode(board: ImportBoard, emu: Emulator, command: str) -> None:
    board.commit_all()
    emu.log.reset()
    r = board.run(command, "--read-only")
    assert r.code == 1
    assert "read-only mode (--read-only was given)" in r.err and "does not run" in r.err
    assert emu.log.count() == 0


@pytest.mark.parametrize("command", ["apply", "reconcile"])
def test_read_only_in_config_refuses_apply_too(tmp_path, server, emu: Emulator, capsys, command: str) -> None:
    b = ImportBoard(tmp_path / "ro", server.url, capsys, config=CONFIG + "read_only: true\n")
    b.commit_all()
    r = b.run(command)
    assert r.code == 1 and "`read_only: true` in .tickets/config.yaml" in r.err
    assert emu.log.writes() == []


def test_read_only_in_config_makes_import_read_only(tmp_path, server, emu: Emulator, capsys) -> None:
    i = emu.db.create_work_item("Payments", "User Story", {"System.Title": "Existing"})
    b = ImportBoard(tmp_path / "ro", server.url, capsys, config=CONFIG + "read_only: true\n")
    emu.log.reset()
    r = b.run("import", "--project", "Payments")
    assert r.code == 0 and (b.root / f".tickets/ADO-{i}.md").exists()
    assert "Read-only: 1 item(s) were not adopted" in r.out
    assert emu.log.writes() == []


def test_the_next_apply_adopts_read_only_imports_without_duplicates(board: ImportBoard, emu: Emulator) -> None:
    ids = seed_every_type(emu)
    assert board.run("import", "--project", "Payments", "--read-only").code == 0
    board.commit_all()
    plan = board.run("plan")
    assert plan.code == 2
    assert "+ " not in plan.out and "0 to create" in plan.out and "5 to update" in plan.out

    def tickets_items() -> list[int]:  # the board's items; the lease item apply takes is not one
        return sorted(wi.id for wi in emu.db.work_items("Payments") if "ticketops-lease" not in wi.tags)

    before = tickets_items()
    applied = board.run("apply")
    assert applied.code == 0, applied.out + applied.err
    assert tickets_items() == before
    for i in ids.values():
        assert f"ticketops:ADO-{i}" in emu.db.get_work_item(i).tags
    again = board.run("plan")
    assert again.code == 0 and "No changes" in again.out


def test_a_writable_import_after_a_read_only_one_adopts(board: ImportBoard, emu: Emulator) -> None:
    i = emu.db.create_work_item("Payments", "Bug", {"System.Title": "Adopt me", "System.Description": "<p>Hi</p>"})
    assert board.run("import", "--project", "Payments", "--read-only").code == 0
    r = board.run("import", "--project", "Payments")
    assert r.code == 0 and f"#{i} Bug: unchanged" in r.out and "adopted: " in r.out
    assert f"ticketops:ADO-{i}" in emu.db.get_work_item(i).tags
    board.commit_all()
    assert board.run("plan").code == 0


def test_plan_after_a_read_only_import_shows_adoption_not_drift(board: ImportBoard, emu: Emulator) -> None:
    """The items were written by people, never by ticketops: the plan adopts them (marker tags,
    values from the ticket); nothing is 'changed in ADO, put back'. Real drift still shows later."""
    i = emu.db.create_work_item(
        "Payments",
        "Bug",
        {"System.Title": "Adopt me", "System.Description": "<p>Hi</p>"},
        tags=["triage"],
        by="carol@contoso.com",
    )
    assert board.run("import", "--project", "Payments", "--read-only").code == 0
    board.commit_all()

    plan = board.run("plan")
    assert plan.code == 2
    assert f"~ ADO-{i}      adopt #{i} (rev 1): not marked by ticketops yet" in plan.out
    assert "drift" not in plan.out and "update #" not in plan.out
    assert "1 to update (1 to adopt)" in plan.out
    status = board.run("status")
    assert "(drift)" not in status.out

    assert board.run("apply").code == 0
    emu.db.update_work_item("Payments", i, {"System.Title": "Renamed in ADO"}, by="carol@contoso.com")
    again = board.run("plan")
    assert f"~ ADO-{i}      update #{i}" in again.out and "1 drifted in ADO" in again.out
    assert "adopt" not in again.out
