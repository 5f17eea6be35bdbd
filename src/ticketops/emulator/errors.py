"""Azure DevOps error responses: one exception type that renders ADO's error body.

Body shape (wire notes): ``{"$id": "1", "innerException": null, "message": ..., "typeName":
"<.NET type>, <assembly>", "typeKey": ..., "errorCode": 0, "eventId": 3200}``. Rule errors add
``customProperties.RuleValidationErrors``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WIT = "Microsoft.TeamFoundation.WorkItemTracking.Server"
WIT_API = "Microsoft.TeamFoundation.WorkItemTracking.WebApi"
GIT = "Microsoft.TeamFoundation.Git.Server"
WEBAPI = "Microsoft.VisualStudio.Services.WebApi"
FRAMEWORK = "Microsoft.TeamFoundation.Framework.Server"
CORE = "Microsoft.TeamFoundation.Core.WebApi"


@dataclass(frozen=True)
class RuleError:
    """One entry of ``customProperties.RuleValidationErrors``."""

    field: str  # reference name
    flags: str  # e.g. "required, invalidEmpty"
    message: str

    def to_json(self) -> dict[str, object]:
        return {"fieldReferenceName": self.field, "fieldStatusFlags": self.flags, "errorMessage": self.message}


@dataclass(eq=False)
class AdoError(Exception):
    status: int
    type_key: str
    message: str
    namespace: str = FRAMEWORK
    assembly: str | None = None
    event_id: int = 3200
    custom_properties: dict[str, object] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def type_name(self) -> str:
        return f"{self.namespace}.{self.type_key}, {self.assembly or self.namespace}"

    def body(self) -> dict[str, object]:
        out: dict[str, object] = {"$id": "1"}
        if self.custom_properties is not None:
            out["customProperties"] = self.custom_properties
        out.update(
            {
                "innerException": None,
                "message": self.message,
                "typeName": self.type_name,
                "typeKey": self.type_key,
                "errorCode": 0,
                "eventId": self.event_id,
            }
        )
        return out


# ---- constructors, one per failure the emulator reports ---------------------------------


def route_not_found(method: str, path: str) -> AdoError:
    return AdoError(
        404,
        "RouteNotFoundException",
        f"The emulator has no route for {method} {path}. (ADO would answer 404: the resource was not found.)",
        namespace=WEBAPI,
        event_id=3000,
    )


def method_not_allowed(method: str, allowed: list[str]) -> AdoError:
    """A path the service has, asked with a method it does not serve there (ASP.NET's wording)."""
    return AdoError(
        405,
        "HttpMethodNotAllowedException",
        f"The requested resource does not support http method '{method}'. It supports: {', '.join(allowed)}.",
        namespace=WEBAPI,
        event_id=3000,
        headers={"Allow": ", ".join(allowed)},
    )


def api_version_missing(method: str) -> AdoError:
    return AdoError(
        400,
        "VssVersionNotSpecifiedException",
        f'No api-version was supplied for the "{method}" request. The version must be supplied either as '
        'part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter '
        '(e.g. "?api-version=1.0").',
        namespace=WEBAPI,
        event_id=3000,
    )


def api_version_invalid(text: str) -> AdoError:
    return AdoError(
        400,
        "VssInvalidApiVersionException",
        f'Invalid api version string: "{text}". Api version string must be in the format: '
        "{Major}.{Minor}[-preview[.{ResourceVersion}]].",
        namespace=WEBAPI,
        event_id=3000,
    )


def api_version_out_of_range(requested: str, latest: str) -> AdoError:
    return AdoError(
        400,
        "VssVersionOutOfRangeException",
        f"The requested REST API version of {requested} is out of range for this server. "
        f"The latest REST API version this server supports is {latest}.",
        namespace=WEBAPI,
        event_id=3000,
    )


def api_version_needs_preview(version: str) -> AdoError:
    return AdoError(
        400,
        "VssInvalidPreviewVersionException",
        f'The requested version "{version}" of the resource is under preview. The -preview flag must be '
        f'supplied in the api-version for such requests. For example: "{version}-preview"',
        namespace=WEBAPI,
        event_id=3000,
    )


def unauthorized() -> AdoError:
    return AdoError(
        401,
        "UnauthorizedRequestException",
        "TF400813: The user '' is not authorized to access this resource.",
        namespace=FRAMEWORK,
        event_id=3000,
        headers={
            "WWW-Authenticate": 'Bearer authorization_uri=https://login.microsoftonline.com/common, Basic realm="ado.emulator"'
        },
    )


def bad_request(message: str, type_key: str = "InvalidArgumentValueException", namespace: str = WEBAPI) -> AdoError:
    return AdoError(400, type_key, message, namespace=namespace, event_id=3000)


def content_type_not_supported(got: str, method: str, valid: str) -> AdoError:
    return AdoError(
        415,
        "VssRequestContentTypeNotSupportedException",
        f'The request indicated a Content-Type of "{got}" for method type "{method}" which is not '
        f"supported. Valid content types for this method are: {valid}.",
        namespace=WEBAPI,
        event_id=3000,
    )


def work_item_missing(item_id: int | str) -> AdoError:
    return AdoError(
        404,
        "WorkItemUnauthorizedAccessException",
        f"TF401232: Work item {item_id} does not exist, or you do not have permissions to read it.",
        namespace=WIT,
    )


def work_item_type_missing(type_name: str, project: str) -> AdoError:
    """A type the project's process does not have (creating one, or reading its definition)."""
    return AdoError(
        404,
        "WorkItemTypeNotFoundException",
        f"VS402323: Work item type {type_name} does not exist in project {project} "
        "or you do not have permission to access it.",
        namespace=WIT,
    )


def rule_errors(errors: list[RuleError]) -> AdoError:
    first = errors[0]
    return AdoError(
        400,
        "RuleValidationException",
        first.message,
        namespace=WIT,
        custom_properties={"RuleValidationErrors": [e.to_json() for e in errors]},
    )


def test_failed(path: str, expected: object, actual: object) -> AdoError:
    return AdoError(
        412,
        "TestPatchOperationFailedException",
        f"VS403351: The test operation on path '{path}' failed: expected value '{expected}', actual value '{actual}'.",
        namespace=f"{WEBAPI}.Patch",
        assembly=WEBAPI,
    )


def field_not_found(name: str) -> AdoError:
    return AdoError(
        400,
        "WorkItemTrackingFieldDefinitionNotFoundException",
        f"TF51535: Cannot find field {name}.",
        namespace=WIT,
    )


def project_not_found(name: str) -> AdoError:
    return AdoError(
        404,
        "ProjectDoesNotExistWithNameException",
        f"VS800075: The project with id 'vstfs:///Classification/TeamProject/{name}' does not exist, "
        "or you do not have permission to access it.",
        namespace=CORE,
    )


def wiql_error(message: str) -> AdoError:
    return AdoError(400, "WiqlException", message, namespace=WIT)


def repo_not_found(name: str) -> AdoError:
    return AdoError(
        404,
        "GitRepositoryNotFoundException",
        f"TF401019: The Git repository with name or identifier {name} does not exist or you do not have "
        "permissions for the operation you are attempting.",
        namespace=GIT,
    )


def stale_push(ref: str) -> AdoError:
    # typeKey not confirmed by the wire notes; the message prefix TF401028 is.
    return AdoError(
        409,
        "GitReferenceStaleException",
        f"TF401028: The reference '{ref}' has already been updated by another client, so you cannot "
        "update it. Please try again.",
        namespace=GIT,
    )


def git_bad_request(message: str, type_key: str = "GitArgumentException") -> AdoError:
    return AdoError(400, type_key, message, namespace=GIT)


def item_not_found(path: str, repo: str, version: str) -> AdoError:
    return AdoError(
        404,
        "GitItemNotFoundException",
        f"TF401174: The item '{path}' could not be found in the repository '{repo}' at the version "
        f"specified by '{version}' (resolved to commit '').",
        namespace=GIT,
    )


def pr_not_found(pr_id: int | str) -> AdoError:
    return AdoError(
        404,
        "GitPullRequestNotFoundException",
        f"TF401180: The requested pull request was not found. ({pr_id})",
        namespace=GIT,
    )


def pr_exists(pr_id: int, source: str, target: str) -> AdoError:
    return AdoError(
        409,
        "GitPullRequestExistsException",
        f"TF401179: An active pull request for the source and target branch already exists. "
        f"(pull request {pr_id}: {source} -> {target})",
        namespace=GIT,
    )


def throttled(resource: str, retry_after: int) -> AdoError:
    return AdoError(
        429,
        "RequestBlockedException",
        f"TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource "
        f"'{resource}' in namespace 'User'. For more information on why your request was blocked, see the "
        'topic "Rate limits" on the Microsoft Web site (https://go.microsoft.com/fwlink/?LinkId=823950).',
        namespace=FRAMEWORK,
        headers={"Retry-After": str(retry_after)},
    )


def server_error(status: int, retry_after: float | None = None) -> AdoError:
    if status == 429:
        # "Rate and usage limits" (Microsoft Learn): a blocked request answers 429 with Retry-After.
        return AdoError(
            429,
            "RequestBlockedException",
            "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource "
            "(emulated fault).",
            headers={"Retry-After": f"{retry_after if retry_after is not None else 30:g}"},
        )
    if retry_after is not None:
        return AdoError(
            status,
            "ServiceUnavailableException",
            "TF400898: emulated fault.",
            headers={"Retry-After": f"{retry_after:g}"},
        )
    if status == 503:
        return AdoError(
            503,
            "ServiceUnavailableException",
            "TF400898: An internal error occurred. The service is temporarily unavailable (emulated fault).",
            headers={"Retry-After": "1"},
        )
    return AdoError(status, "InternalServerErrorException", "TF400898: An internal error occurred (emulated fault).")
