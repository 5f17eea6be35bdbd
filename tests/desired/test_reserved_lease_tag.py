"""The lease work item's tags are reserved (issue 16.2): a ticket that sets one would have its
work item taken for the lease (and its description overwritten with lease JSON), so it is refused
at its line, and the other tickets are still applied."""

from __future__ import annotations

from pathlib import Path

import pytest

from ticketops.cli.main import main
from ticketops.desired import check

P = ".tickets/PAY-1.md"


@pytest.mark.parametrize("tag", ["ticketops-lease", "Ticketops-Lease", "-ticketops-lease", "ticketops-lease-retired"])
def test_a_ticket_that_sets_a_lease_tag_is_refused_at_its_line(make_board, ticket, tag: str) -> None:
    repo = make_board(
        {P: f"---\ntitle: Refunds\nstatus: backlog\ntags: [urgent, {tag}]\n---\nSpec.\n", ".tickets/PAY-2.md": ticket()}
    )
    state, found = check(Path(repo.workdir))

    [problem] = found
    assert (problem.path, problem.line) == (P, 4)
    assert f"tag {tag!r} is reserved" in problem.message and "lease work item" in problem.message
    assert "remove it from tags" in problem.message
    assert state is not None and [t.key for t in state.tickets] == ["PAY-2"]  # the others still apply
    assert state.invalid_keys == frozenset({"PAY-1"})


def test_validate_exits_1_naming_the_file_and_line(make_board, ticket, capsys) -> None:
    repo = make_board({P: "---\ntitle: Refunds\nstatus: backlog\ntags:\n  - ticketops-lease\n---\n"})
    assert main(["validate", "--repo", repo.workdir]) == 1
    assert f"{P}:5:5: tags: tag 'ticketops-lease' is reserved" in capsys.readouterr().out  # at the list item


def test_tags_that_only_look_alike_are_fine(make_board) -> None:
    repo = make_board({P: "---\ntitle: Refunds\nstatus: backlog\ntags: [ticketops-leases, lease]\n---\n"})
    _, found = check(Path(repo.workdir))
    assert found == ()
