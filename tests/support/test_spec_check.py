"""The spec checker itself: conforming requests pass, each kind of mistake is caught."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from support.spec_check import SpecChecker

ORG = "http://ado.emulator/contoso"
PATCH_JSON = {"Content-Type": "application/json-patch+json"}
JSON = {"Content-Type": "application/json"}


def _body(value: object) -> bytes:
    return json.dumps(value).encode()


def test_conforming_create_work_item_passes(checker: SpecChecker) -> None:
    ops = [
        {"op": "add", "path": "/fields/System.Title", "value": "Pay by card"},
        {"op": "add", "path": "/relations/-", "value": {"rel": "Hyperlink", "url": "https://x"}},
    ]
    result = checker.check(
        "POST", f"{ORG}/Payments/_apis/wit/workitems/$User%20Story", {"api-version": "7.1"}, _body(ops), PATCH_JSON
    )
    assert result.ok, result.problems
    assert result.operation_id == "Work Items_Create"


def test_wrong_api_version_fails(checker: SpecChecker) -> None:
    result = checker.check("GET", f"{ORG}/Payments/_apis/wit/workitems/42", {"api-version": "7.0"})
    assert not result.ok
    assert any("api-version is '7.0'" in p for p in result.problems)


def test_comments_need_their_preview_api_version(checker: SpecChecker) -> None:
    path = f"{ORG}/Payments/_apis/wit/workItems/42/comments"
    assert not checker.check("GET", path, {"api-version": "7.1"}).ok
    assert checker.check("GET", path, {"api-version": "7.1-preview.4"}).ok


def test_unknown_query_parameter_fails(checker: SpecChecker) -> None:
    result = checker.check("GET", f"{ORG}/Payments/_apis/wit/workitems/42", {"api-version": "7.1", "expand": "all"})
    assert any("'expand' is not in the spec" in p for p in result.problems)


def test_bad_enum_query_value_fails(checker: SpecChecker) -> None:
    result = checker.check("GET", f"{ORG}/Payments/_apis/wit/workitems/42", {"api-version": "7.1", "$expand": "every"})
    assert any("not one of" in p for p in result.problems)


def test_unknown_path_fails(checker: SpecChecker) -> None:
    result = checker.check("GET", f"{ORG}/Payments/_apis/wit/workitemz/42", {"api-version": "7.1"})
    assert not result.ok
    assert result.operation_id is None
    assert "no GET operation" in result.problems[0]


def test_wrong_method_fails(checker: SpecChecker) -> None:
    assert not checker.check(
        "PUT", f"{ORG}/Payments/_apis/wit/wiql", {"api-version": "7.1"}, _body({"query": "x"}), JSON
    ).ok


def test_missing_required_body_field_fails(checker: SpecChecker) -> None:
    result = checker.check("POST", f"{ORG}/Payments/_apis/wit/wiql", {"api-version": "7.1"}, _body({"qery": "x"}), JSON)
    assert any("missing required property 'query'" in p for p in result.problems)
    assert any("unknown property 'qery'" in p for p in result.problems)


def test_wrong_json_type_in_body_fails(checker: SpecChecker) -> None:
    body = {"ids": ["1", "2"]}
    result = checker.check(
        "POST", f"{ORG}/Payments/_apis/wit/workitemsbatch", {"api-version": "7.1"}, _body(body), JSON
    )
    assert any("expected integer" in p for p in result.problems)


def test_patch_document_must_be_an_array_of_operations(checker: SpecChecker) -> None:
    url = f"{ORG}/Payments/_apis/wit/workitems/7"
    not_array = checker.check("PATCH", url, {"api-version": "7.1"}, _body({"op": "add"}), PATCH_JSON)
    assert any("expected an array" in p for p in not_array.problems)
    no_path = checker.check("PATCH", url, {"api-version": "7.1"}, _body([{"op": "add", "value": 1}]), PATCH_JSON)
    assert any("missing required property 'path'" in p for p in no_path.problems)


def test_patch_with_json_content_type_fails(checker: SpecChecker) -> None:
    body = _body([{"op": "test", "path": "/rev", "value": 3}])
    result = checker.check("PATCH", f"{ORG}/Payments/_apis/wit/workitems/7", {"api-version": "7.1"}, body, JSON)
    assert any("Content-Type" in p for p in result.problems)


def test_wiql_without_team_is_accepted_per_wire_notes(checker: SpecChecker) -> None:
    body = _body({"query": "SELECT [System.Id] FROM WorkItems"})
    result = checker.check("POST", f"{ORG}/Payments/_apis/wit/wiql", {"api-version": "7.1"}, body, JSON)
    assert result.ok, result.problems


def test_items_get_single_file_is_accepted_and_needs_path(checker: SpecChecker) -> None:
    url = f"{ORG}/Payments/_apis/git/repositories/app/items"
    query = {
        "api-version": "7.1",
        "path": "/.tickets/PAY-1.md",
        "versionDescriptor.version": "feature/PAY-1",
        "versionDescriptor.versionType": "branch",
        "includeContent": "true",
    }
    assert checker.check("GET", url, query).ok
    without_path = {k: v for k, v in query.items() if k != "path"}
    assert not checker.check("GET", url, without_path).ok


def test_push_with_object_item_is_accepted(checker: SpecChecker) -> None:
    body = {
        "refUpdates": [{"name": "refs/heads/feature/x", "oldObjectId": "0" * 40}],
        "commits": [
            {
                "comment": "ticket",
                "changes": [
                    {
                        "changeType": "add",
                        "item": {"path": "/a.md"},
                        "newContent": {"content": "x", "contentType": "rawtext"},
                    }
                ],
            }
        ],
    }
    url = f"{ORG}/Payments/_apis/git/repositories/app/pushes"
    assert checker.check("POST", url, {"api-version": "7.1"}, _body(body), JSON).ok
    body["commits"][0]["changes"][0]["changeType"] = "upsert"  # type: ignore[index]
    assert not checker.check("POST", url, {"api-version": "7.1"}, _body(body), JSON).ok


def test_ref_update_needs_new_object_id(checker: SpecChecker) -> None:
    url = f"{ORG}/Payments/_apis/git/repositories/app/refs"
    body = [{"name": "refs/heads/x", "oldObjectId": "0" * 40}]
    result = checker.check("POST", url, {"api-version": "7.1"}, _body(body), JSON)
    assert any("'newObjectId'" in p for p in result.problems)


def test_integer_path_parameter_is_checked(checker: SpecChecker) -> None:
    # `workitems/abc` is neither {id} (integer) nor ${type} (needs the $)
    assert not checker.check("GET", f"{ORG}/Payments/_apis/wit/workitems/abc", {"api-version": "7.1"}).ok


def test_body_on_a_get_fails(checker: SpecChecker) -> None:
    result = checker.check("GET", f"{ORG}/_apis/projects", {"api-version": "7.1"}, b'{"x": 1}', JSON)
    assert any("takes no body" in p for p in result.problems)


def test_server_collection_base_with_two_segments(spec_index: object) -> None:
    checker = SpecChecker(spec_index, base_segments=2)  # type: ignore[arg-type]
    assert checker.check("GET", "https://tfs.example/tfs/DefaultCollection/_apis/projects", {"api-version": "7.1"}).ok


@dataclass
class _Record:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    url: str = ""
    operation_id: str | None = None
    status: int = 200
    extra: dict[str, str] = field(default_factory=dict)


def test_observer_only_checks_ticketops_requests(checker: SpecChecker) -> None:
    bad = {"api-version": "1.0"}
    checker.observe(_Record("GET", "/contoso/_apis/projects", bad, {"User-Agent": "python-httpx/0.28"}))
    assert checker.violations == []
    checker.observe(_Record("GET", "/contoso/_apis/projects", bad, {"user-agent": "ticketops/0.1.0"}))
    assert len(checker.violations) == 1
    assert "GET /contoso/_apis/projects" in checker.report()
