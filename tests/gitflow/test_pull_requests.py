"""Pull requests: created with a checklist, reviewers and a work item link; adopted when a person
opened one first (before the plan, or between plan and apply: 409 TF401179); kept in sync;
reviewers only added; completed PRs never recreated; over-long descriptions cut cleanly."""

from __future__ import annotations

from gitkit import API, GitBoard, ticket

from ticketops.model.gitlive import PrMarker
from ticketops.plan import CreatePullRequest, PullRequestClosed, UpdatePullRequest
from ticketops.plan.pr_text import CUT_NOTE, DESCRIPTION_LIMIT

BRANCH = "feature/PAY-1-card-vault"
CRITERIA = ["Cards are stored encrypted", "A card can be deleted by its owner"]


def review_ticket(**extra: object) -> str:
    fields = {"reviewers": ["bob@contoso.com", "carol@contoso.com"], "acceptance_criteria": CRITERIA, **extra}
    return ticket(
        "Card vault", "in-review", "## Why\n\nMerchants want saved cards.\nSafely.\n\n## How\n\nVault.\n", **fields
    )


def test_the_pr_is_created_with_checklist_reviewers_and_work_item_link(board: GitBoard) -> None:
    board.commit({"PAY-1.md": review_ticket()})
    assert board.reconcile().converged
    (pr,) = board.prs()
    wi = board.item_id("PAY-1")
    assert (pr.source, pr.target, pr.title) == (f"refs/heads/{BRANCH}", "refs/heads/main", "PAY-1: Card vault")
    assert "Merchants want saved cards.\nSafely." in pr.description and "## How" not in pr.description
    assert "- [ ] Cards are stored encrypted\n- [ ] A card can be deleted by its owner" in pr.description
    assert f"?path=/.tickets/PAY-1.md&version=GB{BRANCH}" in pr.description
    assert sorted(r.user.email for r in pr.reviewers.values()) == ["bob@contoso.com", "carol@contoso.com"]
    marker = PrMarker.parse(pr.description)
    assert marker is not None and marker.wi == wi and marker.tip == board.tip(BRANCH)
    # the link: workItemRefs in the create call, and the ArtifactLink relation on the work item
    (create,) = [r for r in board.emu.log.records if r.operation_id == "Pull Requests_Create"]
    assert create.json()["workItemRefs"] == [{"id": str(wi)}]
    relations = board.emu.db.get_work_item(wi).relations
    assert [(r.rel, r.url, r.attributes.get("name")) for r in relations] == [
        ("ArtifactLink", pr.artifact_id, "Pull Request")
    ]


def test_a_pr_a_person_opened_first_is_adopted(board: GitBoard) -> None:
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress")})
    assert board.reconcile().converged
    pr_id = board.person_opens_pr(BRANCH, "wip card vault")
    board.commit({"PAY-1.md": review_ticket()})
    plan = board.engine().plan()
    assert not [a for a in plan.actions if isinstance(a, CreatePullRequest)]
    (update,) = [a for a in plan.actions if isinstance(a, UpdatePullRequest)]
    assert update.pr_id == pr_id and update.rewrite
    assert board.reconcile().converged
    (pr,) = board.prs()
    assert pr.id == pr_id and pr.title == "PAY-1: Card vault" and "- [ ] Cards are stored encrypted" in pr.description
    assert sorted(r.user.email for r in pr.reviewers.values()) == ["bob@contoso.com", "carol@contoso.com"]
    wi = board.item_id("PAY-1")
    assert [r.url for r in board.emu.db.get_work_item(wi).relations] == [pr.artifact_id]
    assert board.emu.log.count("Pull Requests_Create") == 0


def test_a_pr_opened_between_plan_and_apply_is_found_after_the_409_and_adopted(board: GitBoard) -> None:
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress")})
    assert board.reconcile().converged
    board.commit({"PAY-1.md": review_ticket()})
    engine = board.engine()
    plan = engine.plan()
    assert [a.kind for a in plan.actions if a.key == "PAY-1"] == ["update", "push-spec", "create-pr"]
    pr_id = board.person_opens_pr(BRANCH, "opened by hand meanwhile")
    report = engine.apply(plan).report
    assert report is not None and report.ok, report
    assert board.statuses("Pull Requests_Create") == [409]
    (pr,) = board.prs()
    assert pr.id == pr_id and pr.title == "PAY-1: Card vault"
    assert {r.user.email for r in pr.reviewers.values()} == {"bob@contoso.com", "carol@contoso.com"}
    assert board.emu.db.get_work_item(board.item_id("PAY-1")).relations[0].url == pr.artifact_id
    assert board.reconcile().converged and len(board.prs()) == 1


