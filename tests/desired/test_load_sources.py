"""Where the desired state is read from: commits, older revisions, the worktree, sub-folders,
bare repositories, and the errors a user gets when pointing at the wrong place."""

from __future__ import annotations

import os
from pathlib import Path

import pygit2
import pytest

from gitrepo import make_repo
from ticketops.cli.main import main
from ticketops.desired import check, load
from ticketops.model.errors import ConfigError, GitError, ValidationFailed


def workdir(repo: pygit2.Repository) -> Path:
    return Path(repo.workdir)


def test_load_reads_the_committed_tree(board: pygit2.Repository) -> None:
    state = load(workdir(board))
    assert [t.key for t in state.tickets] == ["PAY-1", "PAY-2"]
    assert state.commit == str(board.head.target)
    assert state.tickets_dir == ".tickets"
    assert state.config.project == "Payments"
    pay1 = state.ticket("PAY-1")
    assert pay1.title == "Idempotency keys"
    assert pay1.status == "in-progress"
    assert pay1.assignee == "alice@contoso.com"
    assert pay1.path == ".tickets/PAY-1.md"
    assert pay1.body == "## Context\n\nWhy this matters.\n"


def test_ticket_content_and_blob_id_are_the_committed_bytes(board: pygit2.Repository) -> None:
    pay1 = load(workdir(board)).ticket("PAY-1")
    blob = board[board.head.target].tree[".tickets/PAY-1.md"]
    assert pay1.content == blob.data
    assert pay1.blob_id == str(blob.id)


def test_uncommitted_edits_are_invisible_without_worktree(board: pygit2.Repository, ticket) -> None:
    (workdir(board) / ".tickets" / "PAY-2.md").write_text(ticket("Card icons v2", "done"))
    (workdir(board) / ".tickets" / "PAY-3.md").write_text(ticket("New, not committed"))
    committed = load(workdir(board))
    assert committed.ticket("PAY-2").title == "Card icons"
    assert [t.key for t in committed.tickets] == ["PAY-1", "PAY-2"]

    disk = load(workdir(board), worktree=True)
    assert disk.commit is None
    assert disk.ticket("PAY-2").title == "Card icons v2"
    assert [t.key for t in disk.tickets] == ["PAY-1", "PAY-2", "PAY-3"]
    data = (workdir(board) / ".tickets" / "PAY-3.md").read_bytes()
    assert disk.ticket("PAY-3").blob_id == str(pygit2.hash(data))
    assert disk.ticket("PAY-3").content == data


def test_rev_reads_an_older_commit(board: pygit2.Repository, ticket, commit) -> None:
    first = str(board.head.target)
    commit(board, {".tickets/PAY-1.md": ticket("Renamed", "done"), ".tickets/PAY-2.md": None})
    commit(board, {".tickets/PAY-3.md": ticket("Third")})
    assert [t.key for t in load(workdir(board)).tickets] == ["PAY-1", "PAY-3"]
    old = load(workdir(board), rev="HEAD~2")
    assert old.commit == first
    assert old.ticket("PAY-1").title == "Idempotency keys"
    assert [t.key for t in old.tickets] == ["PAY-1", "PAY-2"]
    assert load(workdir(board), rev=first[:8]).commit == first
    assert load(workdir(board), rev="main").ticket("PAY-1").title == "Renamed"


def test_nested_folder_finds_the_nearest_tickets_folder_above(board: pygit2.Repository, commit) -> None:
    commit(board, {"src/app/deep/main.py": "print('hi')\n"})
    nested = workdir(board) / "src" / "app" / "deep"
    state = load(nested)
    assert state.tickets_dir == ".tickets"
    assert [t.key for t in state.tickets] == ["PAY-1", "PAY-2"]


