"""Projects, identities, connection data, api-version checks, auth and unknown routes."""

from __future__ import annotations

import base64

import httpx
import pytest

from ticketops.emulator import Emulator, ManualClock


def test_projects_list_pages_with_a_continuation_token(ado) -> None:
    first = ado.get("/_apis/projects", {"$top": 3})
    assert [p["name"] for p in first.json()["value"]] == ["Compliance", "Helpdesk", "Ledger"]
    token = first.headers["x-ms-continuationtoken"]
    rest = ado.get("/_apis/projects", {"$top": 3, "continuationToken": token})
    assert [p["name"] for p in rest.json()["value"]] == ["Payments"]
    assert "x-ms-continuationtoken" not in rest.headers
    everything = ado.get("/_apis/projects").json()
    assert everything["count"] == 4 and all(p["state"] == "wellFormed" for p in everything["value"])


def test_project_get_by_name_or_id(ado) -> None:
    by_name = ado.get("/_apis/projects/payments").json()
    assert by_name["name"] == "Payments"
    assert "capabilities" not in by_name  # only when asked: includeCapabilities "default: false" (Projects - Get)
    asked = ado.get("/_apis/projects/payments", params={"includeCapabilities": "true"}).json()
    assert asked["capabilities"]["processTemplate"]["templateName"] == "Agile"
    assert ado.get(f"/_apis/projects/{by_name['id']}").json()["name"] == "Payments"
    missing = ado.get("/_apis/projects/Nope")
    assert missing.status_code == 404 and missing.json()["message"].startswith("VS800075")
    assert ado.get("/Nope/_apis/wit/workitemtypes").status_code == 404


def test_identity_search_by_email(ado) -> None:
    r = ado.get(
        "/_apis/identities", {"searchFilter": "General", "filterValue": "Carol@contoso.com", "queryMembership": "None"}
    )
    body = r.json()
    assert body["count"] == 1
    who = body["value"][0]
    assert who["providerDisplayName"] == "Carol Chen"
    assert who["properties"]["Mail"]["$value"] == "carol@contoso.com"
    assert len(who["id"]) == 36 and who["descriptor"]
    nobody = ado.get(
        "/_apis/identities", {"searchFilter": "General", "filterValue": "zed@contoso.com", "queryMembership": "None"}
    )
    assert nobody.status_code == 200 and nobody.json() == {"count": 0, "value": []}
    by_id = ado.get("/_apis/identities", {"identityIds": who["id"]}).json()
    assert by_id["value"][0]["providerDisplayName"] == "Carol Chen"


def test_graph_users_and_connection_data(ado, emu: Emulator) -> None:
    users = ado.get("/_apis/graph/users", version="7.1-preview.1").json()
    assert {"alice@contoso.com", "erin@contoso.com"} <= {u["mailAddress"] for u in users["value"]}
    me = ado.get("/_apis/connectionData", version="7.1-preview")
    assert me.status_code == 200
    assert me.json()["authenticatedUser"]["properties"]["Account"]["$value"] == "ticketops@contoso.com"
    assert ado.get("/_apis/connectionData").json()["typeKey"] == "VssInvalidPreviewVersionException"


def test_api_version_is_checked_like_ado(ado, client: httpx.Client, emu: Emulator) -> None:
    missing_post = client.post("/Payments/_apis/wit/wiql", json={"query": "SELECT [System.Id] FROM WorkItems"})
    assert missing_post.status_code == 400
    assert missing_post.json()["typeKey"] == "VssVersionNotSpecifiedException"
    assert 'No api-version was supplied for the "POST" request' in missing_post.json()["message"]
    assert client.get("/_apis/projects").status_code == 400
    emu.require_api_version_on_get = False
    assert client.get("/_apis/projects").status_code == 200
    too_new = ado.get("/_apis/projects", version="7.2")
    assert too_new.status_code == 400 and too_new.json()["typeKey"] == "VssVersionOutOfRangeException"
    assert "The latest REST API version this server supports is 7.1" in too_new.json()["message"]
    assert ado.get("/_apis/projects", version="banana").status_code == 400
    via_accept = client.get("/_apis/projects", headers={"Accept": "application/json; api-version=7.1"})
    assert via_accept.status_code == 200
    assert ado.get("/_apis/projects", version="5.0").status_code == 200


def test_unknown_routes_fail_loudly_and_are_recorded(client: httpx.Client, emu: Emulator) -> None:
    r = client.get("/Payments/_apis/wit/nothing/here", params={"api-version": "7.1"})
    assert r.status_code == 404
    assert r.json()["$id"] == "1" and "no route" in r.json()["message"]
    other_org = client.get("http://ado.emulator/fabrikam/_apis/projects", params={"api-version": "7.1"})
    assert other_org.status_code == 404
    assert [x.path for x in emu.log.unknown_routes] == [
        "/contoso/Payments/_apis/wit/nothing/here",
        "/fabrikam/_apis/projects",
    ]
    emu.log.reset()  # the autouse check in conftest asserts the log has no unknown routes


