"""A folder or a submodule named like a ticket (`.tickets/PAY-2.md/`) is reported at its path,
never skipped without a word; the other tickets still load."""

from __future__ import annotations

from pathlib import Path

import pygit2

from ticketops.desired import check


def test_a_folder_named_like_a_ticket_is_reported(make_board, ticket) -> None:
    repo = make_board({".tickets/PAY-1.md": ticket("Fine"), ".tickets/PAY-2.md/notes.txt": "oops\n"})

    state, problems = check(Path(repo.workdir))

    assert state is not None and [t.key for t in state.tickets] == ["PAY-1"]
    (problem,) = problems
    assert problem.path == ".tickets/PAY-2.md" and "a folder named like a ticket file" in problem.message
    # the working tree says the same
    state, problems = check(Path(repo.workdir), worktree=True)
    assert [p.path for p in problems] == [".tickets/PAY-2.md"]


def test_a_submodule_named_like_a_ticket_is_reported(make_board, ticket) -> None:
    repo = make_board({".tickets/PAY-1.md": ticket("Fine")})
    head = repo.head.peel(pygit2.Commit)
    tickets = repo.TreeBuilder(head.tree[".tickets"])
    tickets.insert("PAY-3.md", pygit2.Oid(hex="1" * 40), pygit2.GIT_FILEMODE_COMMIT)  # a gitlink
    top = repo.TreeBuilder(head.tree)
    top.insert(".tickets", tickets.write(), pygit2.GIT_FILEMODE_TREE)
    who = pygit2.Signature("t", "t@example.com")
    repo.create_commit("HEAD", who, who, "submodule", top.write(), [head.id])

    state, problems = check(Path(repo.workdir))

    assert state is not None and [t.key for t in state.tickets] == ["PAY-1"]
    assert [(p.path, "a submodule named like a ticket file" in p.message) for p in problems] == [
        (".tickets/PAY-3.md", True)
    ]


def test_a_binary_title_is_refused_at_its_line(make_board, ticket) -> None:
    bad = "---\ntitle: !!binary aGVsbG8=\nstatus: backlog\n---\nbody\n"
    repo = make_board({".tickets/PAY-1.md": ticket("Fine"), ".tickets/PAY-2.md": bad})

    state, problems = check(Path(repo.workdir))

    assert state is not None and [t.key for t in state.tickets] == ["PAY-1"]
    assert {(p.path, p.line) for p in problems} == {(".tickets/PAY-2.md", 2)}
    assert any("the YAML tag !!binary is not supported here" in p.message for p in problems), problems
