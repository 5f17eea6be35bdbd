"""A token pasted into a ticket: the ticket gets no writes at all, the others still apply, and
no output of any command (nor anything written to ADO) holds the token or a piece of it.

Run as a user runs it: ``main(argv)`` against the emulator over HTTP; then the emulator's own
state (every field of every work item revision, every PR, every blob on every ref) is searched.
"""

from __future__ import annotations

import json

import pygit2
import pytest
from gitkit import API, PROJECT, WEB, GitBoard, run, ticket

# Shaped like the real thing (fake values): an ADO PAT is 52 base32 characters, a classic
# GitHub token ``ghp_`` and 36 alphanumerics.
ADO_PAT = "x3k7mq2vhn5pz4wrt6ya2cbj7dqe5slgu3fio4nk6hvz2mrpw7ta"
GH_TOKEN = "ghp_R8tQ2mZk7vLp3XcW9nYb4HsJ6dFg1Ae5Ku0O"
PIECE = 8  # no run of this many characters of a token may show anywhere


def _pieces(token: str) -> list[str]:
    return [token[i : i + PIECE] for i in range(len(token) - PIECE + 1)]


def _leaks(text: str) -> list[str]:
    return [p for token in (ADO_PAT, GH_TOKEN) for p in _pieces(token) if p in text]


def _emulator_text(board: GitBoard) -> str:
    """Everything the emulator holds that ticketops could have written: work item fields of every
    revision and comments, PR titles and descriptions, every blob reachable from every ref."""
    parts: list[str] = []
    for item in board.emu.db.work_items(PROJECT):
        parts.append(repr(item.fields))
        parts += [repr(rev) for rev in item.revisions]
        parts += [repr(c) for c in item.comments]
    for repo_name in (API, WEB):
        parts += [repr(pr) for pr in board.prs(repo_name)]
        git = board.git(repo_name)
        for ref in git.references:
            for commit in git.walk(git.references[ref].target, pygit2.enums.SortMode.TOPOLOGICAL):
                parts.append(commit.message)
                stack = [commit.tree]
                while stack:
                    tree = stack.pop()
                    for entry in tree:
                        obj = git[entry.id]
                        if isinstance(obj, pygit2.Tree):
                            stack.append(obj)
                        elif isinstance(obj, pygit2.Blob):
                            parts.append(obj.data.decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.fixture
def pasted(board: GitBoard) -> GitBoard:
    assert len(ADO_PAT) == 52 and len(GH_TOKEN) == 40
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-progress", "Store cards safely.\n"),
            "PAY-2.md": ticket(
                "Call the billing API",
                "in-progress",
                f"Use this PAT for the staging org: {ADO_PAT}\n\nThen call the endpoint.\n",
            ),
            "PAY-3.md": ticket("Mirror to GitHub", "backlog", f"export GH_TOKEN={GH_TOKEN}\n", repo="web"),
        }
    )
    return board


def test_a_ticket_with_a_pasted_token_gets_no_writes_and_no_output_shows_the_token(
    pasted: GitBoard, server, token_env, capsys
) -> None:
    args = ("--repo", str(pasted.root), "--org-url", server.url)
    outputs: list[str] = []
    stdout: list[str] = []

    def cli(*argv: str) -> int:
        code, out, err = run(capsys, *argv)
        outputs.append(f"$ ticketops {' '.join(argv)}\n{out}\n{err}")
        stdout.append(out)
        return code

    codes = {
        "validate": cli("validate", "--repo", str(pasted.root)),
        "validate --json": cli("validate", "--repo", str(pasted.root), "--json"),
        "plan": cli("plan", *args),
        "plan --json": cli("plan", *args, "--json"),
        "plan -vv": cli("-vv", "plan", *args),
        "reconcile -vv": cli("-vv", "reconcile", *args),
        "status": cli("status", *args),
        "status --json": cli("status", *args, "--json"),
        "show": cli("show", "PAY-2", *args),
        "show --json": cli("show", "PAY-3", *args, "--json"),
        "list": cli("list", "--repo", str(pasted.root)),
    }
    reconcile_out = outputs[5]
    everything = "\n".join(outputs)
    assert _leaks(everything) == [], everything
    assert _leaks(_emulator_text(pasted)) == []

    # The others still apply; the two tickets are reported as blocked, with the reason.
    assert codes["validate"] == codes["validate --json"] == 1, everything
    assert codes["plan"] == codes["plan --json"] == codes["reconcile -vv"] == 1, everything
    assert "PAY-2" in reconcile_out and "personal access token" in reconcile_out
    assert "PAY-3" in reconcile_out and "GitHub" in reconcile_out
    ids = {k: pasted.item_id(k) for k in ("PAY-1",)}
    assert ids["PAY-1"] > 0
    for key in ("PAY-2", "PAY-3"):
        with pytest.raises(KeyError):
            pasted.item_id(key)
    branches = pasted.branches(API) + pasted.branches(WEB)
    assert "feature/PAY-1-card-vault" in branches
    assert not [b for b in branches if "PAY-2" in b or "PAY-3" in b], branches
    plan = json.loads(stdout[3])
    blocked = {a["key"]: a for a in plan["actions"] if a["kind"] == "blocked"}
    assert set(blocked) == {"PAY-2", "PAY-3"}, plan["actions"]


def test_validate_names_the_file_and_line_of_a_github_token_without_echoing_it(pasted: GitBoard, capsys) -> None:
    code, out, err = run(capsys, "validate", "--repo", str(pasted.root))
    assert code == 1
    assert ".tickets/PAY-3.md:6:" in out and "GitHub" in out, out
    assert ".tickets/PAY-2.md:5:" in out and "personal access token" in out, out
    assert _leaks(out + err) == []
