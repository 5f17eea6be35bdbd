"""How the pre-push hook reads the exit codes of `ticketops plan` / `apply` (the CLI contract)."""

from __future__ import annotations

import socket

import pytest

from ticketops.hooks.planning import _outcome, org_url_for, unreachable_reason


@pytest.mark.parametrize(
    ("code", "status", "blocks"),
    [(0, "in-sync", False), (2, "changes", False), (1, "failed", False), (3, "failed", False)],
)
def test_plan_mode_never_blocks_a_push(code: int, status: str, blocks: bool) -> None:
    outcome = _outcome("plan", code, "", "0123456789abcdef")

    assert outcome.status == status
    assert outcome.blocks_push is blocks
    assert "0123456" in outcome.summary


def test_plan_failure_says_ado_may_be_unreachable() -> None:
    assert "ADO unreachable" in _outcome("plan", 1, "", "0123456789").summary


@pytest.mark.parametrize(("code", "blocks"), [(0, False), (1, True), (3, True)])
def test_apply_mode_blocks_the_push_when_apply_fails(code: int, blocks: bool) -> None:
    assert _outcome("apply", code, "", "0123456789").blocks_push is blocks


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
