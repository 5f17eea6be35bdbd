"""Chaos: a first reconcile of N tickets (with a linked repository, mixed statuses) against an
emulator that fails 10% of requests with 5xx, answers some with 429 + Retry-After, and drops 2%
of responses after committing the write. Reconciles until converged (at most MAX_RUNS runs, as
a pipeline would re-run the job) and prints runs, wall time, requests, duplicates (work items,
branches, pull requests), lost updates and each run's exit code.

Targets (issue 13): converged in at most 3 runs and 180 s, 0 duplicates, 0 lost updates.

    .venv/bin/python bench/bench_chaos.py [N] [SEED]   (N defaults to 300 for `make bench`; the targets are for 1000)

The client's retry backoff is scaled down (base 0.05 s) so a 1,000-ticket run fits the bench;
Retry-After is honoured as sent (0.2 s here). Everything is in process (no HTTP), so the time is
the client's and the emulator's work plus those waits.
"""

from __future__ import annotations

import random
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from benchkit import TOKEN, commit_board
from ticketops.ado import AdoClient, RetryPolicy, resolve_auth
from ticketops.desired import load
from ticketops.emulator import Emulator, RequestRecord
from ticketops.engine.guarded import LeaseOptions
from ticketops.engine.runner import PassRunner, RunOptions
from ticketops.model.config import AuthSettings

CONFIG = (
    b"organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
    b"repos:\n  api: {name: payments-api}\ndefault_repo: api\n"
)
STATUSES = ("backlog", "in-progress", "in-review")
STATE_OF = {"backlog": "New", "in-progress": "Active", "in-review": "Resolved"}
MAX_RUNS = 6
ERROR_RATE, DROP_RATE, THROTTLE_RATE, RETRY_AFTER = 0.10, 0.02, 0.01, 0.2


def ticket(i: int) -> bytes:
    status = STATUSES[i % len(STATUSES)]
    return f"---\ntitle: Chaos {i}\nstatus: {status}\n---\nSpec of chaos ticket {i}.\n".encode()


def main(n: int = 300, seed: int = 7) -> int:
    with tempfile.TemporaryDirectory() as tmp, Emulator() as emu:
        commit_board(Path(tmp) / "board", CONFIG, n, ticket, prefix="CHA")
        desired = load(str(Path(tmp) / "board"))
        emu.faults.rng.seed(seed)
        emu.faults.error_rate, emu.faults.drop_rate = ERROR_RATE, DROP_RATE
        throttle = random.Random(seed + 1)

        def throttle_now_and_then(_record: RequestRecord) -> None:  # the next request gets a 429
            if throttle.random() < THROTTLE_RATE:
                emu.faults.fail_next(status=429, retry_after=RETRY_AFTER)

        emu.observers.append(throttle_now_and_then)
        auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": TOKEN})
        retry = RetryPolicy(base_delay=0.05, max_delay=2.0, max_attempts=8, seed=seed)
        clients: list[AdoClient] = []

        def client_for(_config: object) -> AdoClient:
            clients.append(AdoClient(emu.url, auth, transport=emu.transport, retry=retry))
            return clients[-1]

        codes: list[int] = []
        t0 = time.perf_counter()
        for _run in range(MAX_RUNS):  # a pipeline re-running the job until it passes
            with PassRunner(client_for, RunOptions(lease=LeaseOptions(wait=30))) as runner:
                try:
                    converged = runner.reconcile(desired, threading.Event()).result.converged
                except Exception as e:
                    print(f"  run {len(codes) + 1}: {type(e).__name__}: {str(e)[:160]}")
                    converged = False
            codes.append(0 if converged else 1)
            if converged:
                break
        seconds = time.perf_counter() - t0
        faults_seen = Counter(r.status for r in emu.log.records if r.status >= 429)
        dropped = sum(1 for r in emu.log.records if r.dropped)
        emu.faults.clear()
        emu.observers.remove(throttle_now_and_then)

        items = [it for it in emu.db.wit.items.values() if not it.deleted]
        markers = Counter(t.lower() for it in items for t in it.tags if t.lower().startswith("ticketops:"))
        dup_items = sum(c - 1 for c in markers.values() if c > 1)
        git = emu.db.find_repo("payments-api", emu.db.project("Payments")).git
        branches = Counter(
            ref.split("/")[3].split("-")[0] + "-" + ref.split("/")[3].split("-")[1]
            for ref in git.references
            if ref.startswith("refs/heads/feature/CHA-")
        )
        dup_branches = sum(c - 1 for c in branches.values() if c > 1)
        active = Counter(pr.source for pr in emu.db.pulls.prs.values() if pr.status == "active")
        dup_prs = sum(c - 1 for c in active.values() if c > 1)
        lost = 0
        by_key = {
            t[len("ticketops:") :].upper(): it for it in items for t in it.tags if t.lower().startswith("ticketops:")
        }
        for i in range(1, n + 1):
            it = by_key.get(f"CHA-{i}")
            want = STATE_OF[STATUSES[i % len(STATUSES)]]
            if it is None or it.fields.get("System.Title") != f"Chaos {i}" or it.state != want:
                lost += 1
        requests = sum(c.stats.total for c in clients)

        print(f"N = {n:,} tickets with a linked repository ({', '.join(STATUSES)}), fault seed {seed}")
        print(
            f"  faults: {ERROR_RATE:.0%} 5xx, {THROTTLE_RATE:.0%} 429 (Retry-After {RETRY_AFTER:g}s), "
            f"{DROP_RATE:.0%} responses dropped after the commit; seen: "
            f"{dict(sorted(faults_seen.items()))}, {dropped} dropped"
        )
        print(f"  runs: {len(codes)} (exit codes {codes}), {seconds:.1f}s wall, {requests:,} requests")
        print(f"  duplicates: {dup_items} work items, {dup_branches} branches, {dup_prs} pull requests")
        print(f"  lost updates: {lost} of {n}")
        ok = (
            codes[-1] == 0 and len(codes) <= 3 and seconds <= 180 and not (dup_items or dup_branches or dup_prs or lost)
        )
        print("PASS" if ok else "FAIL (targets: <= 3 runs, <= 180 s, 0 duplicates, 0 lost updates)")
        return 0 if ok else 1


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    sys.exit(main(*args))