def test_running_with_the_default_repo_from_a_nested_cwd(
    board: pygit2.Repository, commit, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(board, {"docs/index.md": "# docs\n"})
    monkeypatch.chdir(workdir(board) / "docs")
    assert len(load().tickets) == 2


def test_monorepo_subfolder_paths_are_relative_to_the_git_root(tmp_path: Path, config_text: str, ticket) -> None:
    repo = make_repo(
        tmp_path / "mono",
        {
            "services/payments/.tickets/config.yaml": config_text,
            "services/payments/.tickets/PAY-1.md": ticket("In the monorepo"),
            "services/other/README.md": "other team\n",
        },
    )
    state = load(workdir(repo) / "services" / "payments")
    assert state.tickets_dir == "services/payments/.tickets"
    assert state.ticket("PAY-1").path == "services/payments/.tickets/PAY-1.md"
    with pytest.raises(ConfigError, match=r"no \.tickets/ folder"):
        load(workdir(repo) / "services" / "other")


def test_bare_repository_reads_the_tree_root_or_a_subdir(tmp_path: Path, config_text: str, ticket) -> None:
    bare = make_repo(
        tmp_path / "board.git",
        {
            ".tickets/config.yaml": config_text,
            ".tickets/PAY-1.md": ticket("At the root"),
            "team/.tickets/config.yaml": config_text,
            "team/.tickets/PAY-7.md": ticket("In team/"),
        },
        bare=True,
    )
    assert bare.is_bare
    root = load(tmp_path / "board.git")
    assert [t.key for t in root.tickets] == ["PAY-1"]
    team = load(tmp_path / "board.git", subdir="team")
    assert team.tickets_dir == "team/.tickets"
    assert team.ticket("PAY-7").path == "team/.tickets/PAY-7.md"
    with pytest.raises(GitError, match="bare repository"):
        load(tmp_path / "board.git", worktree=True)


def test_ticketops_folder_readme_and_other_files_are_ignored(make_board, ticket) -> None:
    repo = make_board(
        {
            ".tickets/PAY-1.md": ticket(),
            ".tickets/README.md": "# How we write tickets\n",
            ".tickets/.gitkeep": "",
            ".tickets/diagram.png": b"\x89PNG\r\n\x1a\n\x00\x00",
            ".tickets/.ticketops/PAY-1.comments.md": "not a ticket",
            ".tickets/.ticketops/NOPE.md": "not a ticket either",
        }
    )
    state, problems = check(workdir(repo))
    assert problems == ()
    assert [t.key for t in state.tickets] == ["PAY-1"]


def test_an_invalid_ticket_does_not_block_the_others(make_board, ticket) -> None:
    repo = make_board(
        {
            ".tickets/PAY-1.md": ticket("Good one"),
            ".tickets/PAY-2.md": ticket("Bad status", "doing"),
            ".tickets/PAY-3.md": ticket("Also good", "done"),
        }
    )
    state = load(workdir(repo))
    assert [t.key for t in state.tickets] == ["PAY-1", "PAY-3"]
    assert state.invalid_keys == frozenset({"PAY-2"})
    assert [p.path for p in state.problems] == [".tickets/PAY-2.md"]


def test_crlf_files_and_a_bom_are_read(make_board) -> None:
    text = "\ufeff---\r\ntitle: Windows editor\r\nstatus: backlog\r\n---\r\n\r\nLine one\r\nLine two\r\n"
    repo = make_board({".tickets/PAY-1.md": text.encode("utf-8")})
    t = load(workdir(repo)).ticket("PAY-1")
    assert t.title == "Windows editor"
    assert t.body == "Line one\nLine two\n"
    assert t.content == text.encode("utf-8")


def test_symlink_inside_the_repo_is_followed(make_board, ticket) -> None:
    from gitrepo import Symlink

    repo = make_board(
        {
            "specs/payments.md": ticket("Shared spec"),
            ".tickets/PAY-1.md": Symlink("../specs/payments.md"),
        }
    )
    for worktree in (False, True):
        t = load(workdir(repo), worktree=worktree).ticket("PAY-1")
        assert t.title == "Shared spec"
        assert t.path == ".tickets/PAY-1.md"


def test_not_a_git_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    (folder / ".tickets").mkdir(parents=True)
    with pytest.raises(GitError, match="not inside a git repository"):
        load(folder)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="no such folder"):
        load(tmp_path / "nope")


def test_unknown_revision_names_the_fix(board: pygit2.Repository) -> None:
    with pytest.raises(GitError, match=r"cannot resolve revision 'no-such-branch'.*git log"):
        load(workdir(board), rev="no-such-branch")


def test_repository_without_commits(tmp_path: Path) -> None:
    pygit2.init_repository(str(tmp_path / "empty"))
    with pytest.raises(GitError, match=r"no commits yet.*--worktree"):
        load(tmp_path / "empty")


def test_tickets_folder_not_committed_suggests_worktree(tmp_path: Path, config_text: str) -> None:
    repo = make_repo(tmp_path / "r", {"README.md": "hi\n"})
    (workdir(repo) / ".tickets").mkdir()
    (workdir(repo) / ".tickets" / "config.yaml").write_text(config_text)
    with pytest.raises(ConfigError, match="commit it or use --worktree"):
        load(workdir(repo))
    assert load(workdir(repo), worktree=True).tickets == ()


