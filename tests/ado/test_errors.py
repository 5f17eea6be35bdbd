"""Each failure in the wire notes' error table becomes its typed error, with ADO's details."""

from __future__ import annotations

import httpx
import pytest

from support.fake_ado import ado_error, work_item
from ticketops.ado import (
    AdoError,
    AuthError,
    BadRequest,
    Conflict,
    NotFound,
    PatchOp,
    PermissionDenied,
    PullRequestExists,
    RefUpdate,
    RefUpdateFailed,
    RuleValidationError,
    StalePush,
    StaleRevision,
    raise_for_failures,
)
from ticketops.ado.dto import Change, RefUpdateResult
from ticketops.model.errors import TicketopsError


def test_missing_work_item_is_not_found(make_client) -> None:
    msg = "TF401232: Work item 99 does not exist, or you do not have permissions to read it."
    client, _ = make_client(lambda r: ado_error(404, "WorkItemUnauthorizedAccessException", msg))
    with pytest.raises(NotFound) as info:
        client.get_work_item("Payments", 99)
    err = info.value
    assert (err.status, err.type_key, err.ado_message) == (404, "WorkItemUnauthorizedAccessException", msg)
    assert err.operation == "GET /{organization}/{project}/_apis/wit/workitems/{id}"
    assert isinstance(err, AdoError) and isinstance(err, TicketopsError)


def test_rule_violation_keeps_field_errors(make_client) -> None:
    body = ado_error(
        400,
        "RuleValidationException",
        "TF401320: Rule Error for field State. Error code: Required, InvalidListValue.",
        customProperties={
            "RuleValidationErrors": [
                {
                    "fieldReferenceName": "System.State",
                    "fieldStatusFlags": "required, hasValues, invalidListValue",
                    "errorMessage": "TF401347: Invalid list value 'Shipped'.",
                }
            ]
        },
    )
    client, _ = make_client(lambda r: body)
    with pytest.raises(RuleValidationError) as info:
        client.update_work_item("Payments", 5, [PatchOp.set_field("System.State", "Shipped")])
    assert info.value.field_errors[0].field == "System.State"
    assert "Invalid list value 'Shipped'" in info.value.field_errors[0].message
    assert "System.State: TF401347" in str(info.value)
    assert isinstance(info.value, BadRequest)


def test_other_400_is_bad_request(make_client) -> None:
    client, _ = make_client(lambda r: ado_error(400, "VssPropertyValidationException", "VS403474: too many ids"))
    with pytest.raises(BadRequest) as info:
        client.get_work_items("Payments", [1])
    assert not isinstance(info.value, RuleValidationError)
    assert info.value.type_key == "VssPropertyValidationException"


def test_failed_rev_test_is_stale_revision(make_client) -> None:
    msg = "VS403351: The test operation failed: expected value 3, actual 4."
    client, _ = make_client(lambda r: ado_error(412, "TestPatchOperationFailedException", msg))
    with pytest.raises(StaleRevision, match="VS403351"):
        client.update_work_item("Payments", 5, [PatchOp.test_rev(3), PatchOp.set_field("System.Title", "x")])


def test_duplicate_pull_request(make_client) -> None:
    msg = "TF401179: An active pull request for the source and target branch already exists."
    client, _ = make_client(lambda r: ado_error(409, "GitPullRequestExistsException", msg))
    with pytest.raises(PullRequestExists) as info:
        client.create_pull_request("Payments", "app", source_ref="feature/x", target_ref="main", title="t")
    assert isinstance(info.value, Conflict)
    assert info.value.status == 409


def test_stale_push_without_confirmed_type_key(make_client) -> None:
    msg = "TF401028: The reference 'refs/heads/feature/x' has already been updated by another client, so you cannot update it. Please try again."
    client, _ = make_client(lambda r: ado_error(409, None, msg))
    with pytest.raises(StalePush, match="TF401028"):
        client.push(
            "Payments", "app", ref="feature/x", old_object_id="a" * 40, comment="c", changes=[Change.edit("/a", "b")]
        )


def test_other_409_is_conflict(make_client) -> None:
    client, _ = make_client(lambda r: ado_error(409, "SomethingElse", "TF400000: conflict"))
    with pytest.raises(Conflict) as info:
        client.get_work_item("Payments", 1)
    assert type(info.value) is Conflict


def test_not_signed_in_is_auth_error(make_client) -> None:
    msg = "TF400813: The user 'anonymous' is not authorized to access this resource."
    client, _ = make_client(lambda r: ado_error(401, "UnauthorizedRequestException", msg))
    with pytest.raises(AuthError) as info:
        client.list_projects()
    assert info.value.type_key == "UnauthorizedRequestException"
    assert "$AZURE_DEVOPS_EXT_PAT" in str(info.value)  # names where the token came from


def test_forbidden_is_permission_denied(make_client) -> None:
    client, _ = make_client(lambda r: ado_error(403, "UnauthorizedRequestException", "TF400409: no permission"))
    with pytest.raises(PermissionDenied):
        client.list_projects()


def test_html_sign_in_page_with_203_is_auth_error_not_data(make_client) -> None:
    page = "<html><head><title>Azure DevOps Services | Sign In</title></head><body>sign in</body></html>"
    client, _ = make_client(
        lambda r: httpx.Response(203, text=page, headers={"Content-Type": "text/html; charset=utf-8"})
    )
    with pytest.raises(AuthError, match="expected JSON but got text/html") as info:
        client.get_work_items("Payments", [1, 2])
    assert info.value.status == 203


