"""``new``, ``move``, ``list`` and ``show`` as a user runs them: through ``main(argv)``, on real git
repositories under tmp_path, against the emulator as an HTTP server where ADO is involved."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pygit2
import pytest

from gitrepo import commit_files, make_repo
from ticketops.cli.main import main
from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"
CONFIG = (
    "organization_url: https://dev.azure.com/contoso\nproject: Helpdesk\nprocess: basic\n"
    "repos:\n  app:\n    name: helpdesk\ndefault_repo: app\n"
)


def ticket(title: str, status: str = "todo", extra: str = "") -> str:
    return f"---\ntitle: {title}\nstatus: {status}\n{extra}---\n\nSpec of {title}.\n"


@pytest.fixture
def board(tmp_path: Path) -> Path:
    path = tmp_path / "board"
    make_repo(
        path,
        {
            ".tickets/config.yaml": CONFIG,
            ".tickets/HD-1.md": ticket("First"),
            ".tickets/HD-2.md": ticket("Second", "in-progress"),
        },
    )
    return path


@pytest.fixture
def server(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    monkeypatch.setenv(TOKEN_ENV, "authoring-dummy-pat-0123456789")
    with EmulatorServer(emu) as srv:
        yield srv


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


# ---- new -------------------------------------------------------------------------------------
def test_new_takes_the_next_key_free_on_every_branch(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = pygit2.Repository(str(board))
    main_tip = repo.head.target
    # A teammate's branch (fetched as a remote-tracking branch) already took HD-5.
    commit_files(repo, {".tickets/HD-5.md": ticket("Taken elsewhere")}, "HD-5 on a branch")
    repo.references.create("refs/remotes/origin/feature-x", repo.head.target)
    repo.reset(main_tip, pygit2.enums.ResetMode.HARD)
    assert not (board / ".tickets/HD-5.md").exists()

    code, out, _ = run(capsys, "new", "Refund webhooks", "--repo", str(board), "--tag", "api")

    assert code == 0
    assert out.strip() == ".tickets/HD-6.md"
    text = (board / ".tickets/HD-6.md").read_text()
    assert text.startswith("---\ntitle: Refund webhooks\nstatus: todo\ntags:\n  - api\n---\n")
    assert main(["validate", "--repo", str(board), "--worktree"]) == 0


def test_new_quotes_what_yaml_would_misread_and_it_reads_back_the_same(
    board: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Fix: 'yes' # is not a comment"
    code, out, _ = run(capsys, "new", title, "--repo", str(board), "--status", "in-progress", "-o", "json")

    assert code == 0
    key = json.loads(out)["key"]
    assert key == "HD-3"
    code, out, _ = run(capsys, "show", key, "--repo", str(board), "--offline", "-o", "json")
    assert code == 0
    shown = json.loads(out)
    assert (shown["title"], shown["status"]) == (title, "in-progress")


def test_new_refuses_an_unknown_status_and_writes_nothing(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", "X", "--repo", str(board), "--status", "doing")

    assert code == 1
    assert ".tickets/HD-3.md" in err and "doing" in err
    assert not (board / ".tickets/HD-3.md").exists()


def test_new_with_two_prefixes_on_the_board_asks_which(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commit_files(pygit2.Repository(str(board)), {".tickets/OPS-4.md": ticket("Ops")})

    code, _, err = run(capsys, "new", "X", "--repo", str(board))
    assert code == 1 and "HD, OPS" in err and "--prefix" in err

    code, out, _ = run(capsys, "new", "X", "--repo", str(board), "--prefix", "OPS")
    assert (code, out.strip()) == (0, ".tickets/OPS-5.md")


# ---- move ------------------------------------------------------------------------------------
def test_move_changes_only_the_status_value(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = (
        "---\n# who asked: support\ntitle: First\nstatus:   todo   # moved by hand\r\npriority: 2\n---\n\nBody.\n"
    )
    (board / ".tickets/HD-1.md").write_bytes(original.encode())

    code, out, _ = run(capsys, "move", "hd-1", "in-progress", "--repo", str(board), "--yes", "--offline")

    assert code == 0
    after = (board / ".tickets/HD-1.md").read_bytes().decode()
    assert after == original.replace("status:   todo ", "status:   in-progress ")
    assert "HD-1: todo -> in-progress" in out
    assert "branch: feature/HD-1-first is created in repo app from main" in out
    assert "git commit -m 'HD-1: todo -> in-progress'" in out


def test_move_without_a_terminal_or_yes_writes_nothing(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (board / ".tickets/HD-1.md").read_bytes()

    code, _, err = run(capsys, "move", "HD-1", "done", "--repo", str(board), "--offline")

    assert code == 1 and "--yes" in err
    assert (board / ".tickets/HD-1.md").read_bytes() == before


def test_move_to_an_unknown_status_names_the_statuses(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "move", "HD-1", "doing", "--repo", str(board), "--yes", "--offline")

    assert code == 1 and "todo, in-progress, in-review, done" in err


def test_move_previews_the_exact_plan_from_ado(
    board: Path, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", "--repo", str(board), "--org-url", server.url]) == 0
    capsys.readouterr()

    code, out, _ = run(capsys, "move", "HD-1", "in-review", "--repo", str(board), "--yes", "--org-url", server.url)

    assert code == 0
    assert "Plan for this ticket once the change is committed:" in out
    plan = out.split("Plan for this ticket", 1)[1]
    assert "To Do -> Doing" in plan  # the work item's state walk, read from ADO
    assert "feature/HD-1-first" in plan  # the branch and the pull request to come
    assert "HD-2" not in plan  # only the moved ticket


# ---- list and show ---------------------------------------------------------------------------
def test_list_filters_and_shows_the_sync_state(
    board: Path, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", "--repo", str(board), "--org-url", server.url]) == 0
    (board / ".tickets/HD-3.md").write_text(ticket("Third"))
    capsys.readouterr()

    code, out, _ = run(capsys, "list", "--repo", str(board), "--org-url", server.url, "--status", "todo", "-o", "json")

    assert code == 0
    by_key = {r["key"]: r for r in json.loads(out)}
    assert set(by_key) == {"HD-1", "HD-3"}  # HD-2 is in-progress
    assert by_key["HD-1"]["sync"] == "Synced" and isinstance(by_key["HD-1"]["id"], int)
    assert by_key["HD-3"]["sync"] == "Missing"  # written but never applied


def test_list_query_and_tsv(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--repo", str(board), "--offline", "--query", "[?status=='in-progress'].key")
    assert (code, json.loads(out)) == (0, ["HD-2"])

    code, out, _ = run(capsys, "list", "--repo", str(board), "--offline", "-o", "tsv")
    assert out.splitlines()[0].split("\t")[:3] == ["HD-1", "First", "todo"]


def test_list_when_ado_is_unreachable_still_lists(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "list", "--repo", str(board), "--org-url", "http://127.0.0.1:9")

    assert code == 0
    assert "HD-1" in out and "unknown" in out
    assert "sync state unknown" in err


def test_show_prints_fields_sync_state_and_spec(
    board: Path, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", "--repo", str(board), "--org-url", server.url]) == 0
    capsys.readouterr()

    code, out, _ = run(capsys, "show", "HD-2", "--repo", str(board), "--org-url", server.url)

    assert code == 0
    assert out.splitlines()[0] == "HD-2  .tickets/HD-2.md"
    assert "sync:      Synced" in out
    assert "branch:    feature/HD-2-second" in out
    assert out.rstrip().endswith("Spec of Second.")


def test_show_an_unknown_key(board: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "HD-9", "--repo", str(board), "--offline")
    assert code == 1 and "no ticket HD-9" in err
