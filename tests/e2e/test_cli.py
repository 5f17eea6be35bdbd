"""The plan/apply/reconcile/status commands as a user runs them: ``main(argv)`` against the
emulator served over real HTTP on 127.0.0.1, with ``--org-url`` pointing at it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from board import TOKEN, TOKEN_ENV, Board, ticket_md
from ticketops.cli.main import main
from ticketops.emulator.server import EmulatorServer


@pytest.fixture
def server(emu):
    with EmulatorServer(emu) as srv:
        yield srv


@pytest.fixture
def board(tmp_path: Path, emu) -> Board:
    b = Board(tmp_path / "board", emu)
    b.commit(
        {
            "PAY-1.md": ticket_md("Card vault", "in-progress", "Store cards safely.\n", assignee="alice@contoso.com"),
            "PAY-2.md": ticket_md("Refunds", "backlog", "Refund flow.\n"),
        }
    )
    return b


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_apply_plan_exit_codes_like_terraform(board: Board, server, token_env, capsys) -> None:
    args = ("--repo", str(board.root), "--org-url", server.url)
    code, out, _ = run(capsys, "plan", *args)
    assert code == 2
    assert "+ PAY-1" in out and "+ PAY-2" in out and "Plan: 2 to create" in out

    code, out, _ = run(capsys, "apply", *args)
    assert code == 0, out
    assert "created #" in out and "Applied: 2 applied" in out

    code, out, _ = run(capsys, "plan", *args)
    assert code == 0 and "No changes" in out


def test_reconcile_reports_converged_and_then_writes_nothing(board: Board, server, token_env, emu, capsys) -> None:
    args = ("--repo", str(board.root), "--org-url", server.url)
    code, out, _ = run(capsys, "reconcile", *args)
    assert code == 0 and "converged after 1 pass(es)" in out and "2 created" in out
    emu.log.reset()
    code, out, _ = run(capsys, "reconcile", *args, "--stats")
    assert code == 0 and "converged after 0 pass(es): 2 in sync" in out
    assert emu.log.writes() == []


def test_plan_json_and_status_table(board: Board, server, token_env, emu, capsys) -> None:
    args = ("--repo", str(board.root), "--org-url", server.url)
    run(capsys, "reconcile", *args)
    item = board.items()["PAY-2"]
    emu.db.update_work_item("Payments", item.id, {"System.Title": "Renamed in ADO"})

    code, out, _ = run(capsys, "plan", *args, "--json")
    assert code == 2
    data = json.loads(out)
    (action,) = data["actions"]
    assert action["kind"] == "update" and action["changes"][0]["drift"] is True

    code, out, _ = run(capsys, "status", *args)
    assert code == 2
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("PAY-")}
    assert "Synced" in lines["PAY-1"]
    assert "OutOfSync" in lines["PAY-2"] and "(drift)" in lines["PAY-2"] and "Renamed in ADO" in lines["PAY-2"]

    code, out, _ = run(capsys, "status", *args, "--json")
    rows = {r["key"]: r for r in json.loads(out)}
    assert rows["PAY-1"]["status"] == "Synced" and rows["PAY-2"]["status"] == "OutOfSync"


def test_stats_prints_request_counts(board: Board, server, token_env, capsys) -> None:
    code, _, err = run(capsys, "plan", "--repo", str(board.root), "--org-url", server.url, "--stats")
    assert code == 2
    assert "POST wit.wiql" in err and "total requests" in err


def test_missing_token_is_an_error_naming_the_variable(board: Board, server, capsys) -> None:
    code, _, err = run(capsys, "plan", "--repo", str(board.root), "--org-url", server.url)
    assert code == 1
    assert TOKEN_ENV in err and TOKEN not in err


def test_env_org_url_override_and_read_only_board(tmp_path: Path, emu, server, token_env, monkeypatch, capsys) -> None:
    b = Board(
        tmp_path / "ro",
        emu,
        config="organization_url: https://dev.azure.com/contoso\nproject: Payments\nread_only: true\n",
    )
    b.commit({"PAY-1.md": ticket_md("Read only", "backlog")})
    monkeypatch.setenv("TICKETOPS_ORG_URL", server.url)
    code, out, _ = run(capsys, "plan", "--repo", str(b.root))
    assert code == 2 and "+ PAY-1" in out
    code, _, err = run(capsys, "apply", "--repo", str(b.root))
    assert code == 1 and "read-only" in err
    assert emu.log.writes() == []


def test_help_on_every_command(capsys) -> None:
    for cmd in ("plan", "apply", "reconcile", "status", "demo"):
        with pytest.raises(SystemExit) as e:
            main([cmd, "--help"])
        assert e.value.code == 0
        assert "usage: ticketops " + cmd in capsys.readouterr().out


def test_demo_applies_shows_drift_and_converges(capsys) -> None:
    code, out, _ = run(capsys, "demo")
    assert code == 0, out
    # 12 work items; the 6 started tickets get a branch with their spec, the 3 in review a PR
    assert "Plan: 12 to create, 0 to update, 0 to prune; 6 create-branch, 3 create-pr, 6 push-spec" in out
    assert "Applied: 27 applied" in out
    assert "! drift (changed in ADO, put back)" in out
    assert "was completed in ADO; it is not recreated" in out
    assert "converged: 12 work items in sync" in out


def test_demo_of_another_board(tmp_path: Path, emu, capsys) -> None:
    b = Board(tmp_path / "other", emu)
    b.commit({"PAY-1.md": ticket_md("Only one", "backlog"), "PAY-2.md": ticket_md("And two", "done")})
    code, out, _ = run(capsys, "demo", "--repo", str(b.root))
    assert code == 0 and "converged: 2 work items in sync" in out
