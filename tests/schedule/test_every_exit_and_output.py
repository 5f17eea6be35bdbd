"""What a job running ``reconcile --every`` sees: read-only mode refused before the loop, errors no
retry can fix stop it, ``--count`` exits non-zero when the last pass failed or did not converge,
``--json`` prints one JSON object per pass (JSON Lines) and ``--stats`` the request counts."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from schedkit import CONFIG, TOKEN, TOKEN_ENV, ticket

from gitrepo import make_repo
from ticketops.ado import NetworkError
from ticketops.cli.connect import ReadOnlyMode
from ticketops.cli.main import main
from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer
from ticketops.engine.boardpass import PassSummary
from ticketops.engine.stopping import StopFlag
from ticketops.model.errors import TicketopsError
from ticketops.schedule.loop import FATAL, IntervalLoop, LoopSettings

READ_ONLY = "read-only mode (`read_only: true` in .tickets/config.yaml): this command writes to Azure DevOps"


@pytest.fixture
def server(emu: Emulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emu) as srv:
        yield srv


def board(root: Path, config: str = CONFIG, **tickets: str) -> Path:
    make_repo(root, {".tickets/config.yaml": config} | {f".tickets/{k}.md": v for k, v in tickets.items()})
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_read_only_config_is_refused_before_the_loop_like_a_one_off_reconcile(
    tmp_path: Path, emu: Emulator, server: EmulatorServer, token_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = board(tmp_path / "b", CONFIG + "read_only: true\n", **{"PAY-1": ticket("One")})
    args = ("reconcile", "--repo", str(repo), "--org-url", server.url)

    one_off = run(capsys, *args)
    every = run(capsys, *args, "--every", "1s", "--count", "3", "--jitter", "0")

    assert one_off[0] == every[0] == 1
    assert READ_ONLY in one_off[2] and every[2] == one_off[2]  # the same message, once
    assert "pass 1" not in every[1] + every[2] and "reconciling every" not in every[1]
    assert emu.log.count() == 0  # nothing was asked of ADO


def test_read_only_flag_is_refused_before_the_loop(
    tmp_path: Path, server: EmulatorServer, token_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = board(tmp_path / "b", **{"PAY-1": ticket("One")})
    code, out, err = run(
        capsys,
        "reconcile",
        "--repo",
        str(repo),
        "--org-url",
        server.url,
        "--read-only",
        "--every",
        "1s",
        "--count",
        "2",
    )
    assert code == 1
    assert "read-only mode (--read-only was given)" in err and "pass 1" not in out + err


def _ok(number: int, settled: bool = True) -> PassSummary:
    return PassSummary(number, "full", "0" * 40, datetime.now(UTC), "converged", 3, 0, 0.01, settled)


def _loop(passes: dict[int, Exception | PassSummary], count: int, **kw: object) -> tuple[int, list[str], list[str]]:
    out: list[str] = []
    err: list[str] = []

    def run_pass(number: int, _cancel: threading.Event) -> PassSummary:
        result = passes.get(number) or _ok(number)
        if isinstance(result, Exception):
            raise result
        return result

    loop = IntervalLoop(
        run_pass, LoopSettings(0.001, 0.0, count=count), StopFlag(), out=out.append, err=err.append, **kw
    )  # type: ignore[arg-type]
    return loop.run(), out, err


def test_count_exits_1_when_the_last_pass_failed_and_0_when_it_recovered() -> None:
    unreachable = NetworkError("could not reach Azure DevOps at http://127.0.0.1:9/contoso")

    code, out, err = _loop({1: unreachable, 2: unreachable}, count=2)
    assert code == 1
    assert sum(" failed: " in line for line in err) == 2 and "the last of 2 pass(es) failed" in err[-1]

    code, out, _ = _loop({1: unreachable}, count=2)
    assert code == 0 and " pass 2 " in out[-1]  # a transient failure that cleared: the job succeeded

    code, _, err = _loop({2: _ok(2, settled=False)}, count=2)  # blocked tickets, say
    assert code == 1 and "did not converge" in err[-1]


def test_a_permanent_error_stops_the_loop_at_once() -> None:
    refused = ReadOnlyMode("read-only mode (`read_only: true` in .tickets/config.yaml): ...")
    code, out, err = _loop({2: refused}, count=5, fatal=(*FATAL, ReadOnlyMode))
    assert code == 1
    assert len(out) == 1 and "stopping: this will not get better by retrying" in err[-1]

    code, out, _ = _loop({2: TicketopsError("something passing")}, count=3)
    assert code == 0 and len(out) == 2  # an ordinary failure is retried


def test_count_with_a_blocked_ticket_exits_1(
    tmp_path: Path, server: EmulatorServer, token_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = "---\ntitle: Two\nstatus: backlog\nassignee: nobody@nowhere.example\n---\n"
    repo = board(tmp_path / "b", **{"PAY-1": ticket("One"), "PAY-2": blocked})
    code, out, err = run(
        capsys, "reconcile", "--repo", str(repo), "--org-url", server.url, "--every", "1s", "--count", "1"
    )
    assert code == 1
    assert "converged except 1 blocked" in out and "the last of 1 pass(es) failed or did not converge" in err


def test_json_lines_and_stats(
    tmp_path: Path, emu: Emulator, server: EmulatorServer, token_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = board(tmp_path / "b", **{"PAY-1": ticket("One"), "PAY-2": ticket("Two")})
    code, out, err = run(
        capsys,
        "reconcile",
        "--repo",
        str(repo),
        "--org-url",
        server.url,
        "--every",
        "1s",
        "--count",
        "2",
        "--jitter",
        "0",
        "--json",
        "--stats",
    )

    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]  # stdout holds JSON Lines only
    assert [r["pass"] for r in records] == [1, 2]
    assert [r["mode"] for r in records] == ["full", "incremental"]
    assert records[0]["ok"] and records[0]["settled"] and records[0]["writes"] >= 2
    assert "2 created" in records[0]["outcome"] and records[1]["writes"] == 0
    assert "reconciling every 1s" in err  # the banner is not JSON: stderr
    total = sum(r["requests"] for r in records)
    assert "ADO requests:" in err
    assert re.search(r"^total requests +(\d+)$", err, re.M).group(1) == str(total)  # type: ignore[union-attr]
    assert emu.log.count() == total


def test_json_line_for_a_failed_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(TOKEN_ENV, "a-revoked-pat-0123456789")
    repo = board(tmp_path / "b", **{"PAY-1": ticket("One")})
    with Emulator(pat=TOKEN) as emu, EmulatorServer(emu) as srv:
        code, out, err = run(
            capsys, "reconcile", "--repo", str(repo), "--org-url", srv.url, "--every", "1s", "--count", "2", "--json"
        )
    assert code == 1
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert record["pass"] == 1 and record["ok"] is False and record["fatal"] is True and "401" in record["error"]
    assert "a-revoked-pat" not in out + err
