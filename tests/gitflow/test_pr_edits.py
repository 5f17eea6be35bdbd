"""A person's edit of a PR's description is seen and put back as drift, wherever it is; and a
PR edited between ticketops' read and its write is never overwritten (issue 16.11)."""

from __future__ import annotations

from gitkit import GitBoard, ticket

from ticketops.plan import UpdatePullRequest, render_text

BRANCH = "feature/PAY-1-card-vault"


def review_ticket(body: str = "Merchants want saved cards.\n") -> str:
    return ticket("Card vault", "in-review", body, reviewers=["bob@contoso.com"], acceptance_criteria=["Encrypted"])


def person_edits_description(board: GitBoard, replace: str, by: str) -> None:
    (pr,) = board.prs()
    db = board.emu.db
    with db.lock:
        db.pulls.update(pr, {"description": pr.description.replace(replace, by)}, db.user("dave@contoso.com"))


def test_an_edit_below_the_marker_is_drift_and_is_put_back(board: GitBoard) -> None:
    board.commit({"PAY-1.md": review_ticket()})
    assert board.reconcile().converged
    written = board.prs()[0].description
    person_edits_description(board, "Merchants want saved cards.", "Merchants want saved cards. (dave: not yet)")

    plan = board.engine().plan()

    (update,) = [a for a in plan.actions if isinstance(a, UpdatePullRequest)]
    assert update.drift and update.rewrite
    assert "edited in ADO since ticketops wrote it" in render_text(plan)
    assert board.reconcile().converged
    assert board.prs()[0].description == written


def test_an_edit_far_down_a_long_description_is_put_back_when_ticketops_next_writes(board: GitBoard) -> None:
    """A PR list shows the first 400 characters of a description; an edit there is seen on every
    plan at no cost. An edit past them is seen as soon as the PR is re-read for a write."""
    long_body = "Merchants want saved cards.\n\n" + "Details. " * 120 + "\n"
    board.commit({"PAY-1.md": review_ticket(long_body)})
    assert board.reconcile().converged
    person_edits_description(board, "Merchants want saved cards.", "Merchants want SAVED cards.")  # in the head

    plan = board.engine().plan()

    (update,) = [a for a in plan.actions if isinstance(a, UpdatePullRequest)]
    assert update.drift
    assert board.reconcile().converged
    assert "Merchants want saved cards." in board.prs()[0].description


def test_a_pr_edited_between_read_and_write_is_not_overwritten(board: GitBoard) -> None:
    board.commit({"PAY-1.md": review_ticket()})
    assert board.reconcile().converged
    board.commit({"PAY-1.md": review_ticket("Merchants want saved cards, and wallets.\n")})
    engine = board.engine()
    plan = engine.plan()
    assert [a.kind for a in plan.actions if isinstance(a, UpdatePullRequest)] == ["update-pr"]
    person_edits_description(board, "Merchants want saved cards.", "A person's words, written meanwhile.")

    report = engine.apply(plan).report

    assert report is not None
    (outcome,) = [o for o in report.outcomes if o.kind == "update-pr"]
    assert outcome.status == "unchanged" and "edited in ADO after this pass read it; not overwritten" in outcome.message
    assert "A person's words, written meanwhile." in board.prs()[0].description
    # the next pass reads it again, reports the edit as drift and puts the ticket's text in
    assert board.reconcile().converged
    assert "and wallets" in board.prs()[0].description