def test_title_description_and_reviewers_are_kept_in_sync_but_people_keep_their_reviewers(board: GitBoard) -> None:
    board.commit({"PAY-1.md": review_ticket()})
    assert board.reconcile().converged
    (pr,) = board.prs()
    # in ADO, someone retitles the PR and adds themselves as a reviewer
    db = board.emu.db
    with db.lock:
        db.pulls.update(pr, {"title": "renamed in ADO"}, db.user("dave@contoso.com"))
        db.pulls.set_reviewer(pr, db.user("dave@contoso.com"), 0, False)
    board.commit({"PAY-1.md": review_ticket(reviewers=["bob@contoso.com", "erin@contoso.com"])})
    assert board.reconcile().converged
    (pr,) = board.prs()
    assert pr.title == "PAY-1: Card vault"
    assert sorted(r.user.email for r in pr.reviewers.values()) == [
        "bob@contoso.com",
        "carol@contoso.com",
        "dave@contoso.com",
        "erin@contoso.com",
    ]
    assert board.emu.log.count("Pull Request Reviewers_Delete Pull Request Reviewer") == 0


def test_an_unknown_reviewer_blocks_that_tickets_git_steps_before_any_write(board: GitBoard) -> None:
    board.commit(
        {
            "PAY-1.md": review_ticket(reviewers=["nobody@contoso.com"]),
            "PAY-2.md": ticket("Refunds", "in-review", reviewers=["bob@contoso.com"]),
        }
    )
    result = board.reconcile()
    assert not result.converged
    (blocked,) = result.final_plan.errors
    assert blocked.key == "PAY-1" and "nobody@contoso.com" in blocked.reason and ".tickets/PAY-1.md" in blocked.reason
    assert board.branches() == ["feature/PAY-2-refunds", "main"]  # no branch, push or PR for PAY-1
    assert [p.title for p in board.prs()] == ["PAY-2: Refunds"]


def test_a_completed_pr_is_not_recreated(board: GitBoard) -> None:
    board.commit({"PAY-1.md": review_ticket()})
    assert board.reconcile().converged
    (pr,) = board.prs()
    board.emu.db.set_pull_request_status(pr.id, "completed", by="bob@contoso.com")
    result = board.reconcile()
    assert result.converged and not result.passes
    (note,) = [a for a in result.final_plan.actions if isinstance(a, PullRequestClosed)]
    assert (note.pr_id, note.status) == (pr.id, "completed")
    assert len(board.prs()) == 1 and board.emu.log.count("Pull Requests_Create") == 1


def test_an_over_long_description_is_cut_cleanly_and_accepted(board: GitBoard) -> None:
    body = " ".join(f"word{i}" for i in range(900)) + "\n"  # one long summary paragraph
    criteria = [f"Criterion number {i} is met in every case that matters to the merchants" for i in range(60)]
    board.commit({"PAY-1.md": ticket("Card vault", "in-review", body, acceptance_criteria=criteria)})
    assert board.reconcile().converged
    (pr,) = board.prs()
    assert len(pr.description) <= DESCRIPTION_LIMIT
    assert CUT_NOTE in pr.description and "more acceptance criteria in the spec" in pr.description
    checks = [line for line in pr.description.splitlines() if line.startswith("- [ ]")]
    assert checks and all(line.removeprefix("- [ ] ") in criteria for line in checks)  # never cut inside one
    summary = pr.description.splitlines()[1]
    assert summary.endswith("\u2026") and summary[:-1].split()[-1].startswith("word")
    assert summary[:-1].split()[-1] in body.split()  # cut at a word boundary
    assert "?path=/.tickets/PAY-1.md" in pr.description  # the link to the full spec stays
    assert board.statuses("Pull Requests_Create") == [201]


def test_a_retitled_ticket_keeps_its_branch_and_pr(board: GitBoard) -> None:
    board.commit({"PAY-1.md": review_ticket()})
    assert board.reconcile().converged
    board.commit({"PAY-1.md": review_ticket().replace("title: Card vault", "title: Card vault with tokens")})
    assert board.reconcile().converged
    assert board.branches() == [BRANCH, "main"]  # the slug changed, the branch did not
    (pr,) = board.prs()
    assert pr.title == "PAY-1: Card vault with tokens" and pr.source == f"refs/heads/{BRANCH}"
    assert board.file_at(BRANCH, ".tickets/PAY-1.md") == board.ticket_bytes("PAY-1")
    # two branches for one ticket are ambiguous: refused, never guessed
    board.emu.db.push_files("Payments", API, "feature/PAY-1-other", {"x.txt": "x\n"})
    board.commit({"PAY-1.md": review_ticket().replace("title: Card vault", "title: Card vault again")})
    (blocked,) = board.engine().plan().errors
    assert "several branches of PAY-1" in blocked.reason and "feature/PAY-1-other" in blocked.reason
