"""A YAML alias bomb in one ticket costs ``reconcile`` milliseconds, not minutes or a
MemoryError: that ticket is reported at its line and every other ticket is applied. The CLI
runs in its own process (a guard against a hang) against the emulator served over HTTP."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from board import Board, ticket_md
from ticketops.emulator.server import EmulatorServer

GUARD_S = 120  # only against a hang; the refusal takes milliseconds


def bomb(levels: int = 8, width: int = 9) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + f"\ntitle: *a{levels - 1}\n"


@pytest.fixture
def server(emu):
    with EmulatorServer(emu) as srv:
        yield srv


def test_alias_bomb_ticket_is_refused_and_the_others_are_applied(tmp_path: Path, emu, server, token_env) -> None:
    board = Board(tmp_path / "board", emu)
    board.commit(
        {
            "PAY-1.md": ticket_md("Card vault", "backlog"),
            "PAY-2.md": "---\n" + bomb() + "status: backlog\n---\nbody\n",
            "PAY-3.md": ticket_md("Refunds", "backlog"),
        }
    )

    done = subprocess.run(
        [sys.executable, "-m", "ticketops", "reconcile", "--repo", str(board.root), "--org-url", server.url],
        capture_output=True,
        text=True,
        timeout=GUARD_S,
    )

    output = done.stdout + done.stderr
    assert "Traceback" not in output and "MemoryError" not in output
    assert done.returncode == 1, output
    assert ".tickets/PAY-2.md:3:10: YAML aliases are not supported" in output
    assert sorted(board.items()) == ["PAY-1", "PAY-3"]
