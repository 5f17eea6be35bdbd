"""The interval loop as a process: SIGTERM stops it cleanly between writes, a failed sign-in stops
it at once with exit 1, and its passes print one-line summaries."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from schedkit import CONFIG, TOKEN, TOKEN_ENV, ticket

from gitrepo import make_repo
from ticketops.cli.main import main
from ticketops.emulator import Emulator, RequestRecord
from ticketops.emulator.server import EmulatorServer
from ticketops.engine.boardpass import PassSummary
from ticketops.engine.stopping import StopFlag, stop_on_signals
from ticketops.schedule.loop import IntervalLoop, LoopSettings

CREATE = "Work Items_Create"


@pytest.fixture
def server(emu: Emulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emu) as srv:
        yield srv


def board(root: Path, n: int, status: str = "backlog") -> Path:
    files = {".tickets/config.yaml": CONFIG} | {
        f".tickets/PAY-{i}.md": ticket(f"Ticket {i}", status) for i in range(1, n + 1)
    }
    make_repo(root, files)
    return root


@pytest.fixture
def start() -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start `ticketops reconcile` processes; any still running at the end is killed."""
    procs: list[subprocess.Popen[str]] = []

    def run(repo: Path, url: str, *extra: str) -> subprocess.Popen[str]:
        env = dict(os.environ, **{TOKEN_ENV: TOKEN})
        argv = [sys.executable, "-m", "ticketops", "reconcile", "--repo", str(repo), "--org-url", url, *extra]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        procs.append(proc)
        return proc

    yield run
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_sigterm_while_waiting_for_the_next_pass_exits_0(tmp_path: Path, server: EmulatorServer, start) -> None:
    proc = start(board(tmp_path / "b", 2), server.url, "--every", "1h")
    assert proc.stdout is not None
    banner = proc.stdout.readline()
    first = proc.stdout.readline()  # the first pass is over: the process now waits an hour
    assert "reconciling every 3600s" in banner and " pass 1 full " in first and "2 created" in first

    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)

    assert proc.returncode == 0, err
    assert "stopped (SIGTERM) after 1 pass(es)" in out


def test_sigterm_in_the_middle_of_a_pass_stops_between_two_actions(
    tmp_path: Path, emu: Emulator, server: EmulatorServer, start
) -> None:
    """Every ticket is `done`: each create is followed by three state steps. SIGTERM arrives
    right after the first create; the item being walked still reaches Closed, no further item
    is created, and nothing is left half-way."""
    n = 12
    emu.faults.latency = 0.02  # slow enough that the pass is still running when the signal lands
    first_create = threading.Event()

    def watch(record: RequestRecord) -> None:
        if record.operation_id == CREATE and record.status == 200:
            first_create.set()

    emu.observers.append(watch)
    proc = start(board(tmp_path / "b", n, "done"), server.url, "--every", "1h")
    assert first_create.wait(timeout=60)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)

    assert proc.returncode == 0, err
    assert "stopped before finishing" in out and "stopped (SIGTERM)" in out
    items = emu.db.wit.in_project(emu.db.project("Payments"))
    assert 1 <= len(items) < n
    assert {it.state for it in items} == {"Closed"}  # every started action finished its walk
    assert "lease" not in [r.split("/")[-1] for r in _branches(emu)]  # the lease was released


def _branches(emu: Emulator) -> list[str]:
    repo = emu.db.find_repo("payments-api", emu.db.project("Payments"))
    return [r for r in repo.git.references if r.startswith("refs/heads/ticketops")]


def test_a_failed_sign_in_stops_the_loop_with_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "a-revoked-pat-0123456789")
    repo = board(tmp_path / "b", 1)

    with Emulator(pat="the-real-pat-0123456789") as emu, EmulatorServer(emu) as srv:
        code = main(["reconcile", "--repo", str(repo), "--org-url", srv.url, "--every", "1s", "--count", "3"])

    out, err = capsys.readouterr()
    assert code == 1
    assert "401" in err and "stopping: this will not get better by retrying" in err
    assert " pass 2" not in out + err  # no retry loop
    assert "a-revoked-pat" not in out + err


def summary(number: int) -> PassSummary:
    return PassSummary(number, "incremental", "0" * 40, datetime.now(UTC), "no changes", 1, 0, 0.01, True)


def test_a_stop_signal_during_a_pass_ends_the_loop_before_the_next_wait() -> None:
    seen: list[str] = []

    def run_pass(number: int, cancel: threading.Event) -> PassSummary:
        if number == 2:
            os.kill(os.getpid(), signal.SIGTERM)  # handled: sets the flag, never kills the test
            assert cancel.wait(timeout=10)  # the pass's own cancel event sees it too
        return summary(number)

    with stop_on_signals() as stop:
        loop = IntervalLoop(run_pass, LoopSettings(interval=0.01, jitter=0.0), stop, out=seen.append, err=seen.append)
        code = loop.run()

    assert code == 0
    assert [line.split(" pass ")[1].split()[0] for line in seen if " pass " in line] == ["1", "2"]
    assert seen[-1].endswith("stopped (SIGTERM) after 2 pass(es)")
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back


def test_count_bounds_the_passes_and_jitter_is_seeded() -> None:
    def run(seed: int) -> list[float]:
        loop = IntervalLoop(
            lambda n, _c: summary(n),
            LoopSettings(0.001, 0.0005, seed=seed, count=4),
            StopFlag(),
            out=lambda _l: None,
            err=lambda _l: None,
        )
        assert loop.run() == 0
        return loop.delays

    assert run(5) == run(5) and len(run(5)) == 3


def test_schedule_options_without_every_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = board(tmp_path / "b", 1)
    assert main(["reconcile", "--repo", str(repo), "--full", "--count", "2"]) == 1
    assert "--full, --count only apply with --every" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:  # argparse refuses it before the command runs
        main(["reconcile", "--repo", str(repo), "--every", "5x"])
    assert usage.value.code == 1
    assert "'5x' is not a duration; write it as 30s, 5m, 1h or 1h30m" in capsys.readouterr().err
