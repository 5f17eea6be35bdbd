"""``ticketops repos link`` as the README tells a user to run it, then ``validate``/``plan``/``reconcile``:
a board with one linked repository works without ``default_repo``, and the edit keeps the file's bytes
(line endings, BOM) apart from the added lines. ``main(argv)`` against the emulator served over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitkit import API, PROJECT, WEB, GitBoard, run, ticket

from ticketops.emulator.server import EmulatorServer

BARE_CONFIG = f"organization_url: https://dev.azure.com/contoso\nproject: {PROJECT}\nprocess: agile\n"


def _link_and_commit(board: GitBoard, server: EmulatorServer, capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = run(capsys, "repos", "link", name, "--repo", str(board.root), "--org-url", server.url)
    assert code == 0, out + err
    board.commit({"config.yaml": (board.root / ".tickets" / "config.yaml").read_bytes()}, f"link {name}")


def test_the_only_linked_repository_takes_started_tickets(tmp_path: Path, emu, server, token_env, capsys) -> None:
    board = GitBoard(tmp_path / "b", emu, BARE_CONFIG)
    board.commit({"PAY-7.md": ticket("Started", "in-progress")})
    _link_and_commit(board, server, capsys, WEB)
    args = ("--repo", str(board.root), "--org-url", server.url)

    code, out, err = run(capsys, "validate", "--repo", str(board.root))
    assert code == 0, out + err
    code, out, err = run(capsys, "plan", *args)
    assert code == 2 and "needs a repository" not in out + err
    code, out, err = run(capsys, "reconcile", *args)
    assert code == 0, out + err
    assert board.tip("feature/PAY-7-started", WEB) is not None


def test_two_linked_repositories_without_default_are_refused_as_ambiguous(
    tmp_path: Path, emu, server, token_env, capsys
) -> None:
    board = GitBoard(tmp_path / "b", emu, BARE_CONFIG)
    board.commit({"PAY-7.md": ticket("Started", "in-progress"), "PAY-8.md": ticket("Later", "backlog")})
    _link_and_commit(board, server, capsys, WEB)
    _link_and_commit(board, server, capsys, API)

    code, out, err = run(capsys, "validate", "--repo", str(board.root))
    assert code == 1
    assert ".tickets/PAY-7.md:3:1: status 'in-progress' needs a repository" in out + err
    assert "add 'repo:' with one of payments-api, payments-web, or set default_repo" in out + err
    assert "PAY-8" not in out + err


def test_repos_link_keeps_crlf_line_ends_and_the_bom(tmp_path: Path, emu, server, token_env, capsys) -> None:
    original = "\ufeff# Board\r\n" + BARE_CONFIG.replace("\n", "\r\n")
    board = GitBoard(tmp_path / "b", emu, original)
    path = board.root / ".tickets" / "config.yaml"
    assert path.read_bytes() == original.encode("utf-8")
    mode = path.stat().st_mode

    code, out, err = run(capsys, "repos", "link", WEB, "--repo", str(board.root), "--org-url", server.url)
    assert code == 0, out + err
    added = "repos:\r\n  payments-web:\r\n    name: payments-web\r\n    default_branch: main\r\n"
    assert path.read_bytes() == (original + added).encode("utf-8")  # only the new lines differ
    assert path.stat().st_mode == mode
    code, out, err = run(capsys, "validate", "--worktree", "--repo", str(board.root))
    assert code == 0, out + err
