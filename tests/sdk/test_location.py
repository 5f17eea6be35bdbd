"""The location service the SDK asks before any call: ``OPTIONS _apis`` and ``ResourceAreas``."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import httpx
import pytest
from azure.devops import client as sdk_client

from support.sdk import PAT, Sdk
from ticketops.emulator.locations import LOCATIONS

SPEC = Path(__file__).resolve().parents[1] / "contract" / "ado-rest-spec" / "7.1" / "index.json"
AUTH = {"Authorization": "Basic " + base64.b64encode(f":{PAT}".encode()).decode()}


def test_the_first_call_of_a_new_user_works(sdk: Sdk) -> None:
    """The issue's reproduction: Connection(...) then a call; it used to die on an HTML 501."""
    names = [p.name for p in sdk.core.get_projects()]
    assert names == ["Compliance", "Helpdesk", "Ledger", "Payments"]
    ops = [r.operation_id for r in sdk.emu.log.records]
    assert ops[:2] == ["Location_Options", "Resource Areas_List"]


def test_options_lists_locations_without_an_api_version(sdk: Sdk) -> None:
    r = httpx.options(sdk.url + "/_apis", headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["count"] == len(body["value"]) > 20
    entry = next(v for v in body["value"] if v["id"] == "72c7ddf8-2cdc-4f60-90cd-ab71c14a399b")
    assert entry == {
        "id": "72c7ddf8-2cdc-4f60-90cd-ab71c14a399b",
        "area": "wit",
        "resourceName": "workItems",
        "routeTemplate": "{project}/_apis/wit/workitems/{id}",
        "resourceVersion": 3,
        "minVersion": "1.0",
        "maxVersion": "7.1",
        "releasedVersion": "7.1",
    }


def test_org_less_options_answers_json_too(sdk: Sdk) -> None:
    origin = sdk.url.rsplit("/", 1)[0]
    r = httpx.options(origin + "/_apis", headers=AUTH)
    assert r.status_code == 200
    assert r.json() == {"count": 0, "value": []}


def test_resource_areas_never_point_at_another_host(sdk: Sdk) -> None:
    r = httpx.get(
        sdk.url + "/_apis/ResourceAreas", headers={**AUTH, "Accept": "application/json;api-version=7.1-preview.1"}
    )
    assert r.status_code == 200, r.text
    areas = r.json()["value"]
    assert r.json()["count"] == len(areas)
    # identities and Graph live on vssps.dev.azure.com on real ADO; here they are the emulator's
    for area in areas:
        assert area["locationUrl"].rstrip("/") == sdk.url, area
    ids = {a["id"] for a in areas}
    assert {"8a3d49b8-91f0-46ef-b33d-dda338c25db3", "bb1e7ec9-e901-4b68-999a-de7012b920f8"} <= ids


def test_identities_through_the_sdk_stay_on_the_emulator(sdk: Sdk) -> None:
    found = sdk.identity.read_identities(search_filter="General", filter_value="alice@contoso.com")
    assert [i.provider_display_name for i in found] == ["Alice Archer"]
    hosts = {httpx.URL(r.url).netloc for r in sdk.emu.log.records}
    assert hosts == {httpx.URL(sdk.url).netloc}


def test_an_area_the_emulator_does_not_serve_fails_here_not_at_microsoft(sdk: Sdk) -> None:
    build = sdk.connection.clients_v7_1.get_build_client()
    with pytest.raises(ValueError, match=r"not registered on http://127\.0\.0\.1"):
        build.get_definitions("Payments")


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND", "PUT"])
def test_an_unknown_method_is_an_ado_json_error_never_html(sdk: Sdk, method: str) -> None:
    r = httpx.request(method, sdk.url + "/_apis/projects?api-version=7.1", headers=AUTH)
    assert r.status_code in (404, 405)
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["typeKey"] and body["message"] and body["$id"] == "1"
    if method == "PUT":  # a path ADO has, with a method it does not serve there
        assert r.status_code == 405 and "GET" in body["message"]
    sdk.emu.log.reset()  # these are deliberate misses, not our client's


def test_every_location_template_is_the_specs_path() -> None:
    """Route templates come from the spec: each operation a location serves has the template's
    path, with only the trailing optional parameter (the SDK drops it when unset) left off."""
    import json

    index = json.loads(SPEC.read_text(encoding="utf-8-sig"))
    paths = {op["operationId"]: op["path"] for area in index["areas"].values() for op in area["operations"]}
    for loc in LOCATIONS:
        for op in loc.ops:
            spec_path = paths[op].removeprefix("/{organization}/")
            assert spec_path.lower() in _variants(loc.template.lower()), (loc.id, op, spec_path, loc.template)


def _variants(template: str) -> set[str]:
    """The template as the SDK fills it: any {param} segment can be left out when unset."""
    segs = template.split("/")
    out = {template}
    optional = [i for i, s in enumerate(segs) if re.fullmatch(r"\{\w+\}", s)]
    for mask in range(1 << len(optional)):
        drop = {optional[b] for b in range(len(optional)) if mask >> b & 1}
        out.add("/".join(s for i, s in enumerate(segs) if i not in drop))
    return out


def test_every_location_id_the_sdk_uses_for_our_operations_is_served() -> None:
    """The ids are the SDK's own: read them from its source (azure/devops/v7_1/*/..._client.py)."""
    root = Path(sdk_client.__file__).parent / "v7_1"
    used = {
        "core/core_client.py": ("get_projects", "get_project"),
        "work_item_tracking/work_item_tracking_client.py": (
            "get_work_item_types", "get_work_item_type", "get_work_item_type_states", "create_work_item",
            "update_work_item", "query_by_wiql", "get_work_items_batch", "get_work_item", "get_work_items",
            "get_updates", "get_revisions", "get_comments", "add_comment", "get_comments_batch",
        ),
        "identity/identity_client.py": ("read_identities",),
        "git/git_client_base.py": (
            "get_repositories", "get_repository", "get_refs", "update_refs", "create_push", "get_item",
            "get_items", "get_items_batch", "get_commit", "create_pull_request", "get_pull_request",
            "get_pull_request_by_id", "get_pull_requests", "get_pull_requests_by_project", "update_pull_request",
            "create_pull_request_reviewer", "get_pull_request_reviewers", "get_pull_request_work_item_refs",
        ),
        "graph/graph_client.py": ("list_users",),
        "location/location_client.py": ("get_connection_data", "get_resource_areas"),
    }  # fmt: skip
    served = {loc.id for loc in LOCATIONS}
    for rel, names in used.items():
        source = (root / rel).read_text(encoding="utf-8")
        for name in names:
            body = re.search(rf"    def {name}\(.*?(?=\n    def |\Z)", source, re.S)
            assert body is not None, (rel, name)
            ids = re.findall(r"location_id='([0-9a-f-]+)'", body.group(0))
            assert ids and set(ids) <= served, (rel, name, ids)
