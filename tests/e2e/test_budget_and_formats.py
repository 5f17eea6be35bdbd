"""Bulk reads (the request budget of a no-op run) and the HTML fallback for servers that do not
store Markdown."""

from __future__ import annotations

import math
from pathlib import Path

from board import Board, ticket_md
from ticketops.emulator import Emulator

METADATA = 2  # work item type (+ states when the type lacks categories); identities only on change


def test_noop_reconcile_reads_in_bulk_within_the_request_budget(tmp_path: Path, emu) -> None:
    n = 450
    board = Board(tmp_path, emu)
    board.commit(
        {
            f"PAY-{i}.md": ticket_md(f"Ticket {i}", "backlog", f"Body {i}\n", assignee="bob@contoso.com")
            for i in range(1, n + 1)
        }
    )
    assert board.reconcile().converged

    emu.log.reset()
    client = board.client()
    result = board.engine(client=client).reconcile()
    assert result.converged and result.passes == ()
    assert emu.log.writes() == []
    total = client.stats.snapshot().total
    assert total <= 2 + math.ceil(n / 200) + METADATA, client.stats.render()
    assert emu.log.count("Work Items_Get Work Items Batch") == math.ceil(n / 200)
    assert emu.log.count("Work Items_Get Work Item") == 0  # never one GET per ticket


def test_server_without_markdown_gets_html_and_converges(tmp_path: Path) -> None:
    emu = Emulator(markdown_supported=False)
    board = Board(tmp_path, emu)
    board.commit(
        {
            "PAY-1.md": ticket_md("Markdown body", "backlog", "Some *emphasis*\n\n- one\n- two\n"),
            "PAY-2.md": ticket_md("Second", "backlog", "Plain\n"),
        }
    )
    result = board.reconcile()
    assert result.converged
    item = board.items()["PAY-1"]
    assert item.description_format == "html"
    assert "<em>emphasis</em>" in item.description and "<li>one</li>" in item.description

    emu.log.reset()
    again = board.reconcile()
    assert again.converged and again.passes == () and emu.log.writes() == []
    assert emu.log.unknown_routes == []


def test_an_adopted_html_item_stays_html_and_new_descriptions_are_still_markdown(tmp_path: Path, emu) -> None:
    legacy = emu.db.create_work_item(
        "Payments",
        "User Story",
        {"System.Title": "Legacy", "System.Description": "<p>Old <strong>text</strong></p>"},
        tags=["ticketops", "ticketops:PAY-1"],
    )
    board = Board(tmp_path, emu)
    board.commit(
        {
            "PAY-1.md": ticket_md("Legacy", "backlog", "Old **text**\n"),
            "PAY-2.md": ticket_md("Brand new", "backlog", "New **markdown** spec\n"),
        }
    )

    plan = board.plan()
    (create,) = plan.changes
    assert create.key == "PAY-2" and create.field("System.Description").format == "markdown"
    assert [s.key for s in plan.synced] == ["PAY-1"]  # same text in HTML: nothing to rewrite

    assert board.reconcile().converged
    items = board.items()
    assert items["PAY-2"].description_format == "markdown" and items["PAY-2"].description == "New **markdown** spec"
    assert items["PAY-1"].rev == 1 and items["PAY-1"].description_format == "html"  # never written

    board.commit({"PAY-1.md": ticket_md("Legacy", "backlog", "Rewritten *spec*\n")})
    (update,) = board.plan().changes
    assert [(c.field, c.old, c.new, c.format) for c in update.changes] == [
        ("System.Description", "<p>Old <strong>text</strong></p>", "Rewritten *spec*", "markdown")
    ]
    assert board.reconcile().converged
    assert board.items()["PAY-1"].description_format == "markdown" and legacy == board.items()["PAY-1"].id
    emu.log.reset()
    again = board.reconcile()
    assert again.converged and again.passes == () and emu.log.writes() == []
