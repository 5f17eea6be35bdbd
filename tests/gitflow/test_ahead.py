"""ADO's own automation is expected, not drift: a pull request completed with "Complete linked work
items after merging" moves the ticket's item to Closed while the ticket still says in-review. That
state is `ahead`: shown by plan and status, never reverted, never drift. A person moving the item
(backwards, or forward by hand) is still drift."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from gitkit import PROJECT, TOKEN, GitBoard, run, ticket

from support.emulators import checked_emulator
from ticketops.emulator import Emulator
from ticketops.plan import Held, UpdateWorkItem

ALICE = "alice-completes-prs"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """The PAT ticketops uses is enforced, so alice's own token can name her as the caller."""
    with checked_emulator(pat=TOKEN) as e:
        e.accept_bearer(ALICE, user="alice@contoso.com")
        yield e


def complete_as_alice(emu: Emulator, pr_id: int, *, transition: bool = True) -> None:
    """What the web UI's Complete button sends (with "Complete linked work items after merging")."""
    with httpx.Client(transport=emu.transport, base_url=emu.url, headers={"Authorization": f"Bearer {ALICE}"}) as c:
        url = f"/{PROJECT}/_apis/git/repositories/payments-api/pullrequests/{pr_id}"
        body = {"status": "completed", "completionOptions": {"transitionWorkItems": transition}}
        r = c.patch(url, params={"api-version": "7.1"}, json=body)
    assert r.status_code == 200, r.text


def person_sets_state(emu: Emulator, item_id: int, state: str, history: str | None = None) -> None:
    fields: dict[str, object] = {"System.State": state}
    if history is not None:
        fields["System.History"] = history
    emu.db.update_work_item(PROJECT, item_id, fields, by="dave@contoso.com")


def in_review(board: GitBoard) -> tuple[int, int]:
    board.commit({"PAY-1.md": ticket("Card vault", "in-review")})
    assert board.reconcile().converged
    (pr,) = board.prs()
    return board.item_id("PAY-1"), pr.id


def test_a_pr_completion_moving_the_item_to_closed_is_ahead_never_reverted(board: GitBoard) -> None:
    item_id, pr_id = in_review(board)
    complete_as_alice(board.emu, pr_id)
    assert board.emu.db.get_work_item(item_id).state == "Closed"

    plan = board.engine().plan()
    assert not [a for a in plan.actions if isinstance(a, UpdateWorkItem)]
    (held,) = [a for a in plan.actions if isinstance(a, Held)]
    (change,) = held.changes
    assert (change.old, change.new, change.hold, change.drift) == ("Closed", "Resolved", "ahead", False)
    assert change.pull_request == pr_id and change.by == "alice@contoso.com"
    assert not plan.has_changes and not plan.errors

    writes_before = len(board.emu.log.writes())
    result = board.reconcile()
    assert result.converged and result.writes == 0
    assert board.emu.db.get_work_item(item_id).state == "Closed"
    assert len(board.emu.log.writes()) == writes_before


def test_plan_and_status_show_ahead_not_drift(board: GitBoard, server, token_env, capsys) -> None:
    item_id, pr_id = in_review(board)
    complete_as_alice(board.emu, pr_id)
    args = ("--repo", str(board.root), "--org-url", server.url)

    code, out, _ = run(capsys, "plan", *args)
    assert code == 0, out
    assert "drift" not in out.replace("0 with drift", "")
    assert f"PAY-1      #{item_id}" in out and "ahead in ADO" in out
    assert "state" in out and "Resolved (ticket) / Closed (ADO)" in out and f"pull request {pr_id}" in out

    code, out, _ = run(capsys, "status", *args)
    assert code == 0, out
    row = next(line for line in out.splitlines() if line.startswith("PAY-1"))
    assert row.split()[1] == "Ahead" and "(drift)" not in row

    code, out, _ = run(capsys, "status", *args, "--json")
    (entry,) = json.loads(out)
    assert entry["status"] == "Ahead" and "ahead: pull request" in entry["details"]

    code, out, _ = run(capsys, "plan", *args, "--json")
    held = [a for a in json.loads(out)["actions"] if a["kind"] == "held"]
    assert held[0]["changes"][0]["hold"] == "ahead" and held[0]["changes"][0]["policy"] == "revert"


