"""Request budget of a no-op reconcile with git work, against the in-process ADO emulator.

N tickets in review (each with a branch holding its spec and an active PR with a reviewer), split
over one or two linked repositories, are seeded by a real reconcile through the REST API. Then a
second reconcile must write nothing, and its git reads must be a constant per repository: one
repository list per run, and per repository one filtered refs list and the pages (100 each) of the
active pull requests. No per-ticket GET: the hidden marker of each PR proves title, description,
spec and work item link from the 400 characters a PR list shows. The same is measured for N
tickets in progress (no PR yet), whose spec blobs are read with one ``itemsbatch`` per 200.

    .venv/bin/python bench/bench_git.py            # N = 1,000
    .venv/bin/python bench/bench_git.py 200 2000   # other sizes
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

from benchkit import commit_board, seed_then_noop
from ticketops.desired import load
from ticketops.emulator import Emulator

REPOS = ("payments-api", "payments-web")
PR_PAGE = 100
GIT_OPS = {
    "GET git.repositories",
    "GET git.refs",
    "GET git.pullrequests",
    "POST git.itemsbatch",
    "GET git.item",
    "GET ims.identities",
    "GET wit.workitem",
}


def config(repos: int) -> bytes:
    links = "".join(f"  r{i}:\n    name: {REPOS[i]}\n" for i in range(repos))
    return (
        f"organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
        f"repos:\n{links}default_repo: r0\n"
    ).encode()


def ticket(i: int, status: str, repos: int) -> bytes:
    return (
        f"---\ntitle: Bench ticket {i}\nstatus: {status}\nrepo: r{i % repos}\nreviewers: [alice@contoso.com]\n"
        f"acceptance_criteria:\n  - criterion {i}\n---\n## Spec {i}\n\nBody of ticket {i}.\n"
    ).encode()


def make_board(root: Path, n: int, status: str, repos: int) -> None:
    commit_board(root, config(repos), n, lambda i: ticket(i, status, repos))


def git_budget(n: int, status: str, repos: int) -> int:
    """1 repository list + per repository: 1 refs list, the PR pages, and itemsbatch calls."""
    per_repo = math.ceil(n / repos)
    prs = per_repo if status == "in-review" else 0
    pages = prs // PR_PAGE + 1  # $top/$skip until a short page
    batches = math.ceil(per_repo / 200) if status == "in-progress" else 0
    return 1 + repos * (1 + pages + batches)


def run(n: int, status: str, repos: int) -> bool:
    with tempfile.TemporaryDirectory(prefix="bench-git-") as tmp, Emulator() as emu:
        make_board(Path(tmp), n, status, repos)
        run_ = seed_then_noop(emu, load(tmp))
    seeded, t_seed, result, t_noop, stats, writes = (
        run_.seeded,
        run_.seed_seconds,
        run_.result,
        run_.noop_seconds,
        run_.stats,
        run_.writes,
    )
    git = {op: c for op, c in stats.by_operation.items() if op in GIT_OPS}
    git_total = sum(git.values())
    budget = git_budget(n, status, repos)
    ok = result.converged and not result.passes and writes == 0 and git_total <= budget
    print(f"N = {n:,} tickets {status}, {repos} linked repositor{'y' if repos == 1 else 'ies'}")
    print(f"  seeding: {seeded.writes:,} writes through the REST API in {t_seed:.1f}s")
    print(
        f"  no-op reconcile: {stats.total} requests ({git_total} git, {stats.total - git_total} work items), "
        f"{writes} writes, {t_noop:.3f}s"
    )
    print(f"    git by operation: {git}")
    print(
        f"    git budget 1 + repos x (1 refs + PR pages + itemsbatch/200) = {budget}: "
        f"{'OK' if git_total <= budget else 'OVER'}"
    )
    return ok


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv if a.isdigit()] or [1_000]  # run_all.py passes name filters
    results = []
    for n in sizes:
        results.append(run(n, "in-review", 1))
        results.append(run(n, "in-review", 2))
        results.append(run(n, "in-progress", 1))
    print("PASS" if all(results) else "FAIL: a no-op reconcile went over its git request budget or wrote")
    return 0 if all(results) else 1


if __name__ == "__main__":
    code = main(sys.argv[1:])
    if code:  # exit only on failure, so bench/run_all.py goes on to the next benchmark
        sys.exit(code)
