"""A person removes an item's ``ticketops:KEY`` tag but leaves ``ticketops``: the item is still
found, its history says which ticket it was, and that ticket is held back (never created a
second time) until the tag is back. A ``ticketops``-tagged item ticketops never wrote is
reported and blocks nothing."""

from __future__ import annotations

from pathlib import Path

from board import Board, ticket_md
from ticketops.plan import Blocked, Conflict, CreateWorkItem, Unpaired, render_text

UPDATES = "Updates_List"


def _converged_board(tmp_path: Path, emu) -> tuple[Board, dict[str, int]]:
    board = Board(tmp_path, emu)
    board.commit(
        {
            "PAY-1.md": ticket_md("Checkout", "in-progress", "Body\n"),
            "PAY-2.md": ticket_md("Refunds", "backlog", "Body\n"),
        }
    )
    assert board.reconcile().converged
    return board, {k: i.id for k, i in board.items().items()}


def _titles(emu) -> list[str]:
    return sorted(str(w.fields["System.Title"]) for w in emu.db.work_items("Payments"))


def test_a_removed_key_tag_blocks_the_ticket_instead_of_creating_a_duplicate(tmp_path: Path, emu) -> None:
    board, ids = _converged_board(tmp_path, emu)
    emu.db.update_work_item("Payments", ids["PAY-1"], {"System.Tags": "ticketops"})
    board.commit({"PAY-2.md": ticket_md("Refunds v2", "backlog", "Body\n")})

    emu.log.reset()
    result = board.reconcile()

    assert not result.converged
    (blocked,) = [a for a in result.final_plan.actions if isinstance(a, Blocked)]
    assert (blocked.key, blocked.id) == ("PAY-1", ids["PAY-1"])
    assert f"work item #{ids['PAY-1']} lost its tag ticketops:PAY-1; re-add it" in render_text(result.final_plan)
    assert not any(isinstance(a, CreateWorkItem) for p in result.passes for a in p.plan.actions)
    assert _titles(emu) == ["Checkout", "Refunds v2"]  # no second Checkout; the other ticket was applied
    history_reads = [r for r in emu.log.records if r.operation_id == UPDATES and f"/{ids['PAY-1']}/" in r.path]
    assert len(history_reads) == 1  # one history read for that item, kept for the whole run

    emu.db.update_work_item("Payments", ids["PAY-1"], {"System.Tags": "ticketops; ticketops:PAY-1"})
    again = board.reconcile()
    assert again.converged and again.passes == ()
    assert _titles(emu) == ["Checkout", "Refunds v2"]


def test_a_removed_key_tag_after_a_duplicate_was_made_is_a_conflict_naming_both(tmp_path: Path, emu) -> None:
    board, ids = _converged_board(tmp_path, emu)
    emu.db.update_work_item("Payments", ids["PAY-1"], {"System.Tags": "ticketops"})
    twin = emu.db.create_work_item(
        "Payments", "User Story", {"System.Title": "Checkout"}, tags=["ticketops", "ticketops:PAY-1"]
    )
    board.commit({"PAY-1.md": ticket_md("Checkout v2", "in-progress", "Body\n")})

    emu.log.reset()
    result = board.reconcile()

    (conflict,) = [a for a in result.final_plan.actions if isinstance(a, Conflict)]
    assert conflict.key == "PAY-1" and conflict.ids == tuple(sorted((ids["PAY-1"], twin)))
    assert emu.log.writes() == []  # neither item is touched until a person decides


def test_an_item_tagged_ticketops_by_a_person_is_reported_and_blocks_nothing(tmp_path: Path, emu) -> None:
    stray = emu.db.create_work_item(
        "Payments", "User Story", {"System.Title": "About the ticketops rollout"}, tags=["ticketops"]
    )
    board = Board(tmp_path, emu)
    board.commit({"PAY-1.md": ticket_md("Checkout", "backlog", "Body\n")})

    plan = board.plan()
    (unpaired,) = [a for a in plan.actions if isinstance(a, Unpaired)]
    assert unpaired.id == stray and "history shows no ticketops write" in unpaired.reason
    assert f'unpaired #{stray} "About the ticketops rollout"' in render_text(plan)

    result = board.reconcile()
    assert result.converged  # reported, not an error: ticketops never wrote that item
    assert _titles(emu) == ["About the ticketops rollout", "Checkout"]
    assert emu.db.get_work_item(stray).rev == 1  # left alone


def test_a_noop_reconcile_reads_no_history_when_every_marked_item_has_its_key(tmp_path: Path, emu) -> None:
    board, _ids = _converged_board(tmp_path, emu)
    emu.log.reset()
    assert board.reconcile().passes == ()
    assert emu.log.count(UPDATES) == 0 and emu.log.writes() == []
