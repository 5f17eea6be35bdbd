"""Two boards on one ADO project (issue 16.9): with `board:` set, each board's items carry its
tag, `--prune` on one never touches the other's items, and the plan names them as another
board's. Before, prune on one board moved the other's items to Removed and the other moved them
back, pass after pass."""

from __future__ import annotations

from pathlib import Path

from board import Board, config_yaml, ticket_md
from ticketops.plan import Orphan, Prune, render_text


def states(emu, keys: list[str]) -> dict[str, str]:
    items = emu.db.wit.in_project(emu.db.project("Payments"))
    return {k: it.state for it in items for k in keys if f"ticketops:{k}" in it.tags}


def test_prune_on_one_board_leaves_the_other_boards_items_alone(tmp_path: Path, emu) -> None:
    web = Board(tmp_path / "web", emu, config=config_yaml(board="web"))
    api = Board(tmp_path / "api", emu, config=config_yaml(board="api"))
    web.commit({"WEB-1.md": ticket_md("Checkout page", "backlog"), "WEB-2.md": ticket_md("Cart", "backlog")})
    api.commit({"API-1.md": ticket_md("Refund endpoint", "backlog")})
    assert web.reconcile(prune=True).converged
    assert api.reconcile(prune=True).converged
    assert any(t == "ticketops-board:web" for t in emu.db.get_work_item(web.items()["WEB-1"].id).tags)

    web.commit({"WEB-2.md": None})  # gone from the web board: pruned there, and only there
    plan = api.plan(prune=True)
    assert not [a for a in plan.actions if isinstance(a, Prune | Orphan)]
    assert "2 item(s) of other boards left alone (2 of board 'web')" in render_text(plan)
    assert api.reconcile(prune=True).converged
    assert web.reconcile(prune=True).converged

    assert states(emu, ["WEB-1", "WEB-2", "API-1"]) == {"WEB-1": "New", "WEB-2": "Removed", "API-1": "New"}
    again = api.plan(prune=True)  # settled: nothing flips back
    assert not again.has_changes and again.other_boards == {"web": 2}


def test_items_made_before_board_was_set_stay_this_boards_and_get_its_tag(tmp_path: Path, emu) -> None:
    web = Board(tmp_path / "web", emu)
    web.commit({"WEB-1.md": ticket_md("Checkout page", "backlog")})
    assert web.reconcile().converged
    web.commit({"config.yaml": config_yaml(board="web"), "WEB-1.md": ticket_md("Checkout page", "backlog")})

    assert web.reconcile().converged

    assert "ticketops-board:web" in emu.db.get_work_item(web.items()["WEB-1"].id).tags
