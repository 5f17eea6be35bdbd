"""How the pre-push hook reads the exit codes of `ticketops plan` / `apply` (the CLI contract)."""

from __future__ import annotations

import pytest

from ticketops.hooks.planning import _outcome


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
    assert "is ADO reachable?" in _outcome("plan", 1, "", "0123456789").summary


@pytest.mark.parametrize(("code", "blocks"), [(0, False), (1, True), (3, True)])
def test_apply_mode_blocks_the_push_when_apply_fails(code: int, blocks: bool) -> None:
    assert _outcome("apply", code, "", "0123456789").blocks_push is blocks
