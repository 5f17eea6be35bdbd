"""One bad ticket never blocks the others: conflicts, unknown people, rule errors, invalid
files, orphans; and a config that does not fit the project stops before any write."""

from __future__ import annotations

from pathlib import Path

import pytest

from board import Board, config_yaml, ticket_md
from ticketops.model.errors import ConfigError
from ticketops.plan import Blocked, Conflict, Orphan, Prune


def _writes_for(emu, item_id: int) -> list:
    return [r for r in emu.log.writes() if r.path.rstrip("/").endswith(f"/workitems/{item_id}")]


@pytest.mark.broken_board("a person copies PAY-1's item, marker tag included")
def test_two_items_with_one_marker_are_a_conflict_and_that_key_gets_no_writes(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit({"PAY-1.md": ticket_md("Original", "backlog"), "PAY-2.md": ticket_md("Other", "backlog")})
    assert board.reconcile().converged
    original = board.items()["PAY-1"]
    copy_id = emu.db.create_work_item(
        "Payments", "User Story", {"System.Title": "Copy of Original", "System.Tags": "ticketops; ticketops:PAY-1"}
    )

    board.commit({"PAY-1.md": ticket_md("Original v2", "backlog"), "PAY-2.md": ticket_md("Other v2", "backlog")})
    emu.log.reset()
    result = board.reconcile()
    assert not result.converged
    (conflict,) = [a for a in result.final_plan.actions if isinstance(a, Conflict)]
    assert conflict.ids == tuple(sorted((original.id, copy_id)))
    assert f"#{original.id}" in conflict.reason and f"#{copy_id}" in conflict.reason
    assert _writes_for(emu, original.id) == [] and _writes_for(emu, copy_id) == []
    assert board.items()["PAY-2"].title == "Other v2"  # the other ticket was still applied


def test_unknown_assignee_is_blocked_with_no_write_and_others_apply(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit(
        {
            "PAY-1.md": ticket_md("Needs a stranger", "backlog", assignee="zed@contoso.com"),
            "PAY-2.md": ticket_md("Fine", "backlog", assignee="erin@contoso.com"),
        }
    )
    result = board.reconcile()
    assert not result.converged
    (blocked,) = [a for a in result.final_plan.actions if isinstance(a, Blocked)]
    assert blocked.key == "PAY-1" and "zed@contoso.com" in blocked.reason
    assert emu.log.count("Work Items_Create") == 1
    items = board.items()
    assert set(items) == {"PAY-2"} and items["PAY-2"].assignee == "erin@contoso.com"


def test_config_for_another_process_stops_before_any_write_listing_real_states(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu, "agile", config=config_yaml("agile", project="Ledger"))
    board.commit({"LED-1.md": ticket_md("Wrong process", "backlog")})
    with pytest.raises(ConfigError) as e:
        board.reconcile()
    msg = str(e.value)
    assert "'User Story' does not exist in project 'Ledger'" in msg
    assert "New, Approved, Committed, Done, Removed" in msg and "Nothing was written" in msg
    assert emu.log.writes() == []


def test_config_states_missing_from_the_type_stop_before_any_write(tmp_path: Path, emu) -> None:
    statuses = "\n".join(
        [
            "statuses:",
            "  - {name: backlog, state: New}",
            "  - {name: doing, state: Doing, start: true, review: true}",
            "  - {name: done, state: Closed, done: true}",
        ]
    )
    board = Board(tmp_path, emu, config=config_yaml("agile") + statuses + "\n")
    board.commit({"PAY-1.md": ticket_md("Fine", "backlog")})
    with pytest.raises(ConfigError) as e:
        board.reconcile()
    assert "New, Active, Resolved, Closed, Removed" in str(e.value)
    assert emu.log.writes() == []


def test_a_ticket_rejected_by_a_rule_error_is_reported_and_the_others_apply(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit(
        {
            "PAY-1.md": ticket_md("Bad area", "backlog", "Body *one*\n", area_path="Payments\\Nowhere"),
            "PAY-2.md": ticket_md("Good", "in-progress", "Has a *body*\n"),
        }
    )
    result = board.engine().apply()
    by_key = {o.key: o for o in result.report.outcomes}
    assert by_key["PAY-1"].status == "failed" and "System.AreaPath" in by_key["PAY-1"].message
    assert by_key["PAY-2"].status == "applied"
    good = board.items()["PAY-2"]
    assert good.state == "Active"
    assert good.description_format == "markdown"  # a rule error is not mistaken for "no Markdown here"


def test_orphans_are_reported_and_only_pruned_on_request(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit({"PAY-1.md": ticket_md("Keep", "backlog"), "PAY-2.md": ticket_md("Drop", "in-progress")})
    assert board.reconcile().converged
    dropped = board.items()["PAY-2"]
    board.commit({"PAY-2.md": None}, "remove PAY-2")

    emu.log.reset()
    result = board.reconcile()
    assert result.converged and emu.log.writes() == []
    (orphan,) = result.final_plan.actions
    assert isinstance(orphan, Orphan) and orphan.id == dropped.id

    plan = board.plan(prune=True)
    assert [type(a) for a in plan.actions] == [Prune]
    assert board.reconcile(prune=True).converged
    assert board.items()["PAY-2"].state == "Removed"  # moved, never deleted
    assert board.plan(prune=True).actions == ()


def test_invalid_ticket_file_leaves_its_item_alone_and_others_apply(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit({"PAY-1.md": ticket_md("One", "backlog"), "PAY-2.md": ticket_md("Two", "backlog")})
    assert board.reconcile().converged
    before = board.items()["PAY-2"]
    board.commit({"PAY-1.md": ticket_md("One v2", "backlog"), "PAY-2.md": ticket_md("Two v2", "no-such-status")})

    emu.log.reset()
    result = board.reconcile(prune=True)
    (blocked,) = [a for a in result.final_plan.actions if isinstance(a, Blocked)]
    assert blocked.key == "PAY-2" and ".tickets/PAY-2.md" in blocked.reason
    assert _writes_for(emu, before.id) == []
    after = board.items()
    assert after["PAY-2"].rev == before.rev and after["PAY-1"].title == "One v2"


def test_reconcile_stops_when_a_pass_makes_no_progress(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit({"PAY-1.md": ticket_md("Bad area", "backlog", area_path="Payments\\Nowhere")})
    result = board.reconcile()
    assert not result.converged and len(result.passes) == 1
    assert emu.log.count("Work Items_Create") == 1  # the refused create was not sent five times
