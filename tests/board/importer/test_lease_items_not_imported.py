"""``import`` never turns ticketops' own lease work items (boards without linked repositories keep
their lease in one; see lease/item.py) into tickets, even when a status maps their state."""

from __future__ import annotations

from importkit import ImportBoard

from ticketops.emulator import Emulator


def test_lease_items_current_and_retired_are_not_imported(board: ImportBoard, emu: Emulator) -> None:
    db = emu.db
    story = db.create_work_item("Payments", "User Story", {"System.Title": "A real story"}, by="alice@contoso.com")
    lease = db.create_work_item(
        "Payments", "User Story", {"System.Title": "ticketops lease — do not edit"}, tags=["ticketops-lease"]
    )
    retired = db.create_work_item(
        "Payments", "User Story", {"System.Title": "ticketops lease — do not edit"}, tags=["ticketops-lease-retired"]
    )

    r = board.run("import", "--project", "Payments")

    assert r.code == 0, r.out + r.err
    assert (board.root / f".tickets/ADO-{story}.md").exists()
    for i in (lease, retired):
        assert not (board.root / f".tickets/ADO-{i}.md").exists() and f"#{i}" not in r.out
