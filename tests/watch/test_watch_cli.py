"""`ticketops watch` as a process against the emulator over HTTP: it plans the working tree, plans
again when a ticket file is written, and Ctrl-C (SIGINT) ends it with exit 0."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from watchkit import Tree, ticket

from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer


class Lines:
    """A process's stdout, line by line, read on a thread so a test can wait with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._q: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(proc,), daemon=True).start()

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._q.put(line)
        self._q.put(None)

    def until(self, text: str, timeout: float = 60) -> list[str]:
        got: list[str] = []
        while True:
            line = self._q.get(timeout=timeout)
            if line is None:
                raise AssertionError(f"output ended before {text!r}: {''.join(self.seen)}")
            self.seen.append(line)
            got.append(line)
            if text in line:
                return got


@pytest.fixture
def server(emu: Emulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emu) as srv:
        yield srv


def test_watch_plans_each_write_and_ctrl_c_exits_0(tree: Tree, server: EmulatorServer, emu: Emulator) -> None:
    env = dict(os.environ, AZURE_DEVOPS_EXT_PAT="watch-dummy-pat-0123456789")
    argv = [
        sys.executable,
        "-m",
        "ticketops",
        "watch",
        "--repo",
        str(tree.root),
        "--org-url",
        server.url,
        "--plain",
        "--debounce",
        "50",
    ]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        out = Lines(proc)
        first = out.until("Plan:")
        assert any("#1 started" in line for line in first) and "Plan: 1 to create" in first[-1]

        (tree.tickets / "PAY-2.md").write_text(ticket("Written during watch"), encoding="utf-8")
        second = out.until("Plan:")
        assert any(".tickets/PAY-2.md changed" in line for line in second)
        assert "Plan: 2 to create" in second[-1]

        proc.send_signal(signal.SIGINT)
        out.until("stopped (SIGINT)")
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert code == 0
    assert emu.log.writes() == []
