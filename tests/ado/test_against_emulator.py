"""The real client against the in-memory ADO emulator, over its real wire format.

Every request here also goes through the session-wide spec checker (tests/conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pygit2
import pytest

from support.fake_ado import PAT
from ticketops.ado import (
    AccessToken,
    AdoClient,
    AuthError,
    BadRequest,
    BearerAuth,
    Change,
    NotFound,
    OutcomeUnknown,
    PatAuth,
    PatchOp,
    PullRequestExists,
    ReadOnlyViolation,
    RefUpdate,
    RefUpdateFailed,
    RetryPolicy,
    RuleValidationError,
    StalePush,
    StaleRevision,
    StaticTokenProvider,
    Throttled,
    raise_for_failures,
    wiql_literal,
)
from ticketops.ado.redact import Secret
from ticketops.emulator import Emulator, ManualClock

P = "Payments"
REPO = "payments-api"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emu(clock: ManualClock) -> Iterator[Emulator]:
    with Emulator(pat=PAT, clock=clock) as e:
        yield e


@pytest.fixture
def client(emu: Emulator, clock: ManualClock) -> Iterator[AdoClient]:
    # waiting advances the emulator's clock, so throttling windows pass without real sleeps
    with AdoClient(emu.url, PatAuth(PAT), transport=emu.transport, sleep=clock.sleep, clock=clock.time) as c:
        yield c


def _story(client: AdoClient, title: str, **fields: object) -> int:
    ops = [PatchOp.set_field("System.Title", title), *(PatchOp.set_field(k, v) for k, v in fields.items())]
    return client.create_work_item(P, "User Story", ops).id


# ---- work items -------------------------------------------------------------------------------


def test_create_read_and_query_a_work_item(client: AdoClient) -> None:
    created = client.create_work_item(
        P,
        "User Story",
        [
            PatchOp.set_field("System.Title", "Pay by card"),
            PatchOp.set_field("System.Tags", "ticketops; PAY-1"),
            PatchOp.set_field("System.AssignedTo", "alice@contoso.com"),
            PatchOp.set_field("System.Description", "# Spec\n\nPay by **card**."),
            PatchOp(op="add", path="/multilineFieldsFormat/System.Description", value="Markdown"),
        ],
    )
    assert created.rev == 1 and created.state == "New" and created.work_item_type == "User Story"
    assert sorted(created.tags) == ["PAY-1", "ticketops"]
    who = created.identity("System.AssignedTo")
    assert who is not None and who.unique_name == "alice@contoso.com" and who.display_name == "Alice Archer"
    assert created.format_of("System.Description") == "markdown"

    ids = client.wiql(P, f"SELECT [System.Id] FROM WorkItems WHERE [System.Tags] CONTAINS {wiql_literal('PAY-1')}")
    assert ids == [created.id]
    [batch] = client.get_work_items(P, ids, fields=["System.Title", "System.State"])
    assert batch.title == "Pay by card" and batch.state == "New"
    assert client.get_work_item(P, created.id).field_str("System.Description") == "# Spec\n\nPay by **card**."


def test_wiql_quotes_are_doubled(client: AdoClient) -> None:
    wid = _story(client, "Bob's card")
    assert client.wiql(
        P,
        f"SELECT [System.Id] FROM WorkItems WHERE [System.Title] = {wiql_literal(chr(66) + 'ob' + chr(39) + 's card')}",
    ) == [wid]


def test_wiql_result_has_the_server_time_and_compares_to_the_millisecond(client: AdoClient, clock: ManualClock) -> None:
    first = client.wiql_result(P, "SELECT [System.Id] FROM WorkItems WHERE [System.Id] = 0", time_precision=True)
    assert first.as_of is not None and first.ids == []
    clock.advance(60)
    wid = _story(client, "After the watermark")
    since = first.as_of.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    query = f"SELECT [System.Id] FROM WorkItems WHERE [System.ChangedDate] >= {wiql_literal(since)}"
    assert client.wiql_result(P, query, time_precision=True).ids == [wid]
    with pytest.raises(BadRequest):  # without timePrecision ADO refuses a time of day
        client.wiql_result(P, query)


def test_update_with_rev_guard_and_stale_revision(client: AdoClient) -> None:
    wid = _story(client, "first")
    updated = client.update_work_item(P, wid, [PatchOp.test_rev(1), PatchOp.set_field("System.State", "Active")])
    assert updated.rev == 2 and updated.state == "Active"
    with pytest.raises(StaleRevision, match="VS403351"):
        client.update_work_item(P, wid, [PatchOp.test_rev(1), PatchOp.set_field("System.Title", "late")])
    assert client.get_work_item(P, wid).title == "first"


def test_state_not_allowed_is_a_rule_error_with_fields(client: AdoClient) -> None:
    wid = _story(client, "x")
    with pytest.raises(RuleValidationError) as info:
        client.update_work_item(P, wid, [PatchOp.set_field("System.State", "Shipped")])
    assert any(fe.field == "System.State" for fe in info.value.field_errors)


def test_missing_work_item_is_not_found(client: AdoClient) -> None:
    with pytest.raises(NotFound, match="TF401232"):
        client.get_work_item(P, 999_999)


def test_bulk_read_uses_three_batch_calls_for_450_items(client: AdoClient, emu: Emulator) -> None:
    ids = [_story(client, f"story {n}") for n in range(450)]
    emu.log.reset()
    items = client.get_work_items(P, ids)
    assert [w.id for w in items] == sorted(ids)
    assert emu.log.count("Work Items_Get Work Items Batch") == 3
    assert emu.log.by_operation() == {"Work Items_Get Work Items Batch": 3}


def test_deleted_items_are_left_out_of_a_batch(client: AdoClient) -> None:
    keep = _story(client, "keep")
    assert [w.id for w in client.get_work_items(P, [keep, 987_654])] == [keep]


def test_types_states_and_transitions(client: AdoClient) -> None:
    states = client.get_work_item_type_states(P, "User Story")
    assert [s.name for s in states] == ["New", "Active", "Resolved", "Closed", "Removed"]
    assert {s.category for s in states} >= {"Proposed", "InProgress", "Completed"}
    wit = client.get_work_item_type(P, "User Story")
    assert wit.initial_states == ["New"]
    assert "Active" in wit.transitions["New"]
    assert "User Story" in {t.name for t in client.list_work_item_types(P)}


def test_comments_updates_and_revisions(client: AdoClient) -> None:
    wid = _story(client, "history")
    client.update_work_item(P, wid, [PatchOp.test_rev(1), PatchOp.set_field("System.Title", "history 2")])
    added = client.add_comment(P, wid, "first comment")
    client.add_comment(P, wid, "second *comment*", markdown=True)
    comments = client.get_comments(P, wid)
    assert {c.text for c in comments} == {"first comment", "second *comment*"}
    assert added.id in {c.id for c in comments}
    updates = client.get_updates(P, wid)
    title_changes = [u for u in updates if "System.Title" in u.fields]
    assert [u.fields["System.Title"].new_value for u in title_changes] == ["history", "history 2"]
    revisions = client.get_revisions(P, wid)
    assert [r.rev for r in revisions] == list(range(1, len(updates) + 1))
    assert revisions[1].title == "history 2"


# ---- core and identities ---------------------------------------------------------------------


def test_projects_and_who_am_i(client: AdoClient) -> None:
    names = [p.name for p in client.list_projects()]
    assert set(names) == {"Payments", "Ledger", "Helpdesk", "Compliance"}
    assert client.get_project(P).name == P
    me = client.connection_data().authenticated_user
    assert me.id and (me.display_name or "").lower().startswith("ticketops")


def test_identity_search_and_cache(client: AdoClient, emu: Emulator) -> None:
    bob = client.search_identity("bob@contoso.com")
    assert bob is not None and bob.mail == "bob@contoso.com"
    assert client.search_identity("nobody@contoso.com") is None
    client.search_identity("bob@contoso.com")
    client.search_identity("nobody@contoso.com")
    assert emu.log.count("Identities_Read Identities") == 2


# ---- git ----------------------------------------------------------------------------------------


def _main(client: AdoClient) -> str:
    [ref] = client.list_refs(P, REPO, filter="heads/main")
    return ref.object_id


def test_branch_push_and_read_back_a_file(client: AdoClient) -> None:
    repo = client.get_repository(P, REPO)
    assert repo.default_branch == "refs/heads/main"
    assert REPO in {r.name for r in client.list_repositories(P)}
    main = _main(client)
    results = client.update_refs(P, REPO, [RefUpdate.create("refs/heads/feature/PAY-1-card", main)])
    raise_for_failures(results)
    text = "---\nkey: PAY-1\n---\nPay by card\n"
    push = client.push(
        P,
        REPO,
        ref="feature/PAY-1-card",
        old_object_id=main,
        comment="PAY-1: ticket",
        changes=[Change.add("/.tickets/PAY-1.md", text)],
    )
    assert push.new_object_id and push.new_object_id != main
    item = client.get_item(P, REPO, ".tickets/PAY-1.md", branch="feature/PAY-1-card", include_content=True)
    assert item is not None and item.content == text
    assert item.object_id == str(pygit2.hash(text.encode()))  # objectId is the git blob id
    assert client.get_item(P, REPO, ".tickets/PAY-1.md", branch="main") is None
    assert [r.name for r in client.list_refs(P, REPO, filter="refs/heads/feature")] == ["refs/heads/feature/PAY-1-card"]


def test_stale_push_and_stale_ref_update(client: AdoClient) -> None:
    main = _main(client)
    client.push(P, REPO, ref="main", old_object_id=main, comment="one", changes=[Change.add("/a.txt", "a")])
    with pytest.raises(StalePush):
        client.push(P, REPO, ref="main", old_object_id=main, comment="two", changes=[Change.add("/b.txt", "b")])
    results = client.update_refs(P, REPO, [RefUpdate(name="refs/heads/main", old_object_id=main, new_object_id=main)])
    with pytest.raises(RefUpdateFailed) as info:
        raise_for_failures(results)
    assert info.value.update_status.lower() == "staleoldobjectid"


def test_pull_request_flow(client: AdoClient) -> None:
    main = _main(client)
    raise_for_failures(client.update_refs(P, REPO, [RefUpdate.create("refs/heads/feature/PAY-2", main)]))
    client.push(P, REPO, ref="feature/PAY-2", old_object_id=main, comment="PAY-2", changes=[Change.add("/x.md", "x")])
    wid = _story(client, "PAY-2")
    carol = client.search_identity("carol@contoso.com")
    assert carol is not None
    pr = client.create_pull_request(
        P, REPO, source_ref="feature/PAY-2", target_ref="main", title="PAY-2 x", description="spec", work_item_ids=[wid]
    )
    assert pr.status == "active" and pr.source_ref_name == "refs/heads/feature/PAY-2"
    with pytest.raises(PullRequestExists, match="TF401179"):
        client.create_pull_request(P, REPO, source_ref="feature/PAY-2", target_ref="main", title="again")
    listed = client.list_pull_requests(P, REPO, source_ref="feature/PAY-2")
    assert [p.pull_request_id for p in listed] == [pr.pull_request_id]
    updated = client.update_pull_request(P, REPO, pr.pull_request_id, title="PAY-2 better", description="spec 2")
    assert (updated.title, updated.description) == ("PAY-2 better", "spec 2")
    reviewer = client.add_reviewer(P, REPO, pr.pull_request_id, carol.id, is_required=True)
    assert reviewer.id == carol.id and reviewer.is_required
    assert [r.id for r in client.list_reviewers(P, REPO, pr.pull_request_id)] == [carol.id]
    assert [int(r.id) for r in client.get_pull_request_work_items(P, REPO, pr.pull_request_id)] == [wid]
    assert client.get_pull_request(P, REPO, pr.pull_request_id).title == "PAY-2 better"


# ---- auth, read-only, faults, throttling ------------------------------------------------------


def test_wrong_pat_is_auth_error(emu: Emulator) -> None:
    with (
        AdoClient(emu.url, PatAuth("wrong-pat-123456"), transport=emu.transport) as bad,
        pytest.raises(AuthError) as info,
    ):
        bad.list_projects()
    assert info.value.status == 401


def test_sign_in_page_is_auth_error(emu: Emulator) -> None:
    emu.sign_in_page_on_bad_auth = True
    with (
        AdoClient(emu.url, PatAuth("wrong-pat-123456"), transport=emu.transport) as bad,
        pytest.raises(AuthError, match="text/html") as info,
    ):
        bad.get_work_items(P, [1])
    assert info.value.status == 203


def test_expired_bearer_token_is_refreshed(emu: Emulator, clock: ManualClock) -> None:
    emu.accept_bearer("old-token-aaaa", expires_at=clock.time() + 600)
    emu.accept_bearer("new-token-bbbb", expires_at=clock.time() + 3600)
    tokens = iter(["old-token-aaaa", "new-token-bbbb"])
    asked: list[bool] = []

    class Provider:
        def get_token(self, force_refresh: bool = False) -> AccessToken:
            asked.append(force_refresh)
            return AccessToken(Secret(next(tokens)), clock.time() + 3600)  # claims an hour: a lie

    auth = BearerAuth(Provider(), clock=clock.time)
    with AdoClient(emu.url, auth, transport=emu.transport) as c:
        c.list_projects()
        clock.advance(900)  # the server expired the token early: 401, ask again once
        c.list_projects()
    assert asked == [False, True]


def test_pipeline_token_as_bearer(emu: Emulator) -> None:
    emu.accept_bearer("pipeline-token-xyz")
    with AdoClient(emu.url, BearerAuth(StaticTokenProvider("pipeline-token-xyz")), transport=emu.transport) as c:
        assert c.list_projects()


def test_read_only_client_reads_and_never_writes(emu: Emulator, client: AdoClient) -> None:
    wid = _story(client, "seen")
    emu.log.reset()
    with AdoClient(emu.url, PatAuth(PAT), transport=emu.transport, read_only=True) as ro:
        assert ro.wiql(P, "SELECT [System.Id] FROM WorkItems") == [wid]
        assert [w.id for w in ro.get_work_items(P, [wid])] == [wid]
        with pytest.raises(ReadOnlyViolation):
            ro.update_work_item(P, wid, [PatchOp.test_rev(1), PatchOp.set_field("System.Title", "x")])
        with pytest.raises(ReadOnlyViolation):
            ro.push(P, REPO, ref="main", old_object_id="0" * 40, comment="c", changes=[Change.add("/z", "z")])
    assert emu.log.writes() == []
    assert len(emu.log.records) == 2


def test_dropped_create_is_outcome_unknown_and_not_duplicated(client: AdoClient, emu: Emulator) -> None:
    emu.faults.drop_response("Work Items_Create")
    with pytest.raises(OutcomeUnknown):
        client.create_work_item(P, "User Story", [PatchOp.set_field("System.Title", "exactly once")])
    assert client.wiql(P, "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'exactly once'") != []
    assert emu.log.count("Work Items_Create") == 1


def test_dropped_read_is_retried(client: AdoClient, emu: Emulator) -> None:
    wid = _story(client, "read twice")
    emu.faults.drop_response("Work Items_Get Work Items Batch")
    assert [w.id for w in client.get_work_items(P, [wid])] == [wid]
    assert emu.log.count("Work Items_Get Work Items Batch") == 2


def test_503_on_a_read_is_retried(client: AdoClient, emu: Emulator) -> None:
    emu.faults.fail_next("Projects_List", status=503, times=2)
    assert client.list_projects()
    assert emu.log.count("Projects_List") == 3
    assert client.stats.retries == 2


def test_throttling_is_waited_out(emu: Emulator, clock: ManualClock) -> None:
    emu.rate_limit(budget=5, window_seconds=60)
    policy = RetryPolicy(max_attempts=4, max_total_wait=600, seed=1)
    with AdoClient(
        emu.url, PatAuth(PAT), transport=emu.transport, retry=policy, sleep=clock.sleep, clock=clock.time
    ) as c:
        for _ in range(8):
            c.list_projects()
        snap = c.stats.snapshot()
    assert snap.throttled_waits >= 1
    assert emu.log.count("Projects_List") >= 8
    assert all(r.status in (200, 429) for r in emu.log.records)


def test_a_retry_after_longer_than_the_budget_is_given_up_at_once_and_says_so(
    emu: Emulator, clock: ManualClock
) -> None:
    emu.rate_limit(budget=10, window_seconds=300)  # the 11th request in 5 minutes is blocked for minutes
    policy = RetryPolicy(max_total_wait=120, seed=1)
    with (
        AdoClient(
            emu.url, PatAuth(PAT), transport=emu.transport, retry=policy, sleep=clock.sleep, clock=clock.time
        ) as c,
        pytest.raises(Throttled) as info,
    ):
        for _ in range(20):
            c.list_projects()
    blocked = [r for r in emu.log.records if r.status == 429]
    asked = int(blocked[-1].response_headers["Retry-After"])
    assert len(blocked) == 1 and asked > 120  # never retried: the wait alone passes the budget
    msg = str(info.value)
    assert "TF400733" in msg
    assert f"Azure DevOps asked to wait {asked}s, more than the 120s one request may wait" in msg
    assert re.search(rf"try again in {asked}s, after \d\d:\d\d:\d\d UTC\)$", msg)
    assert "0.0s waited" not in msg and info.value.retry_after == asked


# ---- paging against the emulator --------------------------------------------------------------


def test_comment_pages_are_followed(client: AdoClient, emu: Emulator) -> None:
    wid = _story(client, "chatty")
    for n in range(205):
        client.add_comment(P, wid, f"comment {n}")
    emu.log.reset()
    comments = client.get_comments(P, wid)
    assert sorted(c.text for c in comments) == sorted(f"comment {n}" for n in range(205))
    assert emu.log.count(method="GET") == 2


def test_wiql_top_limits_the_ids(client: AdoClient) -> None:
    for n in range(3):
        _story(client, f"top {n}")
    assert len(client.wiql(P, "SELECT [System.Id] FROM WorkItems ORDER BY [System.Id]", top=2)) == 2


def test_pull_requests_are_listed_across_pages(
    client: AdoClient, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ticketops.ado.git_api as git_api

    monkeypatch.setattr(git_api, "PR_PAGE", 2)
    main = _main(client)
    branches = [f"feature/PAY-{n}" for n in range(5)]
    raise_for_failures(client.update_refs(P, REPO, [RefUpdate.create(f"refs/heads/{b}", main) for b in branches]))
    for b in branches:
        client.push(P, REPO, ref=b, old_object_id=main, comment=b, changes=[Change.add(f"/{b.split('/')[1]}.md", b)])
        client.create_pull_request(P, REPO, source_ref=b, target_ref="main", title=b)
    emu.log.reset()
    prs = client.list_pull_requests(P, REPO, target_ref="main")
    assert sorted(p.source_ref_name for p in prs) == sorted(f"refs/heads/{b}" for b in branches)
    assert emu.log.count("Pull Requests_Get Pull Requests") == 3
