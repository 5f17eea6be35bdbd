"""A converged board costs a constant number of git requests per repository and writes nothing;
bad repository settings block only the tickets they concern, before any write."""

from __future__ import annotations

from pathlib import Path

from gitkit import API, CONFIG, PROJECT, WEB, GitBoard, ticket

from ticketops.emulator import Emulator
from ticketops.plan import PushSpec
from ticketops.plan.pr_text import summary

GIT_OPS = (
    "Repositories_List",
    "Refs_List",
    "Pull Requests_Get Pull Requests",
    "Items_Get Items Batch",
    "Items_Get",
    "Identities_Read Identities",
    "Work Items_Get Work Item",
)


def git_requests(emu: Emulator) -> dict[str, int]:
    counts = emu.log.by_operation()
    return {op: counts[op] for op in GIT_OPS if op in counts}


def converged_board(tmp_path: Path, n: int) -> GitBoard:
    board = GitBoard(tmp_path / f"b{n}", Emulator())
    files = {}
    for i in range(1, n + 1):
        repo = "api" if i % 2 else "web"
        files[f"PAY-{i}.md"] = ticket(
            f"Ticket {i}", "in-review", repo=repo, reviewers=["bob@contoso.com"], acceptance_criteria=[f"criterion {i}"]
        )
    board.commit(files)
    assert board.reconcile().converged
    board.emu.log.reset()
    return board


def test_second_reconcile_writes_nothing_and_git_reads_do_not_grow_with_tickets(tmp_path: Path) -> None:
    small, large = converged_board(tmp_path, 4), converged_board(tmp_path, 40)
    for board in (small, large):
        result = board.reconcile()
        assert result.converged and not result.passes
        assert board.emu.log.writes() == []
        assert board.emu.log.unknown_routes == []
    # per linked repository: one refs list (filtered) and one page of active PRs; plus the repo list
    expected = {"Repositories_List": 1, "Refs_List": 2, "Pull Requests_Get Pull Requests": 2}
    assert git_requests(small.emu) == expected
    assert git_requests(large.emu) == expected
    filters = [r.query["filter"] for r in large.emu.log.records if r.operation_id == "Refs_List"]
    assert filters == ["heads/feature/PAY-", "heads/feature/PAY-"]  # the ticket branches only, never every ref


def test_the_marker_fits_in_what_a_pr_list_shows(tmp_path: Path) -> None:
    board = converged_board(tmp_path, 2)
    for pr in board.prs(API) + board.prs(WEB):
        assert pr.description.startswith("<!-- ticketops:v1 sha256=")
        assert pr.description.index("-->") < 400


def test_specs_of_branches_without_a_pr_are_read_in_one_batch_and_a_missing_one_is_found(board: GitBoard) -> None:
    board.commit({f"PAY-{i}.md": ticket(f"Ticket {i}", "in-progress") for i in range(1, 6)})
    assert board.reconcile().converged
    # a person removes the spec from one branch
    board.emu.db.push_files(PROJECT, API, "feature/PAY-3-ticket-3", {".tickets/PAY-3.md": None})
    board.emu.log.reset()
    plan = board.engine().plan()
    (push,) = [a for a in plan.actions if isinstance(a, PushSpec)]
    assert (push.key, push.exists) == ("PAY-3", False)
    batches = board.statuses("Items_Get Items Batch")
    assert batches[0] == 404 and batches.count(200) >= 1 and len(batches) <= 1 + 2 * 3  # split to find it
    assert board.emu.log.count("Items_Get") == 0
    assert board.reconcile().converged
    assert board.file_at("feature/PAY-3-ticket-3", ".tickets/PAY-3.md") == board.ticket_bytes("PAY-3")


def test_a_missing_repository_or_unknown_alias_blocks_only_those_tickets(tmp_path: Path, emu: Emulator) -> None:
    board = GitBoard(tmp_path / "b", emu, CONFIG.replace("name: payments-web", "name: payments-gone"))
    board.commit(
        {
            "PAY-1.md": ticket("Api work", "in-progress"),
            "PAY-2.md": ticket("Web work", "in-progress", repo="web"),
            "PAY-3.md": ticket("Typo", "in-progress", repo="wbe"),
        }
    )
    result = board.reconcile()
    blocked = {a.key: a.reason for a in result.final_plan.errors}
    assert set(blocked) == {"PAY-2", "PAY-3"}
    assert "'payments-gone' (alias 'web' in config.yaml) does not exist in project 'Payments'" in blocked["PAY-2"]
    assert "payments-api, payments-web" in blocked["PAY-2"]
    # an alias that config.yaml does not have is caught when the ticket is read (nothing written for it)
    assert ".tickets/PAY-3.md" in blocked["PAY-3"] and "'wbe'" in blocked["PAY-3"] and "api, web" in blocked["PAY-3"]
    assert board.branches(API) == ["feature/PAY-1-api-work", "main"]
    assert len(board.emu.db.work_items(PROJECT)) == 2  # PAY-2's work item is still kept in sync