def test_log_counts_operations_and_writes(ado, emu: Emulator) -> None:
    item = ado.story()
    ado.update(item["id"], [ado.field("System.Title", "x")])
    ado.wiql_ids("SELECT [System.Id] FROM WorkItems")
    ado.get(f"/Payments/_apis/wit/workitems/{item['id']}")
    assert emu.log.count("Work Items_Create") == 1
    assert emu.log.count(method="PATCH") == 1
    assert emu.log.count(writes_only=True) == 2
    assert [r.operation_id for r in emu.log.writes()] == ["Work Items_Create", "Work Items_Update"]
    assert emu.log.by_operation()["Wiql_Query By Wiql"] == 1
    assert emu.log.records[0].status == 200 and emu.log.records[0].json()[0]["path"] == "/fields/System.Title"


PAT = "s3cret-pat-value"


@pytest.fixture
def locked(clock: ManualClock) -> Emulator:
    e = Emulator(pat=PAT, clock=clock)
    yield e
    e.close()


def _get(emu: Emulator, auth: str | None) -> httpx.Response:
    headers = {"Authorization": auth} if auth else {}
    with httpx.Client(transport=emu.transport, base_url=emu.url) as c:
        return c.get("/_apis/projects", params={"api-version": "7.1"}, headers=headers)


def test_a_pat_is_required_once_configured(locked: Emulator) -> None:
    basic = "Basic " + base64.b64encode(f":{PAT}".encode()).decode()
    assert _get(locked, basic).status_code == 200
    assert _get(locked, "Basic " + base64.b64encode(f"anyone:{PAT}".encode()).decode()).status_code == 200
    assert _get(locked, f"Bearer {PAT}").status_code == 200
    for bad in (None, "Basic " + base64.b64encode(b":wrong").decode(), "Bearer nope", "Basic !!!"):
        r = _get(locked, bad)
        assert r.status_code == 401
        assert r.json()["typeKey"] == "UnauthorizedRequestException" and r.json()["message"].startswith("TF400813")
    assert all(PAT not in str(rec.headers) for rec in locked.log.records)
    assert PAT not in repr(locked)


def test_bad_credentials_can_get_the_sign_in_page(locked: Emulator) -> None:
    locked.sign_in_page_on_bad_auth = True
    r = _get(locked, "Bearer nope")
    assert r.status_code == 203
    assert r.headers["content-type"].startswith("text/html") and b"Sign In" in r.content


def test_bearer_tokens_expire_on_the_emulator_clock(locked: Emulator, clock: ManualClock) -> None:
    locked.accept_bearer("entra-token-1", expires_at=clock.time() + 3600, user="bob@contoso.com")
    assert _get(locked, "Bearer entra-token-1").status_code == 200
    clock.advance(3601)
    assert _get(locked, "Bearer entra-token-1").status_code == 401
    locked.accept_bearer("entra-token-2", expires_at=clock.time() + 3600, user="bob@contoso.com")
    with httpx.Client(
        transport=locked.transport, base_url=locked.url, headers={"Authorization": "Bearer entra-token-2"}
    ) as c:
        me = c.get("/_apis/connectionData", params={"api-version": "7.1-preview"}).json()
    assert me["authenticatedUser"]["properties"]["Mail"]["$value"] == "bob@contoso.com"


def test_without_a_pat_anything_goes(emu: Emulator) -> None:
    assert _get(emu, None).status_code == 200
    assert _get(emu, "Basic whatever").status_code == 200


def test_state_dump(client: httpx.Client, ado) -> None:
    ado.story("Visible in the dump", ado.field("System.Tags", "x"))
    state = client.get("/_emulator/state").json()
    assert state["organization"] == "contoso"
    payments = next(p for p in state["projects"] if p["name"] == "Payments")
    assert payments["workItems"][0]["title"] == "Visible in the dump"
    assert "refs/heads/main" in payments["repositories"][0]["refs"]


import pytest  # noqa: E402


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/Payments/_apis/git/repositories/payments-api/pullrequests", {"searchCriteria.minTime": "2026-01-01"}),
        (
            "/Payments/_apis/git/repositories/payments-api/items",
            {"path": "/README.md", "versionOptions": "previousChange"},
        ),
        ("/Payments/_apis/git/repositories/payments-api/refs", {"includeMyBranches": "true"}),
        ("/_apis/projects", {"stateFilter": "deleted"}),
        (
            "/_apis/identities",
            {"searchFilter": "General", "filterValue": "alice@contoso.com", "queryMembership": "Direct"},
        ),
    ],
)
def test_a_parameter_the_emulator_would_ignore_is_refused_by_name(ado, path: str, param: dict[str, str]) -> None:
    """No silent wrong answers: ADO honours these parameters; the emulator does not model them,
    so it answers 400 naming the parameter instead of an answer as if it were not there."""
    response = ado.get(path, params=param)
    assert response.status_code == 400, response.text
    name = next(k for k in param if k not in ("path", "searchFilter", "filterValue"))
    assert name in response.json()["message"]


def test_projects_page_with_the_specs_integer_continuation_token(ado) -> None:
    """Projects - List: `continuationToken` is an integer (7.1 spec), handed out and taken back."""
    first = ado.get("/_apis/projects", params={"$top": 2})
    token = first.headers["x-ms-continuationtoken"]
    assert token == "2"
    rest = ado.get("/_apis/projects", params={"continuationToken": 2})
    assert rest.status_code == 200
    names = [p["name"] for p in first.json()["value"]] + [p["name"] for p in rest.json()["value"]]
    assert sorted(names) == ["Compliance", "Helpdesk", "Ledger", "Payments"]
    assert ado.get("/_apis/projects", params={"continuationToken": "Mg=="}).status_code == 400
