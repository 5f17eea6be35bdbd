"""Bulk reads: 200-id batches in bounded parallel, and every paging style followed to the end."""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs

import httpx
import pytest

from support.fake_ado import listing, work_item
from ticketops.ado import BATCH_MAX_IDS


def _batch_answer(request: httpx.Request) -> httpx.Response:
    ids = json.loads(request.content)["ids"]
    return listing([work_item(i) for i in ids])


def test_450_ids_take_3_workitemsbatch_calls(make_client) -> None:
    client, fake = make_client(_batch_answer)
    items = client.get_work_items("Payments", list(range(450, 0, -1)))
    assert len(fake.requests) == 3
    sizes = sorted(len(json.loads(r.content)["ids"]) for r in fake.requests)
    assert sizes == [50, 200, 200]
    assert all(len(json.loads(r.content)["ids"]) <= BATCH_MAX_IDS for r in fake.requests)
    assert [w.id for w in items] == list(range(1, 451))
    assert client.stats.count("POST wit.workitemsbatch") == 3


def test_duplicates_are_read_once_and_no_ids_means_no_request(make_client) -> None:
    client, fake = make_client(_batch_answer)
    assert client.get_work_items("P", []) == []
    assert fake.requests == []
    assert [w.id for w in client.get_work_items("P", [3, 3, 1])] == [1, 3]
    assert json.loads(fake.requests[0].content)["ids"] == [1, 3]


def test_missing_items_are_left_out_not_fatal(make_client) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["errorPolicy"] == "omit"
        return listing([work_item(1), None, work_item(3)])

    client, _ = make_client(answer)
    assert [w.id for w in client.get_work_items("P", [1, 2, 3])] == [1, 3]


def test_fields_and_expand_are_sent_and_refused_together(make_client) -> None:
    client, fake = make_client(_batch_answer)
    client.get_work_items("P", [1], fields=["System.Title", "System.State"])
    client.get_work_items("P", [1], expand="relations")
    assert json.loads(fake.requests[0].content)["fields"] == ["System.Title", "System.State"]
    assert json.loads(fake.requests[1].content)["$expand"] == "relations"
    with pytest.raises(ValueError, match="fields and \\$expand"):
        client.get_work_items("P", [1], fields=["System.Title"], expand="relations")


def test_batches_run_in_parallel_but_never_above_max_concurrency(make_client) -> None:
    """Two workers, four batches: each pair must meet at the barrier (proves parallelism)."""
    barrier = threading.Barrier(2, timeout=10)
    lock = threading.Lock()
    in_flight = {"now": 0, "max": 0}

    def answer(request: httpx.Request) -> httpx.Response:
        with lock:
            in_flight["now"] += 1
            in_flight["max"] = max(in_flight["max"], in_flight["now"])
        barrier.wait()
        with lock:
            in_flight["now"] -= 1
        return _batch_answer(request)

    client, fake = make_client(answer, max_concurrency=2)
    items = client.get_work_items("P", range(1, 801))
    assert len(items) == 800 and len(fake.requests) == 4
    assert in_flight["max"] == 2


def test_refs_follow_continuation_tokens(make_client) -> None:
    pages = {
        None: ([{"name": "refs/heads/feature/a", "objectId": "1" * 40}], "tok-2"),
        "tok-2": ([{"name": "refs/heads/feature/b", "objectId": "2" * 40}], "tok-3"),
        "tok-3": ([{"name": "refs/heads/feature/c", "objectId": "3" * 40}], None),
    }

    def answer(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("continuationToken")
        items, nxt = pages[token]
        return listing(items, headers={"x-ms-continuationtoken": nxt} if nxt else None)

    client, fake = make_client(answer)
    refs = client.list_refs("P", "app", filter="refs/heads/feature")
    assert [r.name for r in refs] == ["refs/heads/feature/a", "refs/heads/feature/b", "refs/heads/feature/c"]
    assert all(r.url.params["filter"] == "heads/feature" for r in fake.requests)
    assert [r.url.params.get("continuationToken") for r in fake.requests] == [None, "tok-2", "tok-3"]


def test_projects_follow_continuation_tokens(make_client) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("continuationToken") == "next":
            return listing([{"id": "2", "name": "Two"}])
        return listing([{"id": "1", "name": "One"}], headers={"x-ms-continuationtoken": "next"})

    client, _ = make_client(answer)
    assert [p.name for p in client.list_projects()] == ["One", "Two"]


def test_a_repeated_continuation_token_stops_with_an_error(make_client) -> None:
    from ticketops.ado import UnexpectedResponse

    client, fake = make_client(lambda r: listing([], headers={"x-ms-continuationtoken": "same"}))
    with pytest.raises(UnexpectedResponse, match="repeated a continuation token"):
        client.list_refs("P", "app")
    assert len(fake.requests) == 2


def test_comments_follow_the_body_continuation_token(make_client) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.params["api-version"] == "7.1-preview.4"
        if request.url.params.get("continuationToken") == "c2":
            return httpx.Response(200, json={"totalCount": 3, "count": 1, "comments": [{"id": 3, "text": "c"}]})
        return httpx.Response(
            200,
            json={
                "totalCount": 3,
                "count": 2,
                "comments": [{"id": 1, "text": "a"}, {"id": 2, "text": "b"}],
                "continuationToken": "c2",
            },
        )

    client, fake = make_client(answer)
    assert [c.text for c in client.get_comments("P", 7)] == ["a", "b", "c"]
    assert len(fake.requests) == 2


def test_pull_requests_page_with_top_and_skip(make_client) -> None:
    def pr(n: int) -> dict[str, object]:
        return {
            "pullRequestId": n,
            "status": "active",
            "sourceRefName": f"refs/heads/f{n}",
            "targetRefName": "refs/heads/main",
        }

    total = 230

    def answer(request: httpx.Request) -> httpx.Response:
        q = parse_qs(request.url.query.decode())
        top, skip = int(q["$top"][0]), int(q["$skip"][0])
        return listing([pr(n) for n in range(skip + 1, min(total, skip + top) + 1)])

    client, fake = make_client(answer)
    prs = client.list_pull_requests("P", "app", target_ref="main")
    assert [p.pull_request_id for p in prs] == list(range(1, total + 1))
    assert [r.url.params["$skip"] for r in fake.requests] == ["0", "100", "200"]
    assert fake.requests[0].url.params["searchCriteria.targetRefName"] == "refs/heads/main"
    assert fake.requests[0].url.params["searchCriteria.status"] == "active"


def test_updates_page_until_a_short_page(make_client) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        skip = int(request.url.params["$skip"])
        n = 200 if skip == 0 else 5
        return listing([{"id": skip + i + 1, "rev": skip + i + 1} for i in range(n)])

    client, fake = make_client(answer)
    assert len(client.get_updates("P", 1)) == 205
    assert len(fake.requests) == 2
