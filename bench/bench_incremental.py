"""Incremental vs full no-op pass of ``reconcile --every``, against the in-process ADO emulator.

After a settled pass, an incremental pass checks git (a local tree comparison) and ADO (one
WIQL on ``System.ChangedDate`` since the watermark) and stops there when nothing changed. A
full pass reads everything (WIQL + ``workitemsbatch`` of 200 + metadata) and plans.

    .venv/bin/python bench/bench_incremental.py            # N = 1,000
    .venv/bin/python bench/bench_incremental.py 200 5000   # other sizes

Prints, for each N, the requests and wall time of both kinds of no-op pass, and checks that
the incremental one costs exactly one request.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

from benchkit import client_for, commit_board
from ticketops.ado import AdoClient
from ticketops.desired import load
from ticketops.emulator import Emulator
from ticketops.engine.boardpass import BoardPass, PassSettings, PassSummary
from ticketops.engine.guarded import LeaseOptions

CONFIG = b"organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"


def ticket(i: int) -> bytes:
    return f"---\ntitle: Incremental bench {i}\nstatus: backlog\npriority: {1 + i % 4}\n---\nBody {i}.\n".encode()


def make_board(root: Path, n: int) -> None:
    commit_board(root, CONFIG, n, ticket)


def board_pass(root: Path, client: AdoClient, *, full: bool) -> BoardPass:
    settings = PassSettings(repo=str(root), lease=LeaseOptions(), full=full)
    return BoardPass(settings, load=lambda: load(root), client_for=lambda _config: client)


def timed(board: BoardPass, number: int) -> tuple[PassSummary, float]:
    start = time.perf_counter()
    summary = board.run(number, threading.Event())
    return summary, time.perf_counter() - start


def run(n: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp, Emulator() as emu:
        root = Path(tmp) / "board"
        make_board(root, n)
        client = client_for(emu)
        incremental = board_pass(root, client, full=False)
        seed, seed_s = timed(incremental, 1)  # creates every item
        timed(incremental, 2)  # confirms its own writes and moves the watermark on
        quiet, quiet_s = timed(incremental, 3)
        full, full_s = timed(board_pass(root, client, full=True), 4)
    ok = quiet.mode == "incremental" and quiet.requests == 1 and full.settled and quiet.settled
    print(f"N = {n:,} tickets (seeded by a first full pass: {seed.writes:,} writes, {seed_s:.1f}s)")
    print(f"  {'no-op pass':<22}{'requests':>9}{'time':>10}")
    print(f"  {'incremental':<22}{quiet.requests:>9}{quiet_s:>9.3f}s")
    print(f"  {'full':<22}{full.requests:>9}{full_s:>9.3f}s")
    print(
        f"  incremental / full: {quiet.requests / full.requests:.3f} of the requests, "
        f"{quiet_s / full_s:.3f} of the time  [{'OK' if ok else 'FAILED: incremental no-op must be 1 request'}]"
    )
    return ok


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv if a.isdigit()] or [1_000]
    results = [run(n) for n in sizes]
    return 0 if all(results) else 1


if __name__ == "__main__":
    code = main(sys.argv[1:] if Path(sys.argv[0]).name == "bench_incremental.py" else [])
    if code:
        sys.exit(code)
