"""``area_path`` in a ticket: ``/`` and ``\\`` both separate nodes in the file, but ADO accepts
only ``\\`` (TF401347 otherwise), so the path is planned, shown and written in that form; a
malformed path is refused at its line and blocks only its ticket."""

from __future__ import annotations

from pathlib import Path

from board import Board, ticket_md
from ticketops.desired import load
from ticketops.plan import Blocked, CreateWorkItem, UpdateWorkItem, render_text
from ticketops.plan import fields as f


def _area_writes(emu) -> list[object]:
    return [
        op.get("value")
        for r in emu.log.writes()
        for op in (r.json() or [])
        if isinstance(op, dict) and op.get("path") == f"/fields/{f.AREA_PATH}"
    ]


def test_a_slash_area_path_is_created_and_updated_with_backslashes(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit(
        {
            "PAY-1.md": ticket_md("Slash area", "backlog", "Body\n", area_path="Payments/Web"),
            "PAY-2.md": ticket_md("Backslash area", "backlog", "Body\n", area_path="'Payments\\Web'"),
        }
    )
    plan = board.plan()
    creates = {a.key: a for a in plan.actions if isinstance(a, CreateWorkItem)}
    assert creates["PAY-1"].field(f.AREA_PATH).new == "Payments\\Web" == creates["PAY-2"].field(f.AREA_PATH).new
    assert 'area path              "Payments\\Web"\n' in render_text(plan)  # shown as ADO spells it

    result = board.reconcile()
    assert result.converged, [str(o) for o in result.outcomes()]
    assert {i.area_path for i in board.items().values()} == {"Payments\\Web"}
    assert _area_writes(emu) == ["Payments\\Web", "Payments\\Web"]

    emu.log.reset()
    board.commit({"PAY-1.md": ticket_md("Slash area", "backlog", "Body\n", area_path="/Payments/API/")})
    (update,) = [a for a in board.plan().actions if isinstance(a, UpdateWorkItem)]
    assert [(c.old, c.new) for c in update.changes] == [("Payments\\Web", "Payments\\API")]
    assert board.reconcile().converged
    assert board.items()["PAY-1"].area_path == "Payments\\API"
    assert _area_writes(emu) == ["Payments\\API"]
    assert board.engine().plan().changes == ()  # compare and write agree: nothing left to do


def test_a_malformed_area_path_names_the_file_and_line_and_blocks_only_its_ticket(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit(
        {
            "PAY-1.md": ticket_md("Typo", "backlog", area_path="Payments//Web"),
            "PAY-2.md": ticket_md("Fine", "backlog", area_path="Payments/Web"),
        }
    )
    (problem,) = load(tmp_path).problems
    assert problem.path == ".tickets/PAY-1.md" and problem.line == 4
    assert "empty node" in problem.message and "Payments\\Web" in problem.message

    result = board.reconcile()
    (blocked,) = [a for a in result.final_plan.actions if isinstance(a, Blocked)]
    assert blocked.key == "PAY-1"
    assert board.items()["PAY-2"].area_path == "Payments\\Web"
