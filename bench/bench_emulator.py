"""How fast is the in-process ADO emulator? It must never be the bottleneck of other benchmarks.

Prints a table: simple GETs per second through ``httpx.Client(transport=emu.transport)``, the
cost of creating work items over the wire, and WIQL over 10,000 items (a tag query answered from
the tag index, a ChangedDate comparison that scans, and both combined). Every figure comes with the
number of HTTP requests it took, counted by the emulator's own request log.

Run: ``.venv/bin/python bench/bench_emulator.py`` (or ``make bench``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import httpx

from ticketops.emulator import Emulator

ITEMS = 10_000
GETS = 2_000
CREATES = 500
V = {"api-version": "7.1"}


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def seed_items(emu: Emulator) -> None:
    for i in range(ITEMS):
        tags = ["ticketops", f"ticketops:PAY-{i}"] + (["hot"] if i % 100 == 0 else [])
        emu.db.create_work_item("Payments", "User Story", {"System.Title": f"Story {i}"}, tags=tags)


def main() -> None:
    rows: list[tuple[str, str, int]] = []
    with httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"id": 1})), base_url="http://x/o"
    ) as bare:
        t = timed(lambda: bare.get("/_apis/projects/Payments", params=V), GETS)
        rows.append(("baseline: bare httpx MockTransport GET", f"{1 / t:,.0f} req/s", 0))
    with Emulator() as emu, httpx.Client(transport=emu.transport, base_url=emu.url) as c:
        emu.log.reset()
        t = timed(lambda: c.get("/_apis/projects/Payments", params=V), GETS)
        rows.append(("GET project (simple GET)", f"{1 / t:,.0f} req/s", emu.log.count()))

        emu.log.reset()
        ops = json.dumps([{"op": "add", "path": "/fields/System.Title", "value": "bench"}])
        hdr = {"Content-Type": "application/json-patch+json"}
        t = timed(lambda: c.post("/Payments/_apis/wit/workitems/$Task", params=V, content=ops, headers=hdr), CREATES)
        rows.append(("POST work item (create)", f"{1 / t:,.0f} req/s", emu.log.count()))

        start = time.perf_counter()
        seed_items(emu)
        rows.append((f"seed {ITEMS:,} items (db, no HTTP)", f"{time.perf_counter() - start:.2f} s", 0))
        cutoff = "2000-01-01"
        queries = {
            "WIQL tag CONTAINS 'hot' (index)": "[System.Tags] CONTAINS 'hot'",
            "WIQL ChangedDate >= date (scan)": f"[System.ChangedDate] >= '{cutoff}'",
            "WIQL tag + ChangedDate + state": f"[System.Tags] CONTAINS 'ticketops' AND [System.ChangedDate] >= '{cutoff}' "
            "AND [System.State] <> 'Removed'",
        }
        for label, where in queries.items():
            body = {"query": f"SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND {where}"}
            emu.log.reset()
            result: list[int] = []

            def run(body: dict[str, str] = body, result: list[int] = result) -> None:
                r = c.post("/Payments/_apis/wit/wiql", params=V, json=body)
                result[:] = [len(r.json()["workItems"])]

            t = timed(run, 5)
            rows.append((f"{label} -> {result[0]:,} ids", f"{t * 1000:.1f} ms", emu.log.count() // 5))

        emu.log.reset()
        ids = list(range(1, 201))
        t = timed(
            lambda: c.post(
                "/Payments/_apis/wit/workitemsbatch",
                params=V,
                json={"ids": ids, "fields": ["System.Title", "System.State", "System.Tags"]},
            ),
            20,
        )
        rows.append(("workitemsbatch 200 ids", f"{t * 1000:.1f} ms", emu.log.count() // 20))

    width = max(len(r[0]) for r in rows)
    print(f"{'ADO emulator (in-process transport)':<{width}}  {'result':>14}  requests")
    print("-" * (width + 27))
    for label, value, requests in rows:
        print(f"{label:<{width}}  {value:>14}  {requests:>8}")


if __name__ == "__main__":
    main()