def test_a_person_moving_the_item_back_is_still_drift(board: GitBoard) -> None:
    item_id, pr_id = in_review(board)
    complete_as_alice(board.emu, pr_id)
    person_sets_state(board.emu, item_id, "Active")
    plan = board.engine().plan()
    (update,) = [a for a in plan.actions if isinstance(a, UpdateWorkItem)]
    (change,) = update.changes
    assert (change.old, change.new, change.drift) == ("Active", "Resolved", True)
    assert board.reconcile().converged
    assert board.emu.db.get_work_item(item_id).state == "Resolved"


def test_a_person_closing_the_item_by_hand_is_drift(board: GitBoard) -> None:
    item_id, _ = in_review(board)
    person_sets_state(board.emu, item_id, "Closed")
    (update,) = [a for a in board.engine().plan().actions if isinstance(a, UpdateWorkItem)]
    assert update.changes[0].drift and update.changes[0].new == "Resolved"


def test_naming_a_pr_in_the_history_does_not_make_a_persons_move_ahead(board: GitBoard) -> None:
    """The history mentions the pull request, but the revision is not by the identity that completed it."""
    item_id, pr_id = in_review(board)
    complete_as_alice(board.emu, pr_id, transition=False)
    person_sets_state(board.emu, item_id, "Closed", history=f"Done, see pull request {pr_id}")
    (update,) = [a for a in board.engine().plan().actions if isinstance(a, UpdateWorkItem)]
    assert update.changes[0].drift and not [a for a in board.engine().plan().actions if isinstance(a, Held)]


def test_pull_write_makes_the_one_line_change_to_done(board: GitBoard, server, token_env, capsys) -> None:
    """The whole scenario: no revert, status shows ahead, `pull --write` edits `status:` only."""
    board.commit({"PAY-1.md": ticket("Card vault", "in-review", "Spec body.\n", priority=2) + "# keep me\n"})
    assert board.reconcile().converged
    (pr,) = board.prs()
    complete_as_alice(board.emu, pr.id)
    args = ("--repo", str(board.root), "--org-url", server.url)
    path = board.root / ".tickets" / "PAY-1.md"
    before = path.read_text()

    code, out, _ = run(capsys, "pull", *args)
    assert code == 2, out
    assert "--- a/.tickets/PAY-1.md\n+++ b/.tickets/PAY-1.md\n" in out
    assert "\n-status: in-review\n+status: done\n" in out
    assert f"PAY-1 status: -> done (ADO: state Closed; pull request {pr.id} completed by alice@contoso.com" in out
    assert path.read_text() == before  # without --write nothing is touched

    code, out, _ = run(capsys, "pull", *args, "--write")
    assert code == 0, out
    after = path.read_text()
    assert after == before.replace("status: in-review\n", "status: done\n")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("status: in-review", "status: done")]
    assert board.repo.status() == {".tickets/PAY-1.md": 256}  # modified in the working tree, not committed

    board.commit({"PAY-1.md": after}, "accept ADO's state")
    code, out, _ = run(capsys, "status", *args)
    assert code == 0 and out.splitlines()[1].split()[1] == "Synced", out
    code, out, _ = run(capsys, "pull", *args)
    assert code == 0 and "Nothing to pull" in out


TWO_DONE = """\
organization_url: https://dev.azure.com/contoso
project: Payments
repos:
  api:
    name: payments-api
statuses:
  - {name: backlog, state: New}
  - {name: doing, state: Active, start: true}
  - {name: review, state: Resolved, review: true}
  - {name: done, state: Closed, done: true}
  - {name: archived, state: Closed}
"""


def test_pull_refuses_a_state_that_several_statuses_map_to(tmp_path, emu, server, token_env, capsys) -> None:
    board = GitBoard(tmp_path / "b", emu, TWO_DONE)
    board.commit({"PAY-1.md": ticket("Card vault", "review")})
    assert board.reconcile().converged
    (pr,) = board.prs()
    complete_as_alice(emu, pr.id)
    path = board.root / ".tickets" / "PAY-1.md"
    before = path.read_text()
    code, _, err = run(capsys, "pull", "--repo", str(board.root), "--org-url", server.url, "--write")
    assert code == 1
    assert "ADO state 'Closed' is mapped by 2 statuses (done, archived); not guessing" in err
    assert path.read_text() == before
