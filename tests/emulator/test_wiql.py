"""WIQL: operators, tag matching, dates, ordering, scoping, limits and refusals."""

from __future__ import annotations

import pytest

from ticketops.emulator import Emulator, ManualClock

Q = "SELECT [System.Id] FROM WorkItems WHERE "


@pytest.fixture
def board(ado, emu: Emulator) -> dict[str, int]:
    """Four stories with tags, states, priorities and assignees; one item in another project."""
    ids = {}
    ids["a"] = ado.story(
        "Card payments",
        ado.field("System.Tags", "ticketops; ticketops:PAY-1; backend"),
        ado.field("Microsoft.VSTS.Common.Priority", 1),
        ado.field("System.AssignedTo", "alice@contoso.com"),
    )["id"]
    ids["b"] = ado.story(
        "Refunds",
        ado.field("System.Tags", "ticketops; ticketops:PAY-2"),
        ado.field("Microsoft.VSTS.Common.Priority", 3),
    )["id"]
    ids["c"] = ado.story("Backend cleanup", ado.field("System.Tags", "backendish"))["id"]
    ids["d"] = ado.story("Closed one", ado.field("System.Tags", "Ticketops"))["id"]
    ado.update(ids["d"], [ado.field("System.State", "Closed")])
    ids["other"] = ado.story(
        "Ledger item", ado.field("System.Tags", "ticketops"), project="Ledger", wit="Product Backlog Item"
    )["id"]
    return ids


def test_response_shape(ado, board) -> None:
    r = ado.wiql(
        "SELECT [System.Id], [System.Title] FROM WorkItems WHERE [System.TeamProject] = @project ORDER BY [System.Id] DESC"
    )
    body = r.json()
    assert body["queryType"] == "flat" and body["queryResultType"] == "workItem"
    assert body["asOf"].endswith("Z")
    assert [c["referenceName"] for c in body["columns"]] == ["System.Id", "System.Title"]
    assert body["columns"][1]["name"] == "Title"
    assert body["sortColumns"][0] == {"field": body["columns"][0], "descending": True}
    assert [w["id"] for w in body["workItems"]] == [board["d"], board["c"], board["b"], board["a"]]
    assert body["workItems"][0]["url"].endswith(f"/_apis/wit/workItems/{board['d']}")


def test_tags_contains_matches_whole_tags_case_insensitively(ado, board) -> None:
    assert ado.wiql_ids(Q + "[System.Tags] CONTAINS 'backend'") == [board["a"]]
    assert ado.wiql_ids(Q + "[System.Tags] CONTAINS 'TICKETOPS'") == [board["a"], board["b"], board["d"]]
    assert ado.wiql_ids(Q + "[System.Tags] CONTAINS 'ticketops:PAY-2'") == [board["b"]]
    assert ado.wiql_ids(Q + "[System.Tags] NOT CONTAINS 'ticketops'") == [board["c"]]
    # A title substring is not a tag.
    assert ado.wiql_ids(Q + "[System.Tags] CONTAINS 'Card'") == []


def test_project_scope_comes_from_the_url(ado, board) -> None:
    assert board["other"] not in ado.wiql_ids(Q + "[System.Tags] CONTAINS 'ticketops'")
    assert ado.wiql_ids(Q + "[System.Tags] CONTAINS 'ticketops'", project="Ledger") == [board["other"]]
    # Org-level queries span projects; @project needs a project in the URL.
    assert board["other"] in ado.wiql_ids(Q + "[System.Tags] CONTAINS 'ticketops'", project=None)
    r = ado.wiql(Q + "[System.TeamProject] = @project", project=None)
    assert r.status_code == 400
    # The team segment is accepted too.
    team = ado.post("/Payments/Payments Team/_apis/wit/wiql", {"query": Q + "[System.Id] = " + str(board["a"])})
    assert [w["id"] for w in team.json()["workItems"]] == [board["a"]]


def test_comparison_operators_and_boolean_logic(ado, board) -> None:
    assert ado.wiql_ids(Q + "[System.State] = 'new'") == [board["a"], board["b"], board["c"]]
    assert ado.wiql_ids(Q + "[State] <> 'New'") == [board["d"]]
    assert ado.wiql_ids(Q + "[Microsoft.VSTS.Common.Priority] < 2") == [board["a"]]
    assert ado.wiql_ids(Q + "[Microsoft.VSTS.Common.Priority] >= 2 AND [System.Title] CONTAINS 'REF'") == [board["b"]]
    assert ado.wiql_ids(Q + f"[System.Id] IN ({board['a']}, {board['c']})") == [board["a"], board["c"]]
    assert ado.wiql_ids(Q + "[System.State] NOT IN ('New')") == [board["d"]]
    assert ado.wiql_ids(Q + "([System.Id] = 1 OR [System.Id] = 2) AND NOT [System.Id] = 1") == [2]
    assert ado.wiql_ids(Q + "[System.AssignedTo] = 'alice@contoso.com'") == [board["a"]]
    assert ado.wiql_ids(Q + "[System.AssignedTo] = 'Alice Archer'") == [board["a"]]
    assert ado.wiql_ids(Q + "[System.AssignedTo] = @me") == []
    assert ado.wiql_ids(Q + "[System.Title] = 'it''s'") == []
    assert ado.wiql_ids(Q + "[System.AreaPath] UNDER 'Payments'") == sorted(board[k] for k in "abcd")


