"""Latency of the emulator over real HTTP: 100 sequential GETs through one keep-alive httpx client.

The server writes the status line and headers, then the body, in separate sends; with Nagle's
algorithm on, the second send waits for the client's delayed ACK (~40 ms on Linux). With
``TCP_NODELAY`` on the accepted sockets a GET over loopback takes well under a millisecond.

Run: ``.venv/bin/python bench/bench_emulator_http.py``
"""

from __future__ import annotations

import statistics
import time

import httpx

from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

GETS = 100


def main() -> None:
    with Emulator() as emu, EmulatorServer(emu) as srv, httpx.Client(base_url=srv.url) as client:
        client.get("/_apis/projects", params={"api-version": "7.1"}).raise_for_status()  # warm up
        samples = []
        for _ in range(GETS):
            start = time.perf_counter()
            client.get("/_apis/projects", params={"api-version": "7.1"}).raise_for_status()
            samples.append((time.perf_counter() - start) * 1000)
    print(
        f"{GETS} sequential GETs over HTTP: mean {statistics.mean(samples):.2f} ms, "
        f"median {statistics.median(samples):.2f} ms, max {max(samples):.2f} ms, total {sum(samples):.0f} ms"
    )


if __name__ == "__main__":
    main()
