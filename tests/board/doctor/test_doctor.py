"""``ticketops doctor``: one line per check, exit 0 only when every check passes; each failure
says what is missing and how to fix it. Never writes (the validateOnly create saves nothing)."""

from __future__ import annotations

from pathlib import Path

from importkit import TOKEN, ImportBoard

from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

GOOD = (
    "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
    "repos:\n  api:\n    name: payments-api\ndefault_repo: api\n"
)
CLASSIC_PAT = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst"  # 52 chars of base32: PAT-shaped


def lines(out: str) -> dict[str, str]:
    """check name -> its line (the first line of each check)."""
    found: dict[str, str] = {}
    for line in out.splitlines():
        parts = line.split(None, 1)
        if parts and parts[0] in ("ok", "FAIL", "skip"):
            rest = line[6:]
            found[rest[:16].strip()] = parts[0]
    return found


def make(tmp_path: Path, url: str, capsys, config: str = GOOD, files: dict[str, str] | None = None) -> ImportBoard:
    b = ImportBoard(tmp_path / "board", url, capsys, config=config)
    for rel, text in (files or {}).items():
        (b.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (b.root / rel).write_text(text)
    b.commit_all()
    return b


def test_a_healthy_board_passes_every_check(tmp_path, server: EmulatorServer, emu: Emulator, capsys) -> None:
    b = make(tmp_path, server.url, capsys)
    emu.log.reset()
    r = b.run("doctor")
    assert r.code == 0, r.out
    checks = lines(r.out)
    for name in (
        "config",
        "tickets",
        "secrets",
        "auth",
        "connectivity",
        "authentication",
        "project",
        "states",
        "work items read",
        "work items write",
        "code read",
        "repos",
        "identities",
    ):
        assert checks.get(name) == "ok", (name, r.out)
    assert checks["code write"] == "skip"
    assert "mode pat: PAT from $AZURE_DEVOPS_EXT_PAT (the token itself is never shown)" in r.out
    assert TOKEN not in r.out + r.err
    assert "All checks passed." in r.out
    assert len(emu.db.work_items("Payments")) == 0  # the validateOnly create saved nothing
    assert [w.query.get("validateOnly") for w in emu.log.writes()] == ["true"]


def test_a_wrong_pat_is_named_as_the_auth_failure(tmp_path, capsys) -> None:
    emu = Emulator(pat="the-organizations-real-pat-0123")
    with EmulatorServer(emu) as srv:
        b = make(tmp_path, srv.url, capsys)
        r = b.run("doctor")
    assert r.code == 1
    checks = lines(r.out)
    assert checks["connectivity"] == "ok" and checks["authentication"] == "FAIL"
    assert "the token (PAT from $AZURE_DEVOPS_EXT_PAT) was not accepted" in r.out and "401" in r.out
    assert "fix: put a valid, unexpired personal access token for this organization in $AZURE_DEVOPS_EXT_PAT" in r.out
    assert checks["remaining"] == "skip"
    assert TOKEN not in r.out + r.err and "the-organizations-real-pat" not in r.out


def test_a_sign_in_page_is_an_auth_failure_not_data(tmp_path, capsys) -> None:
    emu = Emulator(pat="the-organizations-real-pat-0123")
    emu.sign_in_page_on_bad_auth = True
    with EmulatorServer(emu) as srv:
        b = make(tmp_path, srv.url, capsys)
        r = b.run("doctor")
    assert r.code == 1 and lines(r.out)["authentication"] == "FAIL"
    assert "expected JSON but got text/html (a sign-in page?)" in r.out


def test_an_unreachable_organization(tmp_path, capsys) -> None:
    b = make(tmp_path, "http://127.0.0.1:9/contoso", capsys)
    r = b.run("doctor")
    assert r.code == 1 and lines(r.out)["connectivity"] == "FAIL"
    assert "cannot reach http://127.0.0.1:9/contoso" in r.out


def test_a_missing_project_lists_the_real_ones(tmp_path, server: EmulatorServer, capsys) -> None:
    b = make(tmp_path, server.url, capsys, config="organization_url: https://dev.azure.com/contoso\nproject: Paymnts\n")
    r = b.run("doctor")
    assert r.code == 1 and lines(r.out)["project"] == "FAIL"
    assert "project 'Paymnts' does not exist" in r.out and "Compliance, Helpdesk, Ledger, Payments" in r.out


def test_wrong_process_missing_repo_and_branch(tmp_path, server: EmulatorServer, capsys) -> None:
    config = (
        "organization_url: https://dev.azure.com/contoso\nproject: Ledger\nprocess: agile\n"
        "repos:\n  app:\n    name: ledger-app\n"
    )
    b = make(tmp_path, server.url, capsys, config=config)
    r = b.run("doctor")
    checks = lines(r.out)
    assert r.code == 1 and checks["states"] == "FAIL" and checks["repos"] == "FAIL"
    assert "'User Story' does not exist in project 'Ledger'" in r.out
    assert "app -> 'ledger-app'" in r.out and "its repos: ledger" in r.out
    config = (
        "organization_url: https://dev.azure.com/contoso\nproject: Ledger\nprocess: scrum\n"
        "repos:\n  app:\n    name: ledger\n    default_branch: trunk\n"
    )
    b2 = ImportBoard(tmp_path / "b2", server.url, capsys, config=config)
    b2.commit_all()
    r = b2.run("doctor")
    assert r.code == 1 and lines(r.out)["repos"] == "FAIL" and "'ledger' has no branch 'trunk'" in r.out
    assert lines(r.out)["states"] == "ok"


def test_a_token_in_any_file_under_tickets_is_flagged_with_path_and_line(
    tmp_path, server: EmulatorServer, capsys
) -> None:
    files = {
        ".tickets/PAY-1.md": f"---\ntitle: Leak\nstatus: backlog\n---\nUse {CLASSIC_PAT} for the API.\n",
        ".tickets/.ticketops/PAY-1.comments.md": "# Comments\n\ncurl -H 'Authorization: Bearer eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.c2lnbmF0dXJlX2hlcmU'\n",
    }
    b = make(tmp_path, server.url, capsys, files=files)
    r = b.run("doctor")
    assert r.code == 1 and lines(r.out)["secrets"] == "FAIL"
    assert ".tickets/PAY-1.md:5:5: looks like an Azure DevOps personal access token" in r.out
    assert ".tickets/.ticketops/PAY-1.comments.md:3:" in r.out
    assert CLASSIC_PAT not in r.out and "eyJhbGciOiJIUzI1" not in r.out


def test_read_only_mode_skips_the_write_check_and_sends_no_write(
    tmp_path, server: EmulatorServer, emu: Emulator, capsys
) -> None:
    b = make(tmp_path, server.url, capsys)
    emu.log.reset()
    r = b.run("doctor", "--read-only")
    assert r.code == 0, r.out
    assert lines(r.out)["work items write"] == "skip" and "not checked in read-only mode" in r.out
    assert emu.log.writes() == []


def test_an_invalid_config_fails_locally_and_skips_the_rest(
    tmp_path, server: EmulatorServer, emu: Emulator, capsys
) -> None:
    b = make(tmp_path, server.url, capsys, config="organization_url: https://dev.azure.com/contoso\nprocces: agile\n")
    emu.log.reset()
    r = b.run("doctor")
    assert r.code == 1 and lines(r.out)["config"] == "FAIL" and lines(r.out)["remote"] == "FAIL"
    assert "unknown field 'procces'" in r.out
    assert emu.log.count() == 0


def test_no_token_names_the_variable(tmp_path, server: EmulatorServer, capsys, monkeypatch) -> None:
    monkeypatch.delenv("AZURE_DEVOPS_EXT_PAT")
    b = make(tmp_path, server.url, capsys)
    r = b.run("doctor", "--json")
    assert r.code == 1
    import json

    data = json.loads(r.out)
    auth = next(c for c in data["checks"] if c["name"] == "auth")
    assert data["ok"] is False and auth["outcome"] == "FAIL" and "AZURE_DEVOPS_EXT_PAT" in auth["detail"]


def test_tickets_are_not_reported_valid_when_config_is_invalid(tmp_path, server: EmulatorServer, capsys) -> None:
    bad = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: basik\n"
    b = make(
        tmp_path, server.url, capsys, config=bad, files={".tickets/HD-1.md": "---\ntitle: x\nstatus: nonsense\n---\n"}
    )
    r = b.run("doctor")
    assert r.code == 1 and lines(r.out)["tickets"] == "skip", r.out
    assert "not checked: config.yaml is invalid" in r.out and "ticket file(s) valid" not in r.out

    (b.root / ".tickets" / "HD-2.md").write_text("---\ntitle: x\n---\n")  # wrong without any config
    b.commit_all()
    r = b.run("doctor")
    assert lines(r.out)["tickets"] == "FAIL"
    assert "1 problem(s) in ticket files (statuses and repos not checked: config.yaml is invalid)" in r.out
    assert "missing required field 'status'" in r.out
