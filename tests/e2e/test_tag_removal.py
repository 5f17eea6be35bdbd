"""`tags: [-name]` really takes the tag off, on ADO's semantics: `add` on System.Tags merges
(spec example PATCH__wit_workitems__taskId_9.json), so the client writes tags with `replace`.
Before the emulator modelled the merge, removal only ever worked on the emulator."""

from __future__ import annotations

from pathlib import Path

from board import Board, ticket_md
from ticketops.plan import UpdateWorkItem


def test_a_removed_tag_is_gone_and_the_board_converges(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit({"PAY-1.md": ticket_md("Refunds", "backlog", tags=["legacy", "payments"])})
    assert board.reconcile().converged
    item_id = board.items()["PAY-1"].id
    assert {"legacy", "payments"} <= set(emu.db.get_work_item(item_id).tags)

    board.commit({"PAY-1.md": ticket_md("Refunds", "backlog", tags=["-legacy", "payments"])})
    result = board.reconcile()

    assert result.converged
    tags = set(emu.db.get_work_item(item_id).tags)
    assert "legacy" not in tags and "payments" in tags
    updates = [r for r in emu.log.writes() if r.operation_id == "Work Items_Update"]
    assert any(
        op.get("op") == "replace" and op.get("path") == "/fields/System.Tags"
        for r in updates
        for op in (r.json() or [])
        if isinstance(op, dict)
    )
    again = board.engine().plan()  # converged for real: nothing left to put back
    assert not [a for a in again.actions if isinstance(a, UpdateWorkItem)]


def test_a_tag_a_person_added_in_ado_stays(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit({"PAY-1.md": ticket_md("Refunds", "backlog", tags=["payments"])})
    assert board.reconcile().converged
    item_id = board.items()["PAY-1"].id
    item = emu.db.get_work_item(item_id)
    emu.db.update_work_item("Payments", item_id, {"System.Tags": "; ".join([*item.tags, "urgent"])})

    board.commit({"PAY-1.md": ticket_md("Refunds v2", "backlog", tags=["payments"])})
    assert board.reconcile().converged

    assert "urgent" in emu.db.get_work_item(item_id).tags
