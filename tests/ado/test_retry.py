"""Retries, backoff, rate-limit headers, and never replaying a create whose outcome is unknown."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest

from support.fake_ado import Sleeps, ado_error, listing, work_item
from ticketops.ado import (
    NetworkError,
    OutcomeUnknown,
    PatchOp,
    RetryPolicy,
    ServerError,
    StaleRevision,
    Throttled,
)
from ticketops.ado.retry import RateHeaders, pace_after_success, wait_before_retry

THROTTLED = "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource"


def script(
    *responses: Callable[[httpx.Request], httpx.Response] | httpx.Response,
) -> Callable[[httpx.Request], httpx.Response]:
    """Answer the n-th request with the n-th entry (responses, or callables that may raise)."""
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0)
        return item(request) if callable(item) else item

    return handler


def drop_after_send(request: httpx.Request) -> httpx.Response:
    raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)


def refuse_connection(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def ok_item(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=work_item(5))


def throttled(retry_after: str | None = None, **headers: str) -> httpx.Response:
    resp = ado_error(429, None, THROTTLED)
    if retry_after is not None:
        resp.headers["Retry-After"] = retry_after
    for k, v in headers.items():
        resp.headers[k.replace("_", "-")] = v
    return resp


# ---- waits ------------------------------------------------------------------------------------


def test_retry_after_is_honoured_on_429(make_client, sleeps: Sleeps) -> None:
    client, fake = make_client(script(throttled("7"), ok_item))
    assert client.get_work_item("P", 5).id == 5
    assert sleeps.waits == [7.0]
    assert len(fake.requests) == 2
    assert client.stats.retries == 1 and client.stats.throttled_waits == 1


def test_x_ratelimit_delay_is_honoured_on_429(make_client, sleeps: Sleeps) -> None:
    client, _ = make_client(script(throttled(None, X_RateLimit_Delay="2.5"), ok_item))
    client.get_work_item("P", 5)
    assert sleeps.waits == [2.5]


def test_http_date_retry_after() -> None:
    rate = RateHeaders.parse({"Retry-After": "Wed, 21 Oct 2015 07:28:30 GMT"}, now=1445412500.0)
    assert rate.retry_after == pytest.approx(10.0)


def test_backoff_grows_and_jitter_is_bounded() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=100.0, jitter=0.2)
    rng = random.Random(1)
    for _ in range(200):
        waits = [policy.backoff(n, rng) for n in range(1, 6)]
        for n, w in enumerate(waits, start=1):
            assert 0.8 * 2 ** (n - 1) <= w <= 1.2 * 2 ** (n - 1)
        assert waits == sorted(waits)


def test_backoff_is_capped_by_max_delay() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=4.0, jitter=0.0)
    assert [policy.backoff(n, random.Random()) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 4.0, 4.0]


def test_server_errors_back_off_exponentially(make_client, sleeps: Sleeps) -> None:
    boom = ado_error(503, None, "Service Unavailable")
    policy = RetryPolicy(base_delay=1.0, jitter=0.2, seed=3)
    client, fake = make_client(script(boom, boom, boom, ok_item), retry=policy)
    client.get_work_item("P", 5)
    assert len(fake.requests) == 4
    assert len(sleeps.waits) == 3
    for n, w in enumerate(sleeps.waits, start=1):
        assert 0.8 * 2 ** (n - 1) <= w <= 1.2 * 2 ** (n - 1)


def test_same_seed_same_waits(make_client, sleeps: Sleeps) -> None:
    boom = ado_error(500, None, "Internal")
    rng = random.Random(11)
    policy = RetryPolicy(seed=11)
    expected = [policy.backoff(n, rng) for n in (1, 2)]
    client, _ = make_client(script(boom, boom, ok_item), retry=policy)
    client.get_work_item("P", 5)
    assert sleeps.waits == expected


def test_attempts_are_bounded_then_throttled_error(make_client, sleeps: Sleeps) -> None:
    client, fake = make_client(lambda r: throttled("1"), retry=RetryPolicy(max_attempts=3, seed=1))
    with pytest.raises(Throttled) as info:
        client.get_work_item("P", 5)
    assert len(fake.requests) == 3
    assert sleeps.waits == [1.0, 1.0]
    assert info.value.status == 429 and info.value.retry_after == 1.0
    assert "TF400733" in str(info.value)
    assert "(still throttled after 3 attempt(s), 2.0s waited; try again in 1s, after " in str(info.value)


def test_throttled_without_retry_after_names_the_back_off_not_ado(make_client) -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=50, max_delay=500, max_total_wait=60, jitter=0, seed=1)
    client, fake = make_client(lambda r: throttled(), retry=policy)
    with pytest.raises(Throttled) as info:
        client.get_work_item("P", 5)
    assert len(fake.requests) == 2  # waited 50s; the next 100s would pass the 60s budget
    msg = str(info.value)
    assert "the next back-off is 100s, more than the 60s one request may wait (10s left after 50s of waiting)" in msg
    assert "Azure DevOps asked" not in msg


def test_total_wait_is_bounded(make_client, sleeps: Sleeps) -> None:
    client, fake = make_client(lambda r: throttled("40"), retry=RetryPolicy(max_attempts=10, max_total_wait=100))
    with pytest.raises(Throttled):
        client.get_work_item("P", 5)
    assert sleeps.waits == [40.0, 40.0]  # a third 40s wait would pass the 100s budget
    assert len(fake.requests) == 3


def test_persistent_5xx_is_server_error(make_client) -> None:
    client, fake = make_client(lambda r: ado_error(502, None, "Bad Gateway"), retry=RetryPolicy(max_attempts=2, seed=1))
    with pytest.raises(ServerError, match="Bad Gateway"):
        client.get_work_item("P", 5)
    assert len(fake.requests) == 2


def test_unreachable_server_is_network_error(make_client) -> None:
    client, fake = make_client(refuse_connection, retry=RetryPolicy(max_attempts=3, seed=1))
    with pytest.raises(NetworkError, match="could not reach Azure DevOps"):
        client.list_projects()
    assert len(fake.requests) == 3


def test_client_errors_are_not_retried(make_client, sleeps: Sleeps) -> None:
    client, fake = make_client(lambda r: ado_error(400, None, "VS403474: too many ids"))
    with pytest.raises(Exception, match="VS403474"):
        client.get_work_item("P", 5)
    assert len(fake.requests) == 1 and sleeps.waits == []


# ---- slowing down before being blocked ---------------------------------------------------


def test_retry_after_on_a_200_delays_the_next_request(make_client, sleeps: Sleeps) -> None:
    first = httpx.Response(200, json=work_item(5), headers={"Retry-After": "3"})
    client, _ = make_client(script(first, ok_item))
    client.get_work_item("P", 5)
    assert sleeps.waits == []
    client.get_work_item("P", 5)
    assert sleeps.waits == [3.0]
    assert client.stats.throttled_waits == 1


def test_low_remaining_budget_slows_down(make_client, sleeps: Sleeps) -> None:
    low = httpx.Response(200, json=work_item(5), headers={"X-RateLimit-Limit": "200", "X-RateLimit-Remaining": "10"})
    plenty = httpx.Response(
        200, json=work_item(5), headers={"X-RateLimit-Limit": "200", "X-RateLimit-Remaining": "150"}
    )
    policy = RetryPolicy(slow_down_delay=1.5, low_remaining_ratio=0.1)
    client, _ = make_client(script(plenty, ok_item, low, ok_item), retry=policy)
    client.get_work_item("P", 5)
    client.get_work_item("P", 5)
    assert sleeps.waits == []
    client.get_work_item("P", 5)
    client.get_work_item("P", 5)
    assert sleeps.waits == [1.5]


def test_pace_is_zero_without_signals() -> None:
    assert pace_after_success(RetryPolicy(), RateHeaders.parse({})) == 0.0
    assert wait_before_retry(RetryPolicy(jitter=0), 429, RateHeaders(retry_after=9), 1, random.Random()) == 9


# ---- creates are never replayed blindly ----------------------------------------------------


def test_create_with_dropped_connection_is_outcome_unknown(make_client) -> None:
    client, fake = make_client(drop_after_send)
    with pytest.raises(OutcomeUnknown, match="may or may not have been applied") as info:
        client.create_work_item("P", "User Story", [PatchOp.set_field("System.Title", "x")])
    assert len(fake.requests) == 1
    assert info.value.operation == "POST /{organization}/{project}/_apis/wit/workitems/${type}"


def test_create_with_5xx_is_outcome_unknown(make_client) -> None:
    client, fake = make_client(lambda r: ado_error(500, None, "Internal server error"))
    with pytest.raises(OutcomeUnknown) as info:
        client.create_pull_request("P", "app", source_ref="feature/x", target_ref="main", title="t")
    assert len(fake.requests) == 1
    assert info.value.status == 500


@pytest.mark.parametrize("call", ["push", "update_refs", "add_comment"])
def test_other_creates_are_not_replayed(make_client, call: str) -> None:
    from ticketops.ado import Change, RefUpdate

    client, fake = make_client(drop_after_send)
    actions = {
        "push": lambda: client.push(
            "P", "app", ref="feature/x", old_object_id="0" * 40, comment="c", changes=[Change.add("/a", "x")]
        ),
        "update_refs": lambda: client.update_refs("P", "app", [RefUpdate.create("refs/heads/x", "a" * 40)]),
        "add_comment": lambda: client.add_comment("P", 1, "hello"),
    }
    with pytest.raises(OutcomeUnknown):
        actions[call]()
    assert len(fake.requests) == 1


def test_create_refused_connection_is_retried_because_nothing_was_sent(make_client) -> None:
    client, fake = make_client(script(refuse_connection, lambda r: httpx.Response(200, json=work_item(9))))
    assert client.create_work_item("P", "Bug", [PatchOp.set_field("System.Title", "x")]).id == 9
    assert len(fake.requests) == 2


def test_create_429_is_retried_because_it_was_not_processed(make_client, sleeps: Sleeps) -> None:
    client, fake = make_client(script(throttled("2"), lambda r: httpx.Response(200, json=work_item(9))))
    assert client.create_work_item("P", "Bug", [PatchOp.set_field("System.Title", "x")]).id == 9
    assert len(fake.requests) == 2 and sleeps.waits == [2.0]


def test_reads_are_retried_after_a_dropped_connection(make_client) -> None:
    client, fake = make_client(script(drop_after_send, lambda r: listing([work_item(1)])))
    assert [w.id for w in client.get_work_items("P", [1])] == [1]
    assert len(fake.requests) == 2


def test_wiql_post_is_retried(make_client) -> None:
    answer = httpx.Response(200, json={"workItems": [{"id": 3, "url": "u"}]})
    client, fake = make_client(script(drop_after_send, answer))
    assert client.wiql("P", "SELECT [System.Id] FROM WorkItems") == [3]
    assert len(fake.requests) == 2


def test_update_guarded_by_test_rev_is_retried_and_reports_stale(make_client) -> None:
    stale = ado_error(412, "TestPatchOperationFailedException", "VS403351: The test operation failed")
    client, fake = make_client(script(drop_after_send, stale))
    with pytest.raises(StaleRevision):
        client.update_work_item("P", 5, [PatchOp.test_rev(3), PatchOp.set_field("System.Title", "y")])
    assert len(fake.requests) == 2


def test_update_without_test_rev_is_not_replayed(make_client) -> None:
    client, fake = make_client(drop_after_send)
    with pytest.raises(OutcomeUnknown):
        client.update_work_item(
            "P", 5, [PatchOp(op="add", path="/relations/-", value={"rel": "Hyperlink", "url": "x"})]
        )
    assert len(fake.requests) == 1


def test_reviewer_put_is_retried(make_client) -> None:
    reviewer = httpx.Response(200, json={"id": "r1", "vote": 0, "isRequired": True})
    client, fake = make_client(script(drop_after_send, reviewer))
    assert client.add_reviewer("P", "app", 3, "r1", is_required=True).is_required
    assert len(fake.requests) == 2