def test_order_by_and_top(ado, board) -> None:
    ids = ado.wiql_ids(Q + "[System.State] = 'New' ORDER BY [Microsoft.VSTS.Common.Priority] DESC, [System.Id] ASC")
    assert ids == [board["b"], board["c"], board["a"]]
    assert ado.wiql_ids(Q + "[System.State] = 'New' ORDER BY [System.Id]", {"$top": 2}) == [board["a"], board["b"]]


def test_changed_date_compares_by_day_unless_time_precision(ado, emu: Emulator, clock: ManualClock) -> None:
    first = ado.story("old")["id"]  # 2026-01-01
    clock.advance(86_400 * 2 + 3600)  # 2026-01-03T01:00Z
    second = ado.story("new")["id"]
    assert ado.wiql_ids(Q + "[System.ChangedDate] >= '2026-01-02'") == [second]
    assert ado.wiql_ids(Q + "[System.ChangedDate] < '2026-01-03'") == [first]
    assert ado.wiql_ids(Q + "[System.ChangedDate] = '2026-01-03'") == [second]
    with_time = Q + "[System.ChangedDate] > '2026-01-03T00:30:00Z'"
    r = ado.wiql(with_time)
    assert r.status_code == 400 and "cannot supply a time with the date" in r.json()["message"]
    assert ado.wiql_ids(with_time, {"timePrecision": "true"}) == [second]
    assert ado.wiql_ids(Q + "[System.ChangedDate] > '2026-01-03T01:00:00.001Z'", {"timePrecision": "true"}) == []
    assert ado.wiql_ids(Q + "[System.ChangedDate] >= @today - 1") == [second]


def test_as_of_is_never_before_a_change_the_query_already_sees(ado, emu: Emulator, clock: ManualClock) -> None:
    # The clock stands still: every write lands in the same wall-clock millisecond, so
    # ChangedDate runs ahead of it (one millisecond per write). asOf must still come after them
    # all, or a watermark taken from it would see those writes again forever.
    ids = [ado.story(f"burst {i}")["id"] for i in range(5)]
    body = ado.wiql(Q + "[System.TeamProject] = @project", {"timePrecision": "true"}).json()
    changed = [ado.get(f"/_apis/wit/workitems/{i}").json()["fields"]["System.ChangedDate"] for i in ids]
    assert max(changed) < body["asOf"]
    since = Q + f"[System.ChangedDate] >= '{body['asOf']}'"
    assert ado.wiql_ids(since, {"timePrecision": "true"}) == []
    assert (
        ado.wiql(Q + "[System.Id] = 0", {"timePrecision": "true"}).json()["asOf"] == body["asOf"]
    )  # a read takes no stamp
    later = ado.story("after the query")["id"]
    assert ado.wiql_ids(since, {"timePrecision": "true"}) == [later]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT [System.Id] FROM WorkItemLinks WHERE [Source].[System.Id] = 1",
        Q + "[System.State] EVER 'Active'",
        Q + "[System.Title] CONTAINS WORDS 'x'",
        Q + "[System.WorkItemType] IN GROUP 'Microsoft.RequirementCategory'",
        Q + "[System.Title] = [System.Description]",
        Q + "[System.IterationPath] = @currentIteration",
        "SELECT * FROM WorkItems",
        "SELECT TOP 5 [System.Id] FROM WorkItems",
        Q + "[System.Id] = ",
        Q + "[Custom.Nope] = 1",
        "SELECT [System.Id] FROM WorkItems ASOF '2026-01-01'",
    ],
)
def test_unsupported_or_bad_syntax_is_a_400_in_ado_shape(ado, board, query: str) -> None:
    r = ado.wiql(query)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["$id"] == "1" and body["typeKey"] and body["message"]


def test_query_length_limit(ado) -> None:
    long = Q + "[System.Title] = '" + "x" * 32_000 + "'"
    r = ado.wiql(long)
    assert r.status_code == 400 and "32000" in r.json()["message"]


def test_more_than_20000_results_is_vs402337(clock: ManualClock) -> None:
    import httpx

    with Emulator(clock=clock) as emu, httpx.Client(transport=emu.transport, base_url=emu.url) as c:
        for i in range(20_001):
            emu.db.create_work_item("Helpdesk", "Task", {"System.Title": f"t{i}"})
        body = {"query": "SELECT [System.Id] FROM WorkItems WHERE [System.WorkItemType] = 'Task'"}
        r = c.post("/Helpdesk/_apis/wit/wiql", params={"api-version": "7.1"}, json=body)
        assert r.status_code == 400 and r.json()["message"].startswith("VS402337")
        capped = c.post("/Helpdesk/_apis/wit/wiql", params={"api-version": "7.1", "$top": 20_000}, json=body)
        assert capped.status_code == 200 and len(capped.json()["workItems"]) == 20_000


def test_id_literal_quoted_or_not_matches_the_same_items(ado, board) -> None:
    """The id index answers what the predicate answers: ``'1'`` is the number 1, as on other numeric fields."""
    a, b = board["a"], board["b"]
    assert ado.wiql_ids(Q + f"[System.Id] = '{a}'") == [a]
    assert ado.wiql_ids(Q + f"[System.Id] IN ('{a}', {b})") == [a, b]
    assert ado.wiql_ids(Q + f"[System.Id] = '{a}' AND [System.Tags] CONTAINS 'ticketops'") == [a]
    assert ado.wiql_ids(Q + f"[System.Id] = '{a}.5'") == []
    # Not a number: refused by the predicate, not silently empty.
    assert ado.wiql(Q + "[System.Id] = 'abc'").status_code == 400
