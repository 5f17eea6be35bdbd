"""Drift (a person's edit in ADO) is shown as drift and put back; a concurrent edit between
read and write is never overwritten on a stale revision; a lost create response never
duplicates an item."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from board import Board, ticket_md
from ticketops.model.live import COMMON_TAG
from ticketops.plan import CreateWorkItem, UpdateWorkItem, render_text


def _two_tickets(board: Board) -> None:
    board.commit(
        {
            "PAY-1.md": ticket_md("Checkout with Apple Pay", "in-progress", "Body one\n", assignee="alice@contoso.com"),
            "PAY-2.md": ticket_md("Refunds", "backlog", "Body two\n"),
        }
    )
    assert board.reconcile().converged


def test_edits_made_in_ado_are_shown_as_drift_and_put_back(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    _two_tickets(board)
    items = board.items()
    emu.db.update_work_item("Payments", items["PAY-1"].id, {"System.Title": "Renamed by a person"})
    emu.db.update_work_item("Payments", items["PAY-2"].id, {"System.State": "Active"})

    plan = board.plan()
    updates = {a.key: a for a in plan.actions if isinstance(a, UpdateWorkItem)}
    assert set(updates) == {"PAY-1", "PAY-2"}
    title = next(c for c in updates["PAY-1"].changes if c.field == "System.Title")
    assert (title.old, title.new, title.drift) == ("Renamed by a person", "Checkout with Apple Pay", True)
    state = next(c for c in updates["PAY-2"].changes if c.field == "System.State")
    assert (state.old, state.new, state.drift) == ("Active", "New", True)
    assert "! drift" in render_text(plan)

    assert board.reconcile().converged
    items = board.items()
    assert items["PAY-1"].title == "Checkout with Apple Pay"
    assert items["PAY-2"].state == "New"


def test_a_change_made_in_git_is_not_drift(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    _two_tickets(board)
    board.commit({"PAY-2.md": ticket_md("Refunds v2", "backlog", "Body two\n")})
    (upd,) = [a for a in board.plan().actions if isinstance(a, UpdateWorkItem)]
    assert [(c.field, c.drift) for c in upd.changes] == [("System.Title", False)]


class EditBeforePatch(httpx.BaseTransport):
    """Wraps the emulator transport: just before the first PATCH reaches ADO, a person edits
    the same work item (a real race between ticketops' read and its write)."""

    def __init__(self, emu, edit) -> None:
        self.inner = emu.transport
        self.edit = edit
        self.fired = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH" and not self.fired:
            self.fired = True
            self.edit()
        return self.inner.handle_request(request)


def test_concurrent_edit_between_read_and_write_is_never_overwritten_on_a_stale_rev(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    _two_tickets(board)
    target = board.items()["PAY-1"]
    board.commit(
        {"PAY-1.md": ticket_md("Checkout with Apple Pay v2", "in-progress", "Body one\n", assignee="alice@contoso.com")}
    )

    def person_edit() -> None:
        emu.db.update_work_item("Payments", target.id, {"System.Tags": "ticketops; ticketops:PAY-1; hot"})

    racing = EditBeforePatch(emu, person_edit)
    client = board.client()
    client = type(client)(emu.url, client._auth, transport=racing)  # same auth, racing transport
    emu.log.reset()
    result = board.engine(client=client).reconcile()
    assert racing.fired and result.converged

    patches = [r for r in emu.log.writes() if r.method == "PATCH"]
    assert patches[0].status == 412  # the stale write was refused, nothing landed on that rev
    first_rev = json.loads(patches[0].body)[0]
    assert first_rev == {"op": "test", "path": "/rev", "value": target.rev}
    assert all(r.status == 200 for r in patches[1:])
    final = board.items()["PAY-1"]
    assert final.title == "Checkout with Apple Pay v2"
    assert "hot" in final.tags  # the person's concurrent tag survived (tags are additive)


def test_lost_create_response_is_adopted_not_duplicated(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    board.commit({"PAY-1.md": ticket_md("Idempotent create", "in-progress")})
    emu.faults.drop_response("Work Items_Create")

    first = board.engine().apply()
    assert [o.status for o in first.report.outcomes] == ["unknown"]

    result = board.reconcile()
    assert result.converged
    client = board.client()
    ids = client.wiql("Payments", "SELECT [System.Id] FROM WorkItems WHERE [System.Tags] CONTAINS 'ticketops:PAY-1'")
    assert len(ids) == 1
    assert board.items()["PAY-1"].state == "Active"
    assert emu.log.count("Work Items_Create") == 1


def test_item_whose_common_tag_was_removed_is_found_by_its_key_tag(tmp_path: Path, emu) -> None:
    board = Board(tmp_path, emu)
    _two_tickets(board)
    item = board.items()["PAY-2"]
    emu.db.update_work_item("Payments", item.id, {"System.Tags": "ticketops:PAY-2"})

    plan = board.plan()
    assert not [a for a in plan.actions if isinstance(a, CreateWorkItem)]
    (upd,) = [a for a in plan.actions if isinstance(a, UpdateWorkItem)]
    assert upd.id == item.id and COMMON_TAG in str(next(c.new for c in upd.changes if c.field == "System.Tags"))
    creates_before = emu.log.count("Work Items_Create")
    assert board.reconcile().converged
    assert emu.log.count("Work Items_Create") == creates_before


def test_after_a_412_re_plan_the_verdict_counts_the_drift_that_was_put_back(tmp_path: Path, emu) -> None:
    """A person retitles the item between the plan and the write: the write gets a 412, the
    re-plan marks the title as drift and puts it back, and the final line says so (it said 0)."""
    from ticketops.cli.cmd_reconcile import verdict

    board = Board(tmp_path, emu)
    _two_tickets(board)
    target = board.items()["PAY-1"]
    board.commit(
        {"PAY-1.md": ticket_md("Checkout with Apple Pay v2", "in-progress", "Body one\n", assignee="alice@contoso.com")}
    )

    def person_edit() -> None:
        emu.db.update_work_item("Payments", target.id, {"System.Title": "Renamed by a person"})

    racing = EditBeforePatch(emu, person_edit)
    client = board.client()
    client = type(client)(emu.url, client._auth, transport=racing)
    result = board.engine(client=client).reconcile()

    assert racing.fired and result.converged
    (outcome,) = [o for o in result.outcomes() if o.kind == "update" and o.status == "applied"]
    assert "(1 drifted field(s) put back)" in outcome.message and outcome.drift == 1
    assert "updated (1 drifted field(s) put back)" in verdict(result)
