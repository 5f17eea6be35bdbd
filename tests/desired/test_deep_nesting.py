"""Deep nesting: config.yaml nested thousands of levels deep is one clear problem at its line
(exit 1), as in a ticket, never a RecursionError (exit 3)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def nested(depth: int, key: str) -> str:
    """``key: [[[[...]]]]``, ``depth`` levels of flow lists."""
    return f"{key}: " + "[" * depth + "]" * depth + "\n"


def validate(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ticketops", "validate", "--repo", str(repo)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deep_nesting_in_config_is_a_problem_at_its_line_not_a_crash(make_board, ticket) -> None:
    config = "organization_url: https://dev.azure.com/contoso\nproject: Payments\n" + nested(5000, "x_notes")
    repo = make_board({".tickets/PAY-1.md": ticket()}, config=config)

    done = validate(Path(repo.workdir))

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "RecursionError" not in done.stderr
    assert ".tickets/config.yaml:3:" in done.stdout + done.stderr
    assert "nested more than 64 levels deep here" in done.stdout + done.stderr


def test_the_same_nesting_in_a_ticket_blocks_only_that_ticket(make_board, ticket) -> None:
    bad = "---\ntitle: Deep\nstatus: backlog\n" + nested(5000, "tags") + "---\nbody\n"
    repo = make_board({".tickets/PAY-1.md": ticket(), ".tickets/PAY-2.md": bad})

    done = validate(Path(repo.workdir))

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert ".tickets/PAY-2.md:4:" in done.stdout + done.stderr
    assert "PAY-1" not in done.stdout
