"""Branches and spec pushes: created from the base head, the ticket file byte for byte, pushed
again only when it changed, stale pushes retried, policy refusals isolated per ticket."""

from __future__ import annotations

import json

from gitkit import API, PROJECT, GitBoard, ticket

from ticketops.plan import CreateBranch, PushSpec

BRANCH1 = "feature/PAY-1-card-vault"


def test_branch_is_created_from_the_base_head_through_update_refs(board: GitBoard) -> None:
    main_head = board.tip("main")
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress")})
    result = board.reconcile()
    assert result.converged
    (create,) = [r for r in board.emu.log.records if r.operation_id == "Refs_Update Refs"]
    body = create.json()
    assert body == [{"name": f"refs/heads/{BRANCH1}", "oldObjectId": "0" * 40, "newObjectId": main_head}]
    # the spec commit sits right on top of the base head
    spec_commit = board.git().get(board.tip(BRANCH1))
    assert [str(p) for p in spec_commit.parent_ids] == [main_head]
    assert board.tip("main") == main_head  # the base branch is never touched


def test_the_pushed_blob_is_the_ticket_file_byte_for_byte(board: GitBoard) -> None:
    raw = ticket("Café crème ünïcode", "in-progress", "Line one\r\nLine two with tab\t\r\n\r\nÜmlaut — dash\n")
    board.commit({"PAY-1.md": raw.encode("utf-8")})
    assert board.reconcile().converged
    branch = "feature/PAY-1-cafe-creme-unicode"
    assert board.file_at(branch, ".tickets/PAY-1.md") == board.ticket_bytes("PAY-1")
    (push,) = [r for r in board.emu.log.records if r.operation_id == "Pushes_Create"]
    commit = push.json()["commits"][0]
    assert "PAY-1" in commit["comment"] and str(board.repo.head.target)[:12] in commit["comment"]


def test_an_edited_spec_is_pushed_again_and_an_unchanged_one_is_not(board: GitBoard) -> None:
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress"), "PAY-2.md": ticket("Refunds", "in-progress")})
    assert board.reconcile().converged
    assert board.emu.log.count("Pushes_Create") == 2

    board.emu.log.reset()
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress", "A new paragraph of the spec.\n")})
    plan = board.engine().plan()
    pushes = [a for a in plan.actions if isinstance(a, PushSpec)]
    assert [(a.key, a.exists) for a in pushes] == [("PAY-1", True)]
    assert board.reconcile().converged
    assert board.emu.log.count("Pushes_Create") == 1
    assert board.file_at(BRANCH1, ".tickets/PAY-1.md") == board.ticket_bytes("PAY-1")
    assert [
        r.json()["commits"][0]["changes"][0]["changeType"]
        for r in board.emu.log.records
        if r.operation_id == "Pushes_Create"
    ] == ["edit"]
    # the unchanged spec was compared by blob id (metadata), never downloaded
    assert all("includeContent" not in r.query for r in board.emu.log.records if r.operation_id == "Items_Get")


def test_an_existing_branch_is_adopted_as_it_is(board: GitBoard) -> None:
    person = board.emu.db.push_files(PROJECT, API, BRANCH1, {"src/vault.py": "VAULT = 1\n"}, by="alice@contoso.com")
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress")})
    plan = board.engine().plan()
    assert not [a for a in plan.actions if isinstance(a, CreateBranch)]
    assert board.reconcile().converged
    assert board.emu.log.count("Refs_Update Refs") == 0
    tip = board.git().get(board.tip(BRANCH1))
    assert [str(p) for p in tip.parent_ids] == [person]  # the spec went on top of the person's work
    assert board.file_at(BRANCH1, "src/vault.py") == b"VAULT = 1\n"


def test_a_stale_push_is_retried_on_the_new_tip(board: GitBoard) -> None:
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress")})
    assert board.reconcile().converged
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress", "Changed spec.\n")})
    engine = board.engine()
    plan = engine.plan()
    (push,) = [a for a in plan.actions if isinstance(a, PushSpec)]
    # between the read and the push, a person pushes to the branch
    moved = board.emu.db.push_files(PROJECT, API, BRANCH1, {"src/new.py": "x = 1\n"}, by="bob@contoso.com")
    assert push.old_tip != moved
    board.emu.log.reset()
    report = engine.apply(plan).report
    assert report is not None and report.ok, report
    assert board.statuses("Pushes_Create") == [409, 201]
    tip = board.git().get(board.tip(BRANCH1))
    assert [str(p) for p in tip.parent_ids] == [moved]
    assert board.file_at(BRANCH1, ".tickets/PAY-1.md") == board.ticket_bytes("PAY-1")
    assert board.file_at(BRANCH1, "src/new.py") == b"x = 1\n"


def test_a_refused_ref_update_answers_200_and_is_reported_while_others_go_on(board: GitBoard) -> None:
    board.emu.db.fail_ref_updates("feature/PAY-2-*", "rejectedByPolicy")
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-progress"),
            "PAY-2.md": ticket("Refunds", "in-progress"),
            "PAY-3.md": ticket("Payouts", "in-progress"),
        }
    )
    result = board.engine().reconcile()
    refs = [r for r in board.emu.log.records if r.operation_id == "Refs_Update Refs"]
    refused = [r for r in refs if "PAY-2" in r.body.decode()]
    assert refused and all(r.status == 200 for r in refused)
    answer = json.loads(refused[0].response_body)["value"][0]
    assert answer["success"] is False and answer["updateStatus"] == "rejectedByPolicy"
    outcomes = {(o.key, o.kind): o for o in result.outcomes()}
    assert outcomes[("PAY-2", "create-branch")].status == "failed"
    assert "rejectedByPolicy" in outcomes[("PAY-2", "create-branch")].message
    assert board.branches() == ["feature/PAY-1-card-vault", "feature/PAY-3-payouts", "main"]
    for key, branch in (("PAY-1", "feature/PAY-1-card-vault"), ("PAY-3", "feature/PAY-3-payouts")):
        assert board.file_at(branch, ".tickets/" + key + ".md") == board.ticket_bytes(key)
    assert not result.converged  # PAY-2 still has its branch to create


def test_a_refused_push_fails_that_ticket_only(board: GitBoard) -> None:
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress"), "PAY-2.md": ticket("Refunds", "in-progress")})
    assert board.reconcile().converged
    board.emu.db.fail_ref_updates("feature/PAY-1-*", "rejectedByPolicy")
    board.commit(
        {"PAY-1.md": ticket("Card vault", "in-progress", "v2\n"), "PAY-2.md": ticket("Refunds", "in-progress", "v2\n")}
    )
    engine = board.engine()
    report = engine.apply().report
    assert report is not None
    by_key = {o.key: o for o in report.outcomes if o.kind == "push-spec"}
    assert by_key["PAY-1"].status == "failed" and "refused" in by_key["PAY-1"].message
    assert by_key["PAY-2"].status == "applied"
    assert board.file_at("feature/PAY-2-refunds", ".tickets/PAY-2.md") == board.ticket_bytes("PAY-2")


def test_nothing_happens_in_git_before_the_start_status_or_at_done(board: GitBoard) -> None:
    board.commit({"PAY-1.md": ticket("Later", "backlog"), "PAY-2.md": ticket("Finished", "done")})
    assert board.reconcile().converged
    assert board.branches() == ["main"]
    assert board.emu.log.count("Refs_List") == 0  # no repository with git work: not even read