def test_invalid_config_raises_from_load_but_check_reports_tickets_too(make_board, ticket) -> None:
    repo = make_board(
        {".tickets/PAY-1.md": ticket("Fine"), ".tickets/PAY-2.md": "---\ntitle: x\nstatus: backlog\ntitle: y\n---\n"},
        config="project: Payments\n",
    )
    with pytest.raises(ValidationFailed) as err:
        load(workdir(repo))
    assert [str(p) for p in err.value.problems] == [
        ".tickets/config.yaml:1:1: missing required field 'organization_url'"
    ]
    state, problems = check(workdir(repo))
    assert state is None
    assert [str(p) for p in problems] == [
        ".tickets/PAY-2.md:4:1: duplicate key 'title' (first set on line 2); keep only one",
        ".tickets/config.yaml:1:1: missing required field 'organization_url'",
    ]


def test_subdir_relative_to_git_root_for_a_normal_repo(tmp_path: Path, config_text: str, ticket) -> None:
    repo = make_repo(tmp_path / "r", {"a/.tickets/config.yaml": config_text, "a/.tickets/PAY-1.md": ticket()})
    elsewhere = tmp_path / "r" / "b"
    os.makedirs(elsewhere)
    assert load(elsewhere, subdir="a").tickets_dir == "a/.tickets"
    assert load(workdir(repo), subdir="a", worktree=True).ticket("PAY-1").path == "a/.tickets/PAY-1.md"


@pytest.mark.parametrize("worktree", [False, True])
def test_a_ticket_file_in_a_sub_folder_is_reported_not_skipped(make_board, ticket, capsys, worktree: bool) -> None:
    repo = make_board(
        {
            ".tickets/PAY-1.md": ticket("Top level"),
            ".tickets/sprint1/PAY-4.md": ticket("Nested"),
            ".tickets/sprint1/deeper/pay-5.md": ticket("Deeper, lower-case"),
            ".tickets/archive/PAY-1.md": ticket("An old copy"),
            ".tickets/sprint1/notes.md": "not a key: ignored\n",
            ".tickets/.ticketops/PAY-9.md": "hidden tool folder: ignored\n",
        }
    )
    argv = ["validate", "--repo", str(workdir(repo))] + (["--worktree"] if worktree else [])
    assert main(argv) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert (
        ".tickets/sprint1/PAY-4.md:0:0: PAY-4.md is in a sub-folder, so it is not a ticket: move it to .tickets/ "
        "— only files directly in .tickets/ are tickets"
    ) in text
    assert ".tickets/sprint1/deeper/pay-5.md" in text
    assert ".tickets/archive/PAY-1.md:0:0: PAY-1.md is in a sub-folder" in text
    assert "(.tickets/PAY-1.md already has this key: keep one of them)" in text
    assert "notes.md" not in text and "PAY-9" not in text
    state = load(workdir(repo), worktree=worktree)
    assert [t.key for t in state.tickets] == ["PAY-1"]  # the valid ticket still reconciles
    assert state.invalid_keys == {"PAY-4", "PAY-5"}  # their work items are not taken for orphans


def test_head_on_a_branch_without_commits_names_branches_that_have_them(make_board, ticket, capsys) -> None:
    bare = make_board({".tickets/PAY-1.md": ticket()}, bare=True)
    branch = bare.head.shorthand
    bare.references.create("refs/heads/dev", bare.head.target)
    bare.set_head("refs/heads/gone")  # a bare clone whose HEAD names a branch that is not there
    assert bare.head_is_unborn
    assert main(["validate", "--repo", bare.path]) == 1
    err = capsys.readouterr().err
    assert f"HEAD in {bare.path} points at branch 'gone', which has no commits" in err
    assert f"use --rev {branch} or --rev dev" in err and "no commits yet" not in err
    assert main(["validate", "--repo", bare.path, "--rev", "dev"]) == 0


def test_an_orphan_branch_suggests_rev(board: pygit2.Repository, capsys) -> None:
    branch = board.head.shorthand
    board.set_head("refs/heads/orphan")  # what `git checkout --orphan orphan` does
    with pytest.raises(GitError, match=f"points at branch 'orphan', which has no commits.*use --rev {branch}"):
        load(workdir(board))
    assert main(["validate", "--repo", str(workdir(board)), "--rev", branch]) == 0
