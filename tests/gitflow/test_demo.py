"""``ticketops demo`` covers the git half: branches with specs and PRs are created, a person
completes one PR, and the reconcile after that does not recreate it."""

from __future__ import annotations

import re

import pytest

from ticketops.cli.main import main


def test_demo_creates_branches_and_prs_and_leaves_a_completed_pr_alone(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["demo"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "6 create-branch, 3 create-pr, 6 push-spec" in out
    assert re.search(r"PAY-12 +create-pr .* ok .* opened pull request #3; linked #12", out)
    assert "PR #1 (PAY-3): completed" in out
    assert "= PAY-3      pull request #1 from feature/PAY-3-retry-failed-webhook-deliveries-with was completed" in out
    final = out.rsplit("ticket   repository", 1)[1]
    assert re.search(r"PAY-3 .* #1 completed", final) and re.search(
        r"PAY-12 .*hotfix/PAY-12-acquirer-timeout +#3 active", final
    )
    assert "converged: 12 work items in sync" in out
