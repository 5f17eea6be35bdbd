"""``ticketops repos``, ``repos link``, ``status``, ``plan`` and ``reconcile`` for the git half, as a
user runs them: ``main(argv)`` against the emulator served over HTTP with ``--org-url``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gitkit import API, CONFIG, GitBoard, run, ticket

from ticketops.cli.main import main


def test_repos_lists_the_project_repositories_and_their_aliases(board: GitBoard, server, token_env, capsys) -> None:
    code, out, _ = run(capsys, "repos", "--repo", str(board.root), "--org-url", server.url)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].split() == ["repository", "default", "aliases"]
    assert lines[1].split() == ["payments-api", "main", "api"]
    assert lines[2].split() == ["payments-web", "main", "web"]
    assert board.emu.log.writes() == []


def test_repos_table_columns_line_up_with_their_headers_whatever_the_name_lengths() -> None:
    from ticketops.cli.cmd_repos import RepoRow, render

    short = [
        RepoRow(name="api", default_branch="release/2026-q4", aliases=["a"], exists=True),
        RepoRow(name="web", default_branch="main", aliases=[], exists=True),
    ]
    lines = render("Payments", short).splitlines()
    starts = [lines[0].index("default"), lines[0].index("aliases")]
    assert [lines[1].index("release/2026-q4"), lines[1].index("a", starts[1])] == starts
    assert lines[2].index("main") == starts[0] and lines[2].rstrip().endswith("-")


def test_repos_reports_an_alias_whose_repository_is_gone(tmp_path: Path, emu, server, token_env, capsys) -> None:
    board = GitBoard(tmp_path / "b", emu, CONFIG.replace("name: payments-web", "name: payments-old"))
    code, out, _ = run(capsys, "repos", "--repo", str(board.root), "--org-url", server.url, "--json")
    assert code == 1
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["payments-old"]["exists"] is False and rows["payments-old"]["aliases"] == ["web"]
    assert rows["payments-web"]["aliases"] == []


def test_repos_link_adds_the_repository_and_keeps_comments_and_order(
    tmp_path: Path, emu, server, token_env, capsys
) -> None:
    config = CONFIG.split("# Linked repositories")[0] + "# Where the token comes from.\nauth:\n  mode: pat  # PAT\n"
    board = GitBoard(tmp_path / "b", emu, config)
    path = board.root / ".tickets" / "config.yaml"
    code, out, _ = run(
        capsys, "repos", "link", "payments-web", "--alias", "web", "--repo", str(board.root), "--org-url", server.url
    )
    assert code == 0 and "linked payments-web as alias 'web'" in out
    text = path.read_text()
    assert text.startswith(config.split("# Where")[0])  # everything before is unchanged, comments included
    assert "project: Payments   # the project" in text and "mode: pat  # PAT" in text
    assert text.index("# Where the token comes from.") < text.index("auth:") < text.index("repos:")
    assert "repos:\n  web:\n    name: payments-web\n    default_branch: main\n" in text

    code, out, _ = run(capsys, "repos", "link", "PAYMENTS-API", "--repo", str(board.root), "--org-url", server.url)
    assert code == 0 and "alias 'payments-api'" in out  # the name's case is ADO's, the alias derived from it
    assert "  payments-api:\n    name: payments-api\n" in path.read_text()

    code, out, _ = run(capsys, "repos", "link", "payments-api", "--repo", str(board.root), "--org-url", server.url)
    assert code == 0 and "already linked" in out

    code, _, err = run(capsys, "repos", "link", "ledger", "--repo", str(board.root), "--org-url", server.url)
    assert code == 1 and "'ledger' does not exist in project 'Payments'" in err and "payments-api, payments-web" in err
    code, _, err = run(
        capsys, "repos", "link", "payments-api", "--alias", "web", "--repo", str(board.root), "--org-url", server.url
    )
    assert code == 1 and "already points at 'payments-web'" in err

    code, out, _ = run(capsys, "repos", "--repo", str(board.root), "--org-url", server.url)
    assert code == 0 and "payments-web  main" in out.replace("  ", "  ")


def test_status_shows_branch_and_pr_and_a_completed_pr(board: GitBoard, server, token_env, capsys) -> None:
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-review", reviewers=["bob@contoso.com"]),
            "PAY-2.md": ticket("Refunds", "in-progress"),
        }
    )
    args = ("--repo", str(board.root), "--org-url", server.url)
    code, out, _ = run(capsys, "status", *args)
    assert code == 2 and "pending: create-branch, push-spec, create-pr" in out

    code, out, _ = run(capsys, "reconcile", *args)
    assert code == 0, out
    code, out, _ = run(capsys, "status", *args, "--json")
    assert code == 0
    git = {r["key"]: r["git"] for r in json.loads(out)}
    assert git == {"PAY-1": "branch feature/PAY-1-card-vault, PR #1 active", "PAY-2": "branch feature/PAY-2-refunds"}

    board.emu.db.set_pull_request_status(1, "completed", by="bob@contoso.com")
    code, out, _ = run(capsys, "status", *args)
    assert code == 0 and "PR #1 completed" in out
    code, out, _ = run(capsys, "plan", *args)
    assert (
        code == 0 and "pull request #1 from feature/PAY-1-card-vault was completed in ADO; it is not recreated" in out
    )
    assert len(board.prs(API)) == 1


def test_help_for_repos(capsys) -> None:
    with pytest.raises(SystemExit) as e:
        main(["repos", "--help"])
    assert e.value.code == 0 and "repos link" in capsys.readouterr().out