def test_redirect_to_sign_in_is_auth_error(make_client) -> None:
    client, _ = make_client(
        lambda r: httpx.Response(
            302, headers={"Location": "https://spsprodweu5.vssps.visualstudio.com/_signin?realm=x"}
        )
    )
    with pytest.raises(AuthError, match="_signin"):
        client.list_projects()


def test_non_json_error_body_still_maps(make_client) -> None:
    client, _ = make_client(
        lambda r: httpx.Response(404, text="<html>Not Found</html>", headers={"Content-Type": "text/html"})
    )
    with pytest.raises(NotFound, match="Not Found"):
        client.get_project("Nope")


def test_ref_update_failures_are_raised_by_helper(make_client) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "count": 2,
                "value": [
                    {"name": "refs/heads/a", "success": True, "updateStatus": "succeeded", "newObjectId": "1" * 40},
                    {"name": "refs/heads/b", "success": False, "updateStatus": "staleOldObjectId"},
                ],
            },
        )

    client, _ = make_client(handler)
    results = client.update_refs(
        "P", "app", [RefUpdate.create("refs/heads/a", "1" * 40), RefUpdate.create("refs/heads/b", "2" * 40)]
    )
    assert [r.ok for r in results] == [True, False]
    with pytest.raises(RefUpdateFailed) as info:
        raise_for_failures(results)
    assert info.value.update_status == "staleOldObjectId"
    assert info.value.failures == [("refs/heads/b", "staleOldObjectId")]
    assert "refs/heads/b: staleOldObjectId" in str(info.value)


def test_all_refs_ok_raises_nothing() -> None:
    raise_for_failures([RefUpdateResult(name="refs/heads/a", success=True, update_status="succeeded")])


def test_missing_file_is_none_not_an_error(make_client) -> None:
    msg = (
        "TF401174: The item '/x.md' could not be found in the repository 'app' at the version specified by 'feature/x'."
    )
    client, _ = make_client(lambda r: ado_error(404, "GitItemNotFoundException", msg))
    assert client.get_item("P", "app", "/x.md", branch="feature/x") is None


def test_unreadable_json_is_an_internal_error(make_client) -> None:
    from ticketops.ado import UnexpectedResponse
    from ticketops.model.errors import ExitCode

    client, _ = make_client(lambda r: httpx.Response(200, json={"rev": 1}))
    with pytest.raises(UnexpectedResponse, match="WorkItem: id") as info:
        client.get_work_item("P", 1)
    assert info.value.exit_code == ExitCode.INTERNAL


def test_ok_response_parses(make_client) -> None:
    client, _ = make_client(lambda r: httpx.Response(200, json=work_item(1)))
    assert client.get_work_item("P", 1).title == "item 1"


# ---- a 2xx is data only when it is JSON (wire notes: "any non-JSON 2xx" is an auth failure) ----


@pytest.mark.parametrize("status", [200, 203])
def test_empty_html_2xx_is_auth_error_not_an_empty_list(make_client, status: int) -> None:
    client, _ = make_client(
        lambda r: httpx.Response(status, content=b"", headers={"Content-Type": "text/html; charset=utf-8"})
    )
    with pytest.raises(AuthError, match="expected JSON but got text/html"):
        client.wiql("Payments", "SELECT [System.Id] FROM WorkItems")
    with pytest.raises(AuthError):
        client.list_projects()
    with pytest.raises(AuthError):
        client.get_work_items("Payments", [1, 2, 3])


def test_non_json_2xx_without_content_type_is_auth_error(make_client) -> None:
    client, _ = make_client(lambda r: httpx.Response(200, content=b"<html>sign in</html>"))
    with pytest.raises(AuthError, match="no content type"):
        client.list_projects()


@pytest.mark.parametrize("headers", [{"Content-Type": "application/json; charset=utf-8"}, {}])
def test_empty_2xx_is_never_data(make_client, headers: dict[str, str]) -> None:
    from ticketops.ado import UnexpectedResponse

    client, _ = make_client(lambda r: httpx.Response(200, content=b"", headers=headers))
    with pytest.raises(UnexpectedResponse, match="empty body where JSON was expected") as info:
        client.list_refs("Payments", "app", filter="heads/feature")
    assert info.value.status == 200
    with pytest.raises(UnexpectedResponse):
        client.get_work_items("Payments", [1])


def test_every_route_the_client_calls_declares_a_json_response_body(spec_index_json: dict) -> None:
    """The requester refuses empty 2xx bodies for every route; that is only right while every
    operation we call answers with a body. A route that answers 204 (a DELETE, say) needs a
    Route flag and an exception in ``Requester._accept`` before it is added."""
    import re

    from ticketops.ado import routes

    ops = [op for area in spec_index_json["areas"].values() for op in area["operations"]]

    def shape(path: str) -> str:
        return re.sub(r"\{[^}]*\}", "{}", path.replace("/{team}/", "/")).lower()

    all_routes = [r for r in vars(routes).values() if isinstance(r, routes.Route)]
    not_in_spec = {"core.connectiondata"}  # answers JSON; every official client library reads it
    for route in all_routes:
        if route.name in not_in_spec:
            continue
        matches = [o for o in ops if o["method"] == route.method and shape(o["path"]) == shape(route.template)]
        assert matches, f"{route.operation} is not in the spec"
        bodies = [r for o in matches for code, r in o["responses"].items() if code.startswith("2") and r]
        assert bodies, f"{route.operation} declares no response body in the spec"
