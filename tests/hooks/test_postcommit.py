"""The installed post-commit hook: one summary line, and it never fails a commit."""

from __future__ import annotations

from pathlib import Path

import pytest
from hookgit import CONFIG_YAML, INVALID_TICKET, VALID_TICKET, Clone


@pytest.fixture
def hooked(clone: Clone) -> Clone:
    done = clone.ticketops("hooks", "install", "--post-commit", "--repo", str(clone.path))
    assert done.returncode == 0, done.stderr
    return clone


def ticketops_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("ticketops:")]


def test_valid_ticket_commit_prints_a_one_line_summary(hooked: Clone) -> None:
    done = hooked.commit("add PAY-2", {".tickets/PAY-2.md": VALID_TICKET.format(title="Two")})

    lines = ticketops_lines(done.stderr)
    assert len(lines) == 1
    assert lines[0].startswith(f"ticketops: 2 tickets valid at {hooked.head()[:7]}")
    # ADO is unreachable here (TICKETOPS_ORG_URL points at a closed port): the plan part says so
    assert "plan skipped" in lines[0]


def test_invalid_ticket_is_summarised_and_the_commit_still_happens(hooked: Clone) -> None:
    before = hooked.head()

    done = hooked.commit("add PAY-2", {".tickets/PAY-2.md": INVALID_TICKET}, check=False)

    assert done.returncode == 0
    assert hooked.head() != before
    lines = ticketops_lines(done.stderr)
    assert len(lines) == 1
    assert "1 problem in .tickets/" in lines[0]
    assert ".tickets/PAY-2.md:3:" in lines[0]
    assert "ticketops validate" in lines[0]


def test_invalid_config_is_summarised_and_the_commit_still_happens(hooked: Clone) -> None:
    done = hooked.commit("break config", {".tickets/config.yaml": CONFIG_YAML + "colour: blue\n"}, check=False)

    assert done.returncode == 0
    lines = ticketops_lines(done.stderr)
    assert len(lines) == 1 and ".tickets/config.yaml:" in lines[0]


def test_commit_without_ticket_changes_prints_nothing(hooked: Clone) -> None:
    done = hooked.commit("code", {"src/app.py": "x = 1\n"})

    assert ticketops_lines(done.stderr) == []


def test_internal_error_is_a_warning_not_a_failed_commit(hooked: Clone) -> None:
    hooked.git("config", "ticketops.path", "../outside")  # unusable: the hook cannot even start
    before = hooked.head()

    done = hooked.commit("add PAY-2", {".tickets/PAY-2.md": VALID_TICKET.format(title="Two")}, check=False)

    assert done.returncode == 0
    assert hooked.head() != before
    lines = ticketops_lines(done.stderr)
    assert len(lines) == 1
    assert lines[0].startswith("ticketops: warning: post-commit check skipped")
    assert "ticketops.path" in lines[0]


def test_run_post_commit_directly_exits_zero_outside_a_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ticketops.cli.main import main

    assert main(["hooks", "run", "post-commit", "--repo", str(tmp_path)]) == 0
    assert "ticketops: warning: post-commit check skipped" in capsys.readouterr().err
