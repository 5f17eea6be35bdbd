"""Request budget of a no-op reconcile, against the in-process ADO emulator.

For N converged tickets, ``ticketops reconcile`` must cost at most ``2 + ceil(N/200)`` requests
plus a constant for metadata (it reads in bulk: one WIQL and ``workitemsbatch`` calls of 200).
The same run measures a naive reconciler written with the same client, which reads one work
item per ticket (``GET .../workitems/{id}``), and prints the ratios.

    .venv/bin/python bench/bench_reconcile.py            # N = 1,000 and 10,000
    .venv/bin/python bench/bench_reconcile.py 500 2000   # other sizes

The board's git tree is built with pygit2 directly; the emulator is seeded by a first real
apply (every create goes through the REST API), and its wall time is printed too.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

from benchkit import client_for, commit_board, seed_then_noop
from ticketops.desired import load
from ticketops.emulator import Emulator
from ticketops.engine import Engine
from ticketops.live import live_item
from ticketops.model.desired import DesiredState
from ticketops.model.live import LiveState
from ticketops.plan import make_plan

METADATA = 2  # GET workitemtypes/{type} (+ /states when the type has no categories)
CONFIG = b"organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
USERS = ("alice", "bob", "carol", "dave", "erin")
STATUSES = ("backlog", "in-progress", "in-review", "done")


def ticket(i: int) -> bytes:
    return (
        f"---\ntitle: Benchmark ticket {i}\nstatus: {STATUSES[i % 4]}\n"
        f"assignee: {USERS[i % 5]}@contoso.com\npriority: {1 + i % 4}\ntags: [bench, group-{i % 7}]\n"
        f"acceptance_criteria:\n  - criterion {i}\n---\n## Spec {i}\n\nBody of ticket {i}.\n"
    ).encode()


def make_board(root: Path, n: int) -> None:
    """One commit with config.yaml and n tickets, written straight into git objects."""
    commit_board(root, CONFIG, n, ticket)


def naive_noop(emu: Emulator, desired: DesiredState) -> tuple[int, float, bool]:
    """The naive way: find the ids, then one GET per ticket; plan with the same planner."""
    client = client_for(emu)
    start = time.perf_counter()
    engine = Engine(client, desired)
    type_info = engine.reader.type_info()
    ids = engine.reader.marked_ids()
    items = tuple(live_item(client.get_work_item("Payments", i)) for i in ids)
    plan = make_plan(desired, LiveState(items=items, type_info=type_info))
    elapsed = time.perf_counter() - start
    return client.stats.snapshot().total, elapsed, not plan.has_changes


def run(n: int) -> bool:
    with tempfile.TemporaryDirectory(prefix="bench-reconcile-") as tmp, Emulator() as emu:
        t0 = time.perf_counter()
        make_board(Path(tmp), n)
        desired = load(tmp)
        t_git = time.perf_counter() - t0

        run_ = seed_then_noop(emu, desired)
        seeded, t_seed, result, t_noop, ours, writes = (
            run_.seeded,
            run_.seed_seconds,
            run_.result,
            run_.noop_seconds,
            run_.stats,
            run_.writes,
        )

        naive_requests, t_naive, naive_clean = naive_noop(emu, desired)

    budget = 2 + math.ceil(n / 200) + METADATA
    ok = result.converged and not result.passes and writes == 0 and ours.total <= budget and naive_clean
    print(f"N = {n:,} converged tickets")
    print(f"  board: {n:,} tickets committed with pygit2 and loaded in {t_git:.2f}s")
    print(f"  seeding: first apply through the REST API (emulator), {seeded.writes:,} writes in {t_seed:.1f}s")
    print(
        f"  no-op reconcile: {ours.total} requests, {writes} writes, {t_noop:.3f}s  "
        f"(budget 2 + ceil(N/200) + {METADATA} = {budget}: {'OK' if ours.total <= budget else 'OVER'})"
    )
    print(f"    by operation: {ours.by_operation}")
    print(f"  naive (one GET per ticket): {naive_requests:,} requests, {t_naive:.3f}s")
    print(f"  ratio naive/ours: {naive_requests / ours.total:.0f}x requests, {t_naive / t_noop:.1f}x wall time")
    return ok


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv if a.isdigit()] or [1_000, 10_000]  # run_all.py passes name filters
    results = [run(n) for n in sizes]
    print("PASS" if all(results) else "FAIL: a no-op reconcile went over its request budget or wrote")
    return 0 if all(results) else 1


if __name__ == "__main__":
    code = main(sys.argv[1:])
    if code:  # exit only on failure, so bench/run_all.py goes on to the next benchmark
        sys.exit(code)
