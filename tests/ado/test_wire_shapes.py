"""Every typed method sends a request the ADO 7.1 spec describes, and reads ADO's answer shape.

The fake answers with shapes taken from the spec's recorded examples; every request is run
through the same spec checker the session-wide emulator hook uses.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from support.fake_ado import listing, work_item
from support.spec_check import SpecChecker
from ticketops.ado import AdoClient, Change, PatchOp, RefUpdate, routes
from ticketops.ado.dto import Identity

ME = {"id": "d291b0c4-a05c-4ea6-8df1-4b41d5f39eff", "displayName": "Jamal Hartnett", "uniqueName": "jamal@contoso.com"}
PR = {
    "pullRequestId": 22,
    "status": "active",
    "title": "PAY-1 Pay by card",
    "description": "spec",
    "sourceRefName": "refs/heads/feature/PAY-1-pay-by-card",
    "targetRefName": "refs/heads/main",
    "createdBy": ME,
    "reviewers": [{**ME, "vote": 0, "isRequired": True}],
    "repository": {"id": "3411ebc1", "name": "app", "project": {"id": "a7573007", "name": "Payments"}},
}
IDENTITY = {
    "id": "81fa6389-0872-6fdd-a451-7ba7880f566a",
    "descriptor": "Microsoft.IdentityModel.Claims.ClaimsIdentity;x\\jtseng@contoso.com",
    "providerDisplayName": "Jia-hao Tseng",
    "properties": {"Mail": {"$type": "System.String", "$value": "jtseng@contoso.com"}},
}


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path.lower()
    if path.endswith("/wiql"):
        return httpx.Response(
            200, json={"queryType": "flat", "workItems": [{"id": 7, "url": "u"}, {"id": 3, "url": "u"}]}
        )
    if path.endswith("/workitemsbatch"):
        return listing([work_item(i) for i in json.loads(request.content)["ids"]])
    if "/comments" in path:
        if request.method == "POST":
            return httpx.Response(200, json={"id": 5, "workItemId": 7, "text": "hi", "createdBy": ME})
        return httpx.Response(200, json={"totalCount": 0, "count": 0, "comments": []})
    if path.endswith("/updates"):
        return listing([{"id": 1, "rev": 1, "fields": {"System.State": {"newValue": "New"}}}])
    if path.endswith("/revisions"):
        return listing([work_item(7, rev=1)])
    if path.endswith("/states"):
        return listing([{"name": "New", "color": "b2b2b2", "category": "Proposed"}])
    if "/workitemtypes/" in path:
        return httpx.Response(200, json={"name": "User Story", "transitions": {"": [{"to": "New"}]}})
    if path.endswith("/workitemtypes"):
        return listing([{"name": "User Story"}, {"name": "Bug"}])
    if "/wit/workitems" in path:
        return httpx.Response(200, json=work_item(7, rev=2))
    if path.endswith("/_apis/projects"):
        return listing([{"id": "a7573007", "name": "Payments"}])
    if "/_apis/projects/" in path:
        return httpx.Response(200, json={"id": "a7573007", "name": "Payments", "state": "wellFormed"})
    if path.endswith("/connectiondata"):
        return httpx.Response(200, json={"authenticatedUser": IDENTITY, "instanceId": "x"})
    if path.endswith("/identities"):
        return listing([IDENTITY])
    if path.endswith("/refs"):
        if request.method == "POST":
            return listing([{"name": "refs/heads/x", "success": True, "updateStatus": "succeeded"}])
        return listing([{"name": "refs/heads/main", "objectId": "a" * 40}])
    if path.endswith("/pushes"):
        return httpx.Response(
            201,
            json={
                "pushId": 3,
                "refUpdates": [{"name": "refs/heads/x", "newObjectId": "b" * 40}],
                "commits": [{"commitId": "b" * 40}],
            },
        )
    if path.endswith("/items") and "scopePath" in request.url.params:
        return listing([{"objectId": "c" * 40, "gitObjectType": "blob", "path": "/lease.json"}])
    if "/commits/" in path:
        return httpx.Response(200, json={"commitId": "a" * 40, "comment": "c", "parents": ["b" * 40]})
    if path.endswith("/items"):
        return httpx.Response(
            200, json={"objectId": "c" * 40, "gitObjectType": "blob", "path": "/a.md", "content": "hello"}
        )
    if path.endswith("/reviewers") and request.method == "GET":
        return listing([{**ME, "vote": 10}])
    if "/reviewers/" in path:
        return httpx.Response(200, json={**ME, "vote": 0, "isRequired": True})
    if path.endswith("/workitems"):
        return listing([{"id": "7", "url": "u"}])
    if "/pullrequests" in path:
        if request.method == "GET" and path.endswith("/pullrequests"):
            return listing([PR])
        return httpx.Response(201 if request.method == "POST" else 200, json=PR)
    if "/repositories" in path:
        repo = {"id": "3411ebc1", "name": "app", "defaultBranch": "refs/heads/main"}
        return httpx.Response(200, json=repo) if not path.endswith("/repositories") else listing([repo])
    return httpx.Response(404, json={"message": "no route in fake", "typeKey": "X"})


CALLS: dict[str, Callable[[AdoClient], object]] = {
    "wiql": lambda c: c.wiql("Payments", "SELECT [System.Id] FROM WorkItems", top=50),
    "get_work_items": lambda c: c.get_work_items("Payments", [1, 2], fields=["System.Title"]),
    "get_work_items expand": lambda c: c.get_work_items("Payments", [1], expand="relations"),
    "get_work_item": lambda c: c.get_work_item("Payments", 7, expand="all"),
    "create_work_item": lambda c: c.create_work_item(
        "Payments",
        "User Story",
        [
            PatchOp.set_field("System.Title", "Pay by card"),
            PatchOp(op="add", path="/multilineFieldsFormat/System.Description", value="Markdown"),
            PatchOp(
                op="add",
                path="/relations/-",
                value={"rel": "Hyperlink", "url": "https://x", "attributes": {"comment": "c"}},
            ),
        ],
    ),
    "create validate_only": lambda c: c.create_work_item(
        "Payments", "Bug", [PatchOp.set_field("System.Title", "x")], validate_only=True
    ),
    "update_work_item": lambda c: c.update_work_item(
        "Payments", 7, [PatchOp.test_rev(1), PatchOp(op="remove", path="/relations/0")]
    ),
    "list_work_item_types": lambda c: c.list_work_item_types("Payments"),
    "get_work_item_type": lambda c: c.get_work_item_type("Payments", "User Story"),
    "get_work_item_type_states": lambda c: c.get_work_item_type_states("Payments", "User Story"),
    "get_comments": lambda c: c.get_comments("Payments", 7),
    "add_comment": lambda c: c.add_comment("Payments", 7, "hi"),
    "add_comment markdown": lambda c: c.add_comment("Payments", 7, "*hi*", markdown=True),
    "get_updates": lambda c: c.get_updates("Payments", 7),
    "get_revisions": lambda c: c.get_revisions("Payments", 7),
    "list_projects": lambda c: c.list_projects(),
    "get_project": lambda c: c.get_project("Payments"),
    "connection_data": lambda c: c.connection_data(),
    "search_identity": lambda c: c.search_identity("jtseng@contoso.com"),
    "list_repositories": lambda c: c.list_repositories("Payments"),
    "get_repository": lambda c: c.get_repository("Payments", "app"),
    "list_refs": lambda c: c.list_refs("Payments", "app", filter="heads/feature"),
    "update_refs": lambda c: c.update_refs("Payments", "app", [RefUpdate.create("refs/heads/x", "a" * 40)]),
    "push": lambda c: c.push(
        "Payments",
        "app",
        ref="feature/x",
        old_object_id="a" * 40,
        comment="PAY-1: ticket",
        changes=[Change.add("/.tickets/PAY-1.md", "# x"), Change.edit("/b.bin", b"\x00\x01"), Change.delete("/c")],
    ),
    "get_item": lambda c: c.get_item(
        "Payments", "app", "/.tickets/PAY-1.md", branch="refs/heads/feature/x", include_content=True
    ),
    "get_item_at_commit": lambda c: c.get_item(
        "Payments", "app", "/lease.json", branch="a" * 40, include_content=True, version_type="commit"
    ),
    "list_tree": lambda c: c.list_tree("Payments", "app", "a" * 40),
    "get_commit": lambda c: c.get_commit("Payments", "app", "a" * 40),
    "create_pull_request": lambda c: c.create_pull_request(
        "Payments",
        "app",
        source_ref="feature/x",
        target_ref="main",
        title="t",
        description="d",
        reviewers=["d291b0c4"],
        work_item_ids=[7],
        is_draft=True,
    ),
    "get_pull_request": lambda c: c.get_pull_request("Payments", "app", 22),
    "list_pull_requests": lambda c: c.list_pull_requests("Payments", "app", source_ref="feature/x", target_ref="main"),
    "update_pull_request": lambda c: c.update_pull_request(
        "Payments", "app", 22, title="t", description="d", status="completed"
    ),
    "add_reviewer": lambda c: c.add_reviewer("Payments", "app", 22, "d291b0c4", is_required=True),
    "list_reviewers": lambda c: c.list_reviewers("Payments", "app", 22),
    "get_pull_request_work_items": lambda c: c.get_pull_request_work_items("Payments", "app", 22),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_request_conforms_to_the_spec(make_client, spec_checker: SpecChecker, name: str) -> None:
    client, fake = make_client(_answer)
    CALLS[name](client)
    assert fake.requests
    for request in fake.requests:
        assert request.headers["User-Agent"].startswith("ticketops/")
        result = spec_checker.check(
            request.method, str(request.url), dict(request.url.params), request.content, dict(request.headers)
        )
        assert result.ok, f"{request.method} {request.url}: {result.problems}"


def test_every_route_is_a_spec_operation_with_its_api_version(spec_checker: SpecChecker) -> None:
    index = spec_checker.index
    for route in vars(routes).values():
        if not isinstance(route, routes.Route):
            continue
        matches = [
            op for op in index.operations if op.method == route.method and op.template.lower() == route.template.lower()
        ]
        assert matches, f"{route.operation} is not in the spec"
        assert route.api_version in {op.api_version for op in matches}, route.operation


def test_identities_go_to_the_vssps_host(make_client) -> None:
    client, fake = make_client(_answer)
    found = client.search_identity("JTseng@contoso.com")
    assert isinstance(found, Identity) and found.mail == "jtseng@contoso.com"
    assert fake.requests[0].url.host == "vssps.dev.azure.com"
    assert fake.requests[0].url.params["filterValue"] == "JTseng@contoso.com"


def test_identity_answers_are_cached_including_misses(make_client) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return listing([IDENTITY] if "jtseng" in request.url.params["filterValue"] else [])

    client, fake = make_client(answer)
    assert client.search_identity("nobody@contoso.com") is None
    assert client.search_identity("nobody@contoso.com") is None
    assert client.search_identity("jtseng@contoso.com") is not None
    assert client.search_identity("JTSENG@contoso.com") is not None
    assert len(fake.requests) == 2


def test_server_urls_keep_one_host(make_client) -> None:
    client, fake = make_client(_answer, org_url="https://tfs.example.com/tfs/DefaultCollection")
    client.search_identity("jtseng@contoso.com")
    client.list_projects()
    assert {r.url.host for r in fake.requests} == {"tfs.example.com"}
    assert str(fake.requests[0].url).startswith("https://tfs.example.com/tfs/DefaultCollection/_apis/identities?")


def test_names_with_spaces_are_encoded_as_one_segment(make_client) -> None:
    client, fake = make_client(_answer)
    client.create_work_item("My Project", "User Story", [PatchOp.set_field("System.Title", "x")])
    assert fake.requests[0].url.raw_path.decode().startswith("/contoso/My%20Project/_apis/wit/workitems/$User%20Story?")
    assert fake.requests[0].headers["Content-Type"] == "application/json-patch+json"


def test_typed_results(make_client) -> None:
    client, _ = make_client(_answer)
    assert client.wiql("P", "SELECT [System.Id] FROM WorkItems") == [7, 3]
    wit = client.get_work_item_type("P", "User Story")
    assert wit.initial_states == ["New"]
    pr = client.get_pull_request("P", "app", 22)
    assert pr.reviewers[0].is_required and pr.created_by and pr.created_by.email == "jamal@contoso.com"
    item = client.get_item("P", "app", "a.md", branch="main", include_content=True)
    assert item is not None and item.object_id == "c" * 40 and item.content == "hello"
    push = client.push("P", "app", ref="x", old_object_id="0" * 40, comment="c", changes=[Change.add("a", "b")])
    assert push.new_object_id == "b" * 40
    assert client.connection_data().authenticated_user.display_name == "Jia-hao Tseng"
