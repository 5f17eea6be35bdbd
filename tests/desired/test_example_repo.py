"""The example board that ships with ticketops (example-repo/) is valid and covers the workflow."""

from __future__ import annotations

from pathlib import Path

import pygit2
import pytest

from ticketops.desired import check

EXAMPLE = Path(__file__).resolve().parents[2] / "example-repo"


def _committed() -> bool:
    repo = pygit2.Repository(pygit2.discover_repository(str(EXAMPLE)))
    try:
        repo[repo.head.target].tree["example-repo/.tickets/config.yaml"]
    except KeyError:
        return False
    return True


@pytest.mark.parametrize("worktree", [True, False], ids=["worktree", "committed"])
def test_example_repo_validates_clean(worktree: bool) -> None:
    if not worktree and not _committed():
        pytest.skip("example-repo is not committed in this checkout")
    state, problems = check(EXAMPLE, worktree=worktree)
    assert [str(p) for p in problems] == []
    assert state is not None
    assert state.tickets_dir == "example-repo/.tickets"
    assert len(state.tickets) >= 10


def test_example_repo_covers_every_status_both_repos_and_the_seeded_people() -> None:
    state, _ = check(EXAMPLE, worktree=True)
    assert state is not None
    cfg = state.config
    assert (cfg.organization_url, cfg.project, cfg.process.value) == (
        "https://dev.azure.com/contoso",
        "Payments",
        "agile",
    )
    assert {a: r.name for a, r in cfg.repos.items()} == {"api": "payments-api", "web": "payments-web"}
    assert [(s.name, s.state) for s in cfg.effective_statuses] == [
        ("backlog", "New"),
        ("in-progress", "Active"),
        ("in-review", "Resolved"),
        ("done", "Closed"),
    ]
    assert {t.status for t in state.tickets} == {"backlog", "in-progress", "in-review", "done"}
    assert {state.repo_alias(t) for t in state.tickets} == {"api", "web"}
    people = {t.assignee for t in state.tickets if t.assignee} | {r for t in state.tickets for r in t.reviewers}
    assert people == {f"{n}@contoso.com" for n in ("alice", "bob", "carol", "dave", "erin")}
    assert all(t.body.startswith("## ") for t in state.tickets)
