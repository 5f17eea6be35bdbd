"""Who owns a field: config.yaml `fields:` (revert, report, ignore) and a ticket's own `policy:`,
in plan, apply and --json."""

from __future__ import annotations

import json
from pathlib import Path

from gitkit import CONFIG, PROJECT, GitBoard, run, ticket

from ticketops.emulator import Emulator
from ticketops.plan import Held, UpdateWorkItem

OWNED_IN_ADO = (
    CONFIG + "\n# Product owners own priority in ADO; the team owns the rest in git.\nfields:\n  priority: report\n"
)


def person_edits(emu: Emulator, item_id: int, fields: dict[str, object]) -> None:
    emu.db.update_work_item(PROJECT, item_id, fields, by="dave@contoso.com")


def fields_of(emu: Emulator, item_id: int) -> dict[str, object]:
    return dict(emu.db.get_work_item(item_id).fields)


def test_report_shows_a_persons_edit_and_never_puts_it_back(tmp_path: Path, emu: Emulator) -> None:
    board = GitBoard(tmp_path / "b", emu, OWNED_IN_ADO)
    board.commit({"PAY-1.md": ticket("Card vault", "backlog", priority=3)})
    assert board.reconcile().converged
    item_id = board.item_id("PAY-1")
    person_edits(emu, item_id, {"Microsoft.VSTS.Common.Priority": 1, "System.Title": "Vault (renamed)"})

    plan = board.engine().plan()
    (update,) = [a for a in plan.actions if isinstance(a, UpdateWorkItem)]
    assert [(c.field, c.policy, c.drift) for c in update.changes] == [("System.Title", "revert", True)]
    (held,) = [a for a in plan.actions if isinstance(a, Held)]
    (kept,) = held.changes
    assert (kept.field, kept.old, kept.new, kept.policy, kept.hold) == (
        "Microsoft.VSTS.Common.Priority",
        1,
        3,
        "report",
        "report",
    )
    assert kept.by == "dave@contoso.com"

    assert board.reconcile().converged
    after = fields_of(emu, item_id)
    assert after["System.Title"] == "Card vault"  # revert: put back
    assert after["Microsoft.VSTS.Common.Priority"] == 1  # report: the person's value stays

    # the ticket's own change is still written under `report`
    board.commit({"PAY-1.md": ticket("Card vault", "backlog", priority=1)})
    assert board.reconcile().converged and fields_of(emu, item_id)["Microsoft.VSTS.Common.Priority"] == 1
    board.commit({"PAY-1.md": ticket("Card vault", "backlog", priority=4)})
    assert board.reconcile().converged
    assert fields_of(emu, item_id)["Microsoft.VSTS.Common.Priority"] == 4


def test_ignore_writes_the_field_at_create_and_never_after(board: GitBoard, emu: Emulator) -> None:
    board.commit({"PAY-1.md": ticket("Card vault", "backlog", priority=2, policy="{title: ignore}")})
    assert board.reconcile().converged
    item_id = board.item_id("PAY-1")
    assert fields_of(emu, item_id)["System.Title"] == "Card vault"

    person_edits(emu, item_id, {"System.Title": "Vault, as the PO words it"})
    board.commit({"PAY-1.md": ticket("Card vault v2", "backlog", priority=3, policy="{title: ignore}")})
    plan = board.engine().plan()
    (update,) = [a for a in plan.actions if isinstance(a, UpdateWorkItem)]
    assert [c.field for c in update.changes] == ["Microsoft.VSTS.Common.Priority"]
    (held,) = [a for a in plan.actions if isinstance(a, Held)]
    assert [(c.field, c.policy, c.hold) for c in held.changes] == [("System.Title", "ignore", "ignore")]

    assert board.reconcile().converged
    after = fields_of(emu, item_id)
    assert after["System.Title"] == "Vault, as the PO words it"
    assert after["Microsoft.VSTS.Common.Priority"] == 3


def test_a_ticket_policy_wins_over_the_board(tmp_path: Path, emu: Emulator) -> None:
    board = GitBoard(tmp_path / "b", emu, OWNED_IN_ADO)
    board.commit({"PAY-1.md": ticket("Card vault", "backlog", priority=3, policy="{priority: revert}")})
    assert board.reconcile().converged
    item_id = board.item_id("PAY-1")
    person_edits(emu, item_id, {"Microsoft.VSTS.Common.Priority": 1})
    (update,) = [a for a in board.engine().plan().actions if isinstance(a, UpdateWorkItem)]
    assert [(c.policy, c.drift) for c in update.changes] == [("revert", True)]
    assert board.reconcile().converged and fields_of(emu, item_id)["Microsoft.VSTS.Common.Priority"] == 3


def test_plan_status_and_json_show_the_policy(tmp_path: Path, emu: Emulator, server, token_env, capsys) -> None:
    board = GitBoard(tmp_path / "b", emu, OWNED_IN_ADO)
    board.commit({"PAY-1.md": ticket("Card vault", "backlog", priority=3)})
    assert board.reconcile().converged
    person_edits(emu, board.item_id("PAY-1"), {"Microsoft.VSTS.Common.Priority": 1})
    args = ("--repo", str(board.root), "--org-url", server.url)

    code, out, _ = run(capsys, "plan", *args)
    assert code == 0, out
    line = next(x for x in out.splitlines() if x.strip().startswith("priority"))
    assert "3 (ticket) / 1 (ADO)" in line and "= report (changed in ADO, shown, not put back" in line

    code, out, _ = run(capsys, "plan", *args, "--json")
    (held,) = [a for a in json.loads(out)["actions"] if a["kind"] == "held"]
    assert [(c["field"], c["policy"], c["hold"], c["old"], c["new"]) for c in held["changes"]] == [
        ("Microsoft.VSTS.Common.Priority", "report", "report", 1, 3)
    ]

    code, out, _ = run(capsys, "status", *args, "--json")
    (row,) = json.loads(out)
    assert row["status"] == "Reported" and "priority: 3 (ticket) / 1 (ADO), report: policy report" in row["details"]
    assert code == 0


def test_an_unknown_policy_is_refused_at_its_line(tmp_path: Path, emu: Emulator, server, token_env, capsys) -> None:
    board = GitBoard(tmp_path / "b", emu, CONFIG + "fields:\n  priority: keep\n")
    code, out, err = run(capsys, "validate", "--repo", str(board.root))
    assert code == 1
    assert (
        ".tickets/config.yaml:15:3: fields.priority: 'keep' is not allowed; use one of 'revert', 'report' or 'ignore'"
        in (out + err)
    )


def test_pull_proposes_a_reported_field(tmp_path: Path, emu: Emulator, server, token_env, capsys) -> None:
    board = GitBoard(tmp_path / "b", emu, OWNED_IN_ADO)
    board.commit({"PAY-1.md": ticket("Card vault", "backlog", priority=3)})
    assert board.reconcile().converged
    person_edits(emu, board.item_id("PAY-1"), {"Microsoft.VSTS.Common.Priority": 1})
    args = ("--repo", str(board.root), "--org-url", server.url)
    code, out, _ = run(capsys, "pull", "PAY-1", *args, "--write", "--json")
    assert code == 0, out
    (row,) = json.loads(out)
    assert row["written"] and row["changes"] == [{"field": "priority", "value": 1, "hold": "report"}]
    assert "-priority: 3\n+priority: 1\n" in row["diff"]
    assert "priority: 1\n" in (board.root / ".tickets" / "PAY-1.md").read_text()
