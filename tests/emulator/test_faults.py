"""Fault injection, rate limiting and request observers, all on the manual clock."""

from __future__ import annotations

import httpx
import pytest

from ticketops.emulator import Emulator, ManualClock, RequestRecord


def _statuses(emu: Emulator, n: int) -> list[int]:
    with httpx.Client(transport=emu.transport, base_url=emu.url) as c:
        return [c.get("/_apis/projects", params={"api-version": "7.1"}).status_code for _ in range(n)]


def test_error_rate_is_random_but_seeded(clock: ManualClock) -> None:
    runs = []
    for _ in range(2):
        with Emulator(clock=clock, rng_seed=42) as emu:
            emu.faults.error_rate = 0.5
            runs.append(_statuses(emu, 40))
    assert runs[0] == runs[1]
    assert {500, 503} <= set(runs[0]) and 200 in runs[0]
    with Emulator(clock=clock, rng_seed=7) as other:
        other.faults.error_rate = 0.5
        assert _statuses(other, 40) != runs[0]


def test_failed_requests_change_nothing(ado, emu: Emulator) -> None:
    emu.faults.fail_next("Work Items_Create", status=503)
    r = ado.create("Payments", "User Story", [ado.field("System.Title", "x")])
    assert r.status_code == 503 and r.headers["Retry-After"] == "1"
    assert r.json()["$id"] == "1"
    assert emu.db.work_items("Payments") == []
    assert ado.create("Payments", "User Story", [ado.field("System.Title", "x")]).status_code == 200


def test_latency_goes_through_the_clock(ado, emu: Emulator, clock: ManualClock) -> None:
    emu.faults.latency = 0.25
    start = clock.time()
    ado.get("/_apis/projects")
    ado.get("/_apis/projects")
    assert clock.slept == [0.25, 0.25] and clock.time() == start + 0.5


def test_dropped_response_still_commits_the_write(ado, emu: Emulator) -> None:
    emu.faults.drop_response("Work Items_Create")
    with pytest.raises(httpx.ReadError):
        ado.create("Payments", "User Story", [ado.field("System.Title", "created, answer lost")])
    items = emu.db.work_items("Payments")
    assert [it.fields["System.Title"] for it in items] == ["created, answer lost"]
    assert emu.log.records[-1].dropped and emu.log.records[-1].status == 200
    # Only once: the next create answers normally.
    assert ado.create("Payments", "User Story", [ado.field("System.Title", "second")]).status_code == 200


def test_rate_limit_delays_then_blocks_with_retry_after(emu: Emulator, clock: ManualClock) -> None:
    emu.rate_limit(10, window_seconds=600, delay_threshold=0.5)  # longer than the delays (up to 30 s each)
    with httpx.Client(transport=emu.transport, base_url=emu.url) as c:
        responses = [c.get("/_apis/projects", params={"api-version": "7.1"}) for _ in range(11)]
    assert [r.status_code for r in responses] == [200] * 10 + [429]
    assert "X-RateLimit-Delay" not in responses[0].headers
    delayed = responses[5]
    # As Microsoft's "Rate and usage limits" defines them: Limit is the TSTUs allowed before delays
    # (5 of 10 here), Remaining is 0 while requests are delayed, Retry-After comes with a block only.
    assert delayed.headers["X-RateLimit-Resource"] and delayed.headers["X-RateLimit-Limit"] == "5"
    assert delayed.headers["X-RateLimit-Remaining"] == "0" and "Retry-After" not in delayed.headers
    assert float(delayed.headers["X-RateLimit-Delay"]) > 0
    assert sum(clock.slept) > 0  # the emulator slowed down before it blocked
    blocked = responses[10]
    assert blocked.json()["message"].startswith("TF400733")
    assert int(blocked.headers["Retry-After"]) > 0 and int(blocked.headers["X-RateLimit-Reset"]) > clock.time()
    clock.advance(601)
    assert _statuses(emu, 1) == [200]


def test_observers_see_every_request(ado, emu: Emulator) -> None:
    seen: list[RequestRecord] = []
    Emulator.global_observers.append(seen.append)
    try:
        ado.story("observed")
        ado.get("/_apis/projects")
    finally:
        Emulator.global_observers.remove(seen.append)
    assert [r.operation_id for r in seen] == ["Work Items_Create", "Projects_List"]
    assert seen[0].method == "POST" and seen[0].query["api-version"] == "7.1"
    assert seen[0].url.startswith("http://ado.emulator/contoso/Payments/_apis/wit/workitems/")
    assert seen[0].status == 200 and b"System.Title" in seen[0].body
