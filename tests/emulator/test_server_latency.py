"""The emulator over HTTP answers at loopback speed: no Nagle delay between headers and body."""

from __future__ import annotations

import statistics
import time

import httpx
import pytest

from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

pytestmark = pytest.mark.slow


def test_sequential_gets_over_keep_alive_are_not_held_back_by_nagle(emu: Emulator) -> None:
    # With Nagle on, every response's body waited for the client's delayed ACK: ~40-50 ms a GET
    # on Linux loopback. With TCP_NODELAY it is about a millisecond (bench/bench_emulator_http.py).
    with EmulatorServer(emu) as srv, httpx.Client(base_url=srv.url) as client:
        client.get("/_apis/projects", params={"api-version": "7.1"}).raise_for_status()
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            client.get("/_apis/projects", params={"api-version": "7.1"}).raise_for_status()
            samples.append(time.perf_counter() - start)
    assert statistics.median(samples) < 0.02, f"median GET {statistics.median(samples) * 1000:.1f} ms"
