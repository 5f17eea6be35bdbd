"""Request accounting that --stats and the benchmarks rely on."""

from __future__ import annotations

import json

import httpx

from support.fake_ado import listing, work_item


def test_stats_count_requests_by_operation_with_retries(make_client) -> None:
    calls = {"n": 0}

    def answer(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if request.url.path.endswith("/wiql"):
            return httpx.Response(200, json={"workItems": [{"id": i, "url": "u"} for i in range(1, 251)]})
        if calls["n"] == 2:
            return httpx.Response(429, headers={"Retry-After": "1"}, json={"message": "TF400733: throttled"})
        return listing([work_item(i) for i in json.loads(request.content)["ids"]])

    client, _ = make_client(answer, max_concurrency=1)
    ids = client.wiql("P", "SELECT [System.Id] FROM WorkItems")
    client.get_work_items("P", ids)
    snap = client.stats.snapshot()
    assert snap.by_operation == {"POST wit.wiql": 1, "POST wit.workitemsbatch": 3}
    assert snap.total == 4 and snap.retries == 1 and snap.throttled_waits == 1
    assert snap.waited_seconds == 1.0
    assert snap.bytes_sent > 0 and snap.bytes_received > 0
    text = client.stats.render()
    assert "POST wit.workitemsbatch" in text and "total requests" in text and "retries" in text


def test_stats_reset(make_client) -> None:
    client, _ = make_client(lambda r: httpx.Response(200, json=work_item(1)))
    client.get_work_item("P", 1)
    assert client.stats.count("GET wit.workitem") == 1
    client.stats.reset()
    assert client.stats.total == 0 and client.stats.snapshot().by_operation == {}
