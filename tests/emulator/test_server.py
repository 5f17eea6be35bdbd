"""The emulator over real HTTP: EmulatorServer on loopback, and ``ticketops emulator`` as a process."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

pytestmark = pytest.mark.slow


def test_server_speaks_the_same_wire_over_loopback(emu: Emulator) -> None:
    with EmulatorServer(emu) as srv, httpx.Client(base_url=srv.url) as c:
        assert srv.url.startswith("http://127.0.0.1:") and srv.url.endswith("/contoso")
        ops = [{"op": "add", "path": "/fields/System.Title", "value": "over HTTP"}]
        r = c.post(
            "/Payments/_apis/wit/workitems/$User%20Story",
            params={"api-version": "7.1"},
            content=json.dumps(ops),
            headers={"Content-Type": "application/json-patch+json"},
        )
        assert r.status_code == 200, r.text
        assert r.json()["url"].startswith(srv.url + "/_apis/wit/workItems/")  # links use the host asked for
        missing = c.get("/Payments/_apis/wit/workitems/77", params={"api-version": "7.1"})
        assert missing.status_code == 404 and missing.json()["typeKey"] == "WorkItemUnauthorizedAccessException"
        state = c.get("/_emulator/state").json()
        assert state["projects"][-1]["workItems"][0]["title"] == "over HTTP"


def test_a_dropped_response_closes_the_connection_after_the_write(emu: Emulator) -> None:
    emu.faults.drop_response("Work Items_Create")
    ops = [{"op": "add", "path": "/fields/System.Title", "value": "lost answer"}]
    with EmulatorServer(emu) as srv, httpx.Client(base_url=srv.url) as c:
        with pytest.raises(httpx.TransportError):
            c.post(
                "/Payments/_apis/wit/workitems/$Task",
                params={"api-version": "7.1"},
                content=json.dumps(ops),
                headers={"Content-Type": "application/json-patch+json"},
            )
        assert [it.fields["System.Title"] for it in emu.db.work_items("Payments")] == ["lost answer"]
        assert c.get("/_apis/projects", params={"api-version": "7.1"}).status_code == 200


WIQL = "/contoso/Payments/_apis/wit/wiql?api-version=7.1"


def test_a_chunked_body_is_read_and_the_connection_stays_usable(emu: Emulator) -> None:
    with EmulatorServer(emu) as srv:
        conn = http.client.HTTPConnection(srv.host, srv.port)
        try:
            body = iter([b'{"query": "SELECT [System.Id] ', b'FROM WorkItems"}'])
            conn.request("POST", WIQL, body=body, headers={"Content-Type": "application/json"}, encode_chunked=True)
            first = conn.getresponse()
            assert first.status == 200 and json.loads(first.read())["queryType"] == "flat"
            conn.request("GET", "/contoso/_apis/projects?api-version=7.1")  # the same keep-alive connection
            second = conn.getresponse()
            assert second.status == 200 and json.loads(second.read())["count"] == 4
        finally:
            conn.close()
        # httpx streams an iterator body chunked, too
        ops = [{"op": "add", "path": "/fields/System.Title", "value": "streamed"}]
        with httpx.Client(base_url=srv.url) as c:
            r = c.post(
                "/Payments/_apis/wit/workitems/$Task",
                params={"api-version": "7.1"},
                content=iter([json.dumps(ops).encode()]),
                headers={"Content-Type": "application/json-patch+json"},
            )
            assert r.status_code == 200, r.text
            assert r.request.headers["transfer-encoding"] == "chunked"
        assert [it.fields["System.Title"] for it in emu.db.work_items("Payments")] == ["streamed"]


def test_a_malformed_chunked_body_is_400_and_closes_the_connection(emu: Emulator) -> None:
    with EmulatorServer(emu) as srv, socket.create_connection((srv.host, srv.port), timeout=30) as sock:
        sock.sendall(
            b"POST " + WIQL.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
        )
        answer = b""
        while chunk := sock.recv(65536):  # the server closes: recv returns b"" instead of blocking
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 400 ") and b"bad chunk size" in answer
        assert answer.count(b"HTTP/1.1") == 1  # the leftover bytes were not read as another request
    assert not emu.log.records  # nothing reached the emulator


def _start(args: list[str], tmp_path: Path) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ticketops", "emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # blocks until the server announces itself (or the process dies)
    if "listening on" not in line:
        proc.kill()
        raise AssertionError(f"no URL line: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return proc, line.split("listening on ", 1)[1].split()[0]


def test_cli_serves_until_sigterm_and_exits_0(tmp_path: Path) -> None:
    proc, url = _start([], tmp_path)
    try:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/contoso")
        r = httpx.get(f"{url}/_apis/projects", params={"api-version": "7.1"})
        assert [p["name"] for p in r.json()["value"]] == ["Compliance", "Helpdesk", "Ledger", "Payments"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopped" in err


def test_cli_seed_file_and_pat(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "organization: fabrikam\n"
        "projects:\n"
        "  - name: Web\n    process: Scrum\n    repos:\n      - name: site\n        files: {index.html: '<h1>hi</h1>'}\n"
        "users:\n  - {email: zoe@fabrikam.com, display_name: Zoe Zed}\n",
        encoding="utf-8",
    )
    pat = "cli-secret-pat"
    proc, url = _start(["--seed", str(seed), "--pat", pat], tmp_path)
    try:
        assert url.endswith("/fabrikam")
        assert httpx.get(f"{url}/_apis/projects", params={"api-version": "7.1"}).status_code == 401
        ok = httpx.get(
            f"{url}/_apis/projects", params={"api-version": "7.1"}, headers={"Authorization": f"Bearer {pat}"}
        )
        assert [p["name"] for p in ok.json()["value"]] == ["Web"]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert pat not in out and pat not in err


def test_cli_bad_seed_names_the_file(tmp_path: Path) -> None:
    seed = tmp_path / "bad.yaml"
    seed.write_text("organization: x\nprojects:\n  - name: P\n    process: waterfall\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "ticketops", "emulator", "--seed", str(seed), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1
    assert str(seed) in r.stderr and "process" in r.stderr


def test_cli_help() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "ticketops", "emulator", "--help"], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0 and "--seed" in r.stdout and "--pat" in r.stdout


def test_cli_port_in_use_is_a_clear_error(emu: Emulator) -> None:
    with EmulatorServer(emu) as srv:
        r = subprocess.run(
            [sys.executable, "-m", "ticketops", "emulator", "--port", str(srv.port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert r.returncode == 1
    assert f"cannot listen on 127.0.0.1:{srv.port}" in r.stderr


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    return err


def _with_retries(send: Callable[[], httpx.Response], attempts: int = 30) -> httpx.Response:
    """What a client of a flaky ADO does: retry transient 5xx (nothing was written)."""
    for _ in range(attempts):
        r = send()
        if r.status_code < 500:
            return r
        assert r.json()["typeKey"] in ("InternalServerErrorException", "ServiceUnavailableException"), r.text
    raise AssertionError(f"still failing after {attempts} attempts")


def test_cli_state_survives_a_restart_under_latency_and_errors(tmp_path: Path) -> None:
    state = tmp_path / "s.json"
    args = ["--latency", "20ms", "--error-rate", "0.1", "--state", str(state)]
    proc, url = _start(args, tmp_path)
    try:
        ops = [{"op": "add", "path": "/fields/System.Title", "value": "kept across restarts"}]
        created = _with_retries(
            lambda: httpx.post(
                f"{url}/Payments/_apis/wit/workitems/$Task",
                params={"api-version": "7.1"},
                content=json.dumps(ops),
                headers={"Content-Type": "application/json-patch+json"},
            )
        )
        assert created.status_code == 200, created.text
        item_id = created.json()["id"]
        start = time.perf_counter()
        _with_retries(lambda: httpx.get(f"{url}/_apis/projects", params={"api-version": "7.1"}))
        assert time.perf_counter() - start >= 0.02  # --latency 20ms
        with httpx.Client() as c:
            statuses = [c.get(f"{url}/_apis/projects", params={"api-version": "7.1"}).status_code for _ in range(40)]
        assert 0 < sum(s >= 500 for s in statuses) < 20  # --error-rate 0.1 (repeatable: --fault-seed 0)
    finally:
        _stop(proc)
    assert state.exists()
    proc, url = _start(args, tmp_path)
    try:
        r = _with_retries(
            lambda: httpx.get(f"{url}/Payments/_apis/wit/workitems/{item_id}", params={"api-version": "7.1"})
        )
        assert r.status_code == 200, r.text
        assert r.json()["fields"]["System.Title"] == "kept across restarts"
    finally:
        _stop(proc)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--latency", "20"], "'20' is not a duration; write it with a unit, as 20ms, 1.5s or 1m"),
        (["--latency", "fast"], "'fast' is not a duration"),
        (["--error-rate", "10%"], "'10%' is not a number; write a rate between 0 and 1"),
        (["--drop-rate", "2"], "'2' is not between 0 and 1"),
    ],
)
def test_cli_bad_fault_options_are_refused_with_the_fix(args: list[str], message: str) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "ticketops", "emulator", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1 and message in r.stderr, r.stderr


def test_cli_drop_rate_loses_the_answer_after_the_write(tmp_path: Path) -> None:
    proc, url = _start(["--drop-rate", "1"], tmp_path)
    try:
        ops = [{"op": "add", "path": "/fields/System.Title", "value": "answer lost"}]
        with pytest.raises(httpx.TransportError):
            httpx.post(
                f"{url}/Payments/_apis/wit/workitems/$Task",
                params={"api-version": "7.1"},
                content=json.dumps(ops),
                headers={"Content-Type": "application/json-patch+json"},
            )
        state = httpx.get(f"{url}/_emulator/state").json()  # the state page is never dropped
        assert [it["title"] for it in state["projects"][-1]["workItems"]] == ["answer lost"]
    finally:
        _stop(proc)


def test_cli_rate_limit_uses_ados_budget(tmp_path: Path) -> None:
    proc, url = _start(["--rate-limit"], tmp_path)
    try:
        with httpx.Client() as c:
            sent, r = 0, None
            while r is None or "X-RateLimit-Limit" not in r.headers:  # the first throttled answer
                assert sent < 200, "never throttled"
                r = c.get(f"{url}/_apis/projects", params={"api-version": "7.1"})
                sent += 1
                assert r.status_code == 200
        assert 100 < sent < 200 and r.headers["X-RateLimit-Limit"] == "160"  # TSTUs before delays: 80% of ADO's 200
        assert r.headers["X-RateLimit-Resource"] == "ATCPU"
    finally:
        _stop(proc)
