"""Loading the desired state: ``ticketops.desired.load()`` from a commit with N tickets.

Generates N realistic tickets in a fresh git repository under a temp dir (trees are built with
pygit2 directly, no files on disk), then times ``load()`` from the commit, best of 3.
No HTTP is involved: the request count is 0 by construction (load() never talks to ADO).

    .venv/bin/python bench/bench_desired.py [N ...]     # default: 1000 10000
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pygit2

from benchkit import commit_board
from ticketops.desired import load

CONFIG = b"""\
organization_url: https://dev.azure.com/contoso
project: Payments
process: agile
repos:
  api: {name: payments-api, default_branch: main}
  web: {name: payments-web, default_branch: main}
default_repo: api
"""
STATUSES = ("backlog", "in-progress", "in-review", "done")
PEOPLE = ("alice", "bob", "carol", "dave", "erin")


def ticket(i: int) -> bytes:
    who = PEOPLE[i % 5]
    return f"""---
title: Ticket number {i} about payment capture retries
status: {STATUSES[i % 4]}
assignee: {who}@contoso.com
reviewers: [{PEOPLE[(i + 1) % 5]}@contoso.com, {PEOPLE[(i + 2) % 5]}@contoso.com]
repo: {"api" if i % 3 else "web"}
priority: {i % 4 + 1}
tags: [payments, batch-{i % 7}]
acceptance_criteria:
  - Retried captures with the same key return the original result
  - Keys expire after 24 hours
---

## Context

Merchants retry captures when our API times out (ticket {i}).

## Proposal

Accept an `Idempotency-Key` header and store the response for 24 hours.
""".encode()


def make_board(path: Path, n: int) -> pygit2.Repository:
    return commit_board(path, CONFIG, n, ticket, prefix="PAY", bare=True)


def best_of(runs: int, path: Path, n: int) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of ``runs`` loads (CPU time shows the cost when the
    machine is busy with other work)."""
    wall = cpu = float("inf")
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        state = load(path)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
        if len(state.tickets) != n or state.problems:
            raise SystemExit(f"expected {n} valid tickets, got {len(state.tickets)} and {len(state.problems)} problems")
    return wall, cpu


def main(sizes: list[int]) -> None:
    print(
        f"{'N':>8}  {'seconds':>8}  {'cpu s':>6}  {'tickets/s':>10}  {'HTTP requests':>13}   "
        "(load() from a commit, best of 3)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"board-{n}.git"
            make_board(path, n)
            secs, cpu = best_of(3, path, n)
            print(f"{n:>8}  {secs:>8.3f}  {cpu:>6.3f}  {n / secs:>10,.0f}  {0:>13}", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:] if a.isdigit()] or [1_000, 10_000])  # run_all passes names
