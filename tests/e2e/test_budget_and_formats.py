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
    board.commit({f"PAY-{i}.md": ticket_md(f"Ticket {i}", "backlog", f"Body {i}\n", assignee="bob@contoso.com")
                  for i in range(1, n + 1)})
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
    board.commit({
        "PAY-1.md": ticket_md("Markdown body", "backlog", "Some *emphasis*\n\n- one\n- two\n"),
        "PAY-2.md": ticket_md("Second", "backlog", "Plain\n"),
    })
    result = board.reconcile()
    assert result.converged
    item = board.items()["PAY-1"]
    assert item.description_format == "html"
    assert "<em>emphasis</em>" in item.description and "<li>one</li>" in item.description

    emu.log.reset()
    again = board.reconcile()
    assert again.converged and again.passes == () and emu.log.writes() == []
    assert emu.log.unknown_routes == []
