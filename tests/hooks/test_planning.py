"""How the hooks read `ticketops plan` / `reconcile` (exit codes, the plan counts), and plan_tip
run for real against the emulator over HTTP."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hookgit import CONFIG_YAML, VALID_TICKET

from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer
from ticketops.hooks.locate import HookRepo, open_repo
from ticketops.hooks.planning import (
    POST_COMMIT_TIMEOUT,
    _applied,
    _planned,
    counts_of,
    org_url_for,
    plan_tip,
    unreachable_reason,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for the shared gitrepo helper
from gitrepo import make_repo


@pytest.mark.parametrize(
    ("code", "status", "blocks"),
    [(0, "in-sync", False), (2, "changes", False), (1, "failed", False), (3, "failed", False)],
)
def test_plan_mode_never_blocks_a_push(code: int, status: str, blocks: bool) -> None:
    outcome = _planned(code, '{"summary": {}, "actions": []}', "", "0123456789abcdef")

    assert outcome.status == status
    assert outcome.blocks_push is blocks
    assert "0123456" in outcome.summary


def test_plan_failure_says_ado_may_be_unreachable() -> None:
    assert "ADO unreachable" in _planned(1, "", "", "0123456789").summary


@pytest.mark.parametrize(("code", "blocks"), [(0, False), (1, True), (3, True)])
def test_apply_mode_blocks_the_push_when_apply_fails(code: int, blocks: bool) -> None:
    assert _applied(code, "", "0123456789").blocks_push is blocks


def test_a_closed_port_is_reported_unreachable_at_once() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connections are refused
        reason = unreachable_reason(f"http://127.0.0.1:{port}/contoso", env={})

    assert reason == f"127.0.0.1:{port}: Connection refused"


def test_a_listening_host_is_reachable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        assert unreachable_reason(f"http://127.0.0.1:{s.getsockname()[1]}/contoso", env={}) is None


def test_behind_a_proxy_no_probe_is_made() -> None:
    assert unreachable_reason("http://127.0.0.1:9/contoso", env={"HTTPS_PROXY": "http://proxy:3128"}) is None


def test_the_org_url_override_wins_as_in_the_cli() -> None:
    configured = "https://dev.azure.com/contoso"
    assert org_url_for(configured, env={}) == configured
    assert org_url_for(configured, env={"TICKETOPS_ORG_URL": "http://127.0.0.1:1/x"}) == "http://127.0.0.1:1/x"


# ---- counts in the summary, and plan_tip against the emulator over HTTP --------------------


def test_the_summary_carries_the_plan_counts_read_from_the_json_plan() -> None:
    plan = {
        "summary": {"create": 2, "update": 1, "synced": 3, "orphan": 1},
        "actions": [
            {"kind": "create", "key": "PAY-1"},
            {"kind": "create", "key": "PAY-2"},
            {"kind": "update", "key": "PAY-3", "drift": ["System.Title"]},
            {"kind": "orphan", "key": "PAY-9"},
        ],
    }
    outcome = _planned(2, json.dumps(plan), "", "0123456789abcdef")
    assert (
        outcome.summary == "ADO differs from 0123456: 2 to create, 1 to update (1 with drift) (run `ticketops apply`)"
    )
    assert outcome.output.splitlines() == ["  + PAY-1 create", "  + PAY-2 create", "  ~ PAY-3 update"]
    assert counts_of("Plan: 2 to create") is None  # the human text is never parsed


def test_a_plan_that_could_not_be_made_shows_why() -> None:
    blocked = {
        "summary": {"blocked": 1, "synced": 0},
        "actions": [{"kind": "blocked", "key": "PAY-4", "reason": "no such user"}],
    }
    outcome = _planned(1, json.dumps(blocked), "", "0123456789")
    assert outcome.status == "failed" and outcome.output == "  x PAY-4 blocked: no such user"
    unreachable = _planned(1, "", "error: ADO did not answer", "0123456789")
    assert unreachable.status == "failed" and unreachable.output == "error: ADO did not answer"


def test_applying_runs_reconcile_and_a_failure_blocks_the_push() -> None:
    assert _applied(0, "", "0123456789").status == "applied"
    failed = _applied(1, "", "0123456789")
    assert failed.blocks_push and "ticketops reconcile failed (exit 1)" in failed.summary


@pytest.fixture
def online(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[HookRepo, Emulator, str]]:
    """A work tree with two committed tickets and the emulator served on 127.0.0.1."""
    make_repo(
        tmp_path / "w",
        {
            ".tickets/config.yaml": CONFIG_YAML,
            ".tickets/PAY-1.md": VALID_TICKET.format(title="Refunds"),
            ".tickets/PAY-2.md": VALID_TICKET.format(title="Chargebacks"),
        },
    )
    with Emulator() as emu, EmulatorServer(emu) as srv:
        monkeypatch.setenv("TICKETOPS_ORG_URL", srv.url)
        monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", "planning-dummy-pat-0123456789")
        yield open_repo(tmp_path / "w"), emu, srv.url


def test_plan_tip_plans_then_apply_reconciles_under_the_lease(online: tuple[HookRepo, Emulator, str]) -> None:
    hrepo, emu, url = online
    sha = str(hrepo.git.head.target)

    planned = plan_tip(hrepo, sha, org_url=url, timeout=POST_COMMIT_TIMEOUT)
    assert planned.status == "changes"
    assert planned.summary == f"ADO differs from {sha[:7]}: 2 to create (run `ticketops apply`)"
    assert emu.log.writes() == []

    applied = plan_tip(hrepo, sha, apply=True, org_url=url)
    assert applied.status == "applied", applied.output
    assert emu.log.count("Work Items_Create") == 2
    assert emu.log.count("Pushes_Create") >= 1  # the lease branch was written, and then deleted:
    lease_refs = [
        r
        for r in emu.db.find_repo("payments-api", emu.db.project("Payments")).git.references
        if r.startswith("refs/heads/ticketops/")
    ]
    assert lease_refs == []

    again = plan_tip(hrepo, sha, org_url=url)
    assert again.status == "in-sync" and again.summary == f"ADO is in sync with {sha[:7]}"


def test_plan_tip_says_so_when_ado_is_unreachable(online: tuple[HookRepo, Emulator, str]) -> None:
    hrepo, _, _ = online
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/contoso"
        outcome = plan_tip(hrepo, str(hrepo.git.head.target), org_url=closed)
    assert outcome.status == "failed" and not outcome.blocks_push
    assert outcome.summary.startswith("ADO is unreachable (") and outcome.summary.endswith("plan skipped")
