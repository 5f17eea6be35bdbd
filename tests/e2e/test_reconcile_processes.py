"""Create, update and state changes for every process template, then convergence: the next plan
is empty and a second reconcile writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from board import Board, ticket_md
from ticketops.model.config import DEFAULT_STATUSES, Process

CASES = {
    # process: (a status that needs a walk from the initial state, its ADO state)
    "agile": ("done", "Closed"),
    "scrum": ("done", "Done"),
    "basic": ("done", "Done"),
    "cmmi": ("done", "Closed"),
}


@pytest.mark.parametrize("process", sorted(CASES))
def test_create_update_and_state_changes_converge(tmp_path: Path, emu, process: str) -> None:
    statuses = DEFAULT_STATUSES[Process(process)]
    first, last = statuses[0], statuses[-1]
    board = Board(tmp_path, emu, process)
    board.commit(
        {
            "T-1.md": ticket_md(
                "Write the spec",
                first.name,
                "The *spec* body.\n",
                assignee="alice@contoso.com",
                priority=1,
                tags=["docs"],
                acceptance_criteria=["reviewed", "merged"],
            ),
            "T-2.md": ticket_md("Ship it", last.name, "Ship body\n"),
        }
    )

    result = board.reconcile()
    assert result.converged, result.final_plan
    items = board.items()
    t1, t2 = items["T-1"], items["T-2"]
    assert (t1.title, t1.state, t1.assignee, t1.priority) == ("Write the spec", first.state, "alice@contoso.com", 1)
    assert {t.lower() for t in t1.tags} == {"docs", "ticketops", "ticketops:t-1"}
    assert t1.description_format == "markdown" and t1.description.strip() == "The *spec* body."
    assert "reviewed" in t1.acceptance_criteria
    assert t2.state == CASES[process][1]  # walked from the initial state

    # Change the ticket in git: title, state (backwards and forwards), assignee.
    board.commit(
        {
            "T-1.md": ticket_md(
                "Write the spec v2",
                statuses[1].name,
                "The *spec* body.\n",
                assignee="bob@contoso.com",
                priority=1,
                tags=["docs"],
                acceptance_criteria=["reviewed", "merged"],
            ),
            "T-2.md": ticket_md("Ship it", first.name, "Ship body\n"),
        }
    )
    assert board.plan().has_changes
    assert board.reconcile().converged
    items = board.items()
    assert (items["T-1"].title, items["T-1"].state, items["T-1"].assignee) == (
        "Write the spec v2",
        statuses[1].state,
        "bob@contoso.com",
    )
    assert items["T-2"].state == first.state

    # Converged: the plan is empty and a further reconcile writes nothing at all.
    assert not board.plan().actions
    emu.log.reset()
    again = board.reconcile()
    assert again.converged and again.passes == ()
    assert emu.log.writes() == []


def test_every_write_records_its_source_commit(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    sha = board.commit({"PAY-1.md": ticket_md("Audit me", "in-progress")})
    board.reconcile()
    item = board.items()["PAY-1"]
    client = board.client()
    updates = client.get_updates("Payments", item.id)
    histories = [u.fields["System.History"].new_value for u in updates if "System.History" in u.fields]
    assert len(histories) == len(updates) == 2  # create, then the walk New -> Active
    assert all(h == f"ticketops: synced from commit {sha[:12]} (.tickets/PAY-1.md)" for h in histories)