def test_a_base_branch_that_does_not_exist_blocks_the_ticket(board: GitBoard) -> None:
    board.commit(
        {"PAY-1.md": ticket("Hotfix", "in-progress", base="release/9"), "PAY-2.md": ticket("Fine", "in-progress")}
    )
    result = board.reconcile()
    (blocked,) = result.final_plan.errors
    assert blocked.key == "PAY-1" and "base branch 'release/9' does not exist in payments-api" in blocked.reason
    assert board.branches() == ["feature/PAY-2-fine", "main"]


def test_a_custom_branch_and_base_are_used(board: GitBoard) -> None:
    release = board.emu.db.push_files(PROJECT, API, "release/2", {"CHANGELOG.md": "2.0\n"})
    board.commit({"PAY-1.md": ticket("Hotfix", "in-review", branch="hotfix/PAY-1-timeout", base="release/2")})
    assert board.reconcile().converged
    assert str(board.git().get(board.tip("hotfix/PAY-1-timeout")).parent_ids[0]) == release
    (pr,) = board.prs()
    assert (pr.source, pr.target) == ("refs/heads/hotfix/PAY-1-timeout", "refs/heads/release/2")


def test_a_done_ticket_gets_no_new_git_objects_and_its_pr_is_left_alone(board: GitBoard) -> None:
    board.commit({"PAY-1.md": ticket("Vault", "in-review")})
    assert board.reconcile().converged
    (pr,) = board.prs()
    board.commit({"PAY-1.md": ticket("Vault renamed", "done"), "PAY-2.md": ticket("Never started", "done")})
    board.emu.log.reset()
    assert board.reconcile().converged
    assert {r.operation_id for r in board.emu.log.writes()} == {"Work Items_Create", "Work Items_Update"}
    assert board.prs()[0].title == pr.title and board.branches() == ["feature/PAY-1-vault", "main"]


def test_an_abandoned_pr_is_reported_and_not_replaced(board: GitBoard) -> None:
    board.commit({"PAY-1.md": ticket("Vault", "in-review")})
    assert board.reconcile().converged
    board.emu.db.set_pull_request_status(1, "abandoned", by="bob@contoso.com")
    result = board.reconcile()
    assert result.converged and len(board.prs()) == 1
    (note,) = result.final_plan.actions
    assert (note.kind, note.status) == ("pr-closed", "abandoned")


def test_an_edited_ticket_rewrites_the_pr_once(board: GitBoard) -> None:
    board.commit({"PAY-1.md": ticket("Vault", "in-review", "First summary.\n")})
    assert board.reconcile().converged
    board.commit({"PAY-1.md": ticket("Vault", "in-review", "Second summary.\n")})
    board.emu.log.reset()
    assert board.reconcile().converged
    assert [r.operation_id for r in board.emu.log.writes()] == [
        "Work Items_Update",
        "Pushes_Create",
        "Pull Requests_Update",
    ]
    (pr,) = board.prs()
    assert "Second summary." in pr.description and summary("Second summary.\n") == "Second summary."
    board.emu.log.reset()
    assert not board.reconcile().passes and board.emu.log.writes() == []


def test_a_plan_read_back_from_json_does_not_push_a_spec_it_does_not_carry(board: GitBoard) -> None:
    from ticketops.plan import Plan

    board.commit({"PAY-1.md": ticket("Vault", "in-progress")})
    engine = board.engine()
    plan = Plan.model_validate(engine.plan().model_dump(mode="json"))
    report = engine.apply(plan).report
    assert report is not None
    (push,) = [o for o in report.outcomes if o.kind == "push-spec"]
    assert push.status == "failed" and "does not carry the ticket file's bytes" in push.message
    assert board.emu.log.count("Pushes_Create") == 0


def test_a_repository_deleted_during_the_run_blocks_only_its_tickets(board: GitBoard) -> None:
    board.commit(
        {"PAY-1.md": ticket("Api work", "in-progress"), "PAY-2.md": ticket("Web work", "in-progress", repo="web")}
    )
    engine = board.engine()
    engine.plan()  # the repository list is read (and kept for the run)
    db = board.emu.db
    with db.lock:
        record = db.repo_record(PROJECT, WEB)
        del record.project.repos[record.id]
    plan = engine.plan()
    (blocked,) = plan.errors
    assert blocked.key == "PAY-2" and "cannot read repository payments-web" in blocked.reason
    assert [a.kind for a in plan.actions if a.key == "PAY-1" and a.step > 10] == ["create-branch", "push-spec"]
