"""The Azure DevOps REST layer: client, auth, errors and wire DTOs.

Imports only ``ticketops.model`` (plus httpx, pydantic and, lazily, azure-identity).
"""

from ticketops.ado.auth import (
    AccessToken,
    Auth,
    AuthInfo,
    BearerAuth,
    EntraTokenProvider,
    PatAuth,
    StaticTokenProvider,
    TokenProvider,
    resolve_auth,
)
from ticketops.ado.client import AdoClient, Transport
from ticketops.ado.dto import *  # noqa: F403 - the DTOs are part of this layer's public API
from ticketops.ado.dto import __all__ as _dto_all
from ticketops.ado.errors import (
    AdoError,
    AuthError,
    BadRequest,
    Conflict,
    FieldError,
    NetworkError,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    PullRequestExists,
    ReadOnlyViolation,
    RefUpdateFailed,
    RuleValidationError,
    ServerError,
    StalePush,
    StaleRevision,
    Throttled,
)
from ticketops.ado.gate import WriteFence, WritesStopped
from ticketops.ado.git_api import full_ref, pull_request_artifact_url, raise_for_failures, short_branch
from ticketops.ado.redact import Secret, install_log_redaction, redact, register_secret
from ticketops.ado.requester import USER_AGENT, UnexpectedResponse
from ticketops.ado.retry import RetryPolicy
from ticketops.ado.stats import RequestStats, StatsSnapshot
from ticketops.ado.urls import OrgUrls, org_urls
from ticketops.ado.wiql import literal as wiql_literal
from ticketops.ado.wit_api import BATCH_MAX_IDS

__all__ = [  # noqa: PLE0604 - the DTO names come from ticketops.ado.dto.__all__
    "BATCH_MAX_IDS",
    "USER_AGENT",
    "AccessToken",
    "AdoClient",
    "AdoError",
    "Auth",
    "AuthError",
    "AuthInfo",
    "BadRequest",
    "BearerAuth",
    "Conflict",
    "EntraTokenProvider",
    "FieldError",
    "NetworkError",
    "NotFound",
    "OrgUrls",
    "OutcomeUnknown",
    "PatAuth",
    "PermissionDenied",
    "PullRequestExists",
    "ReadOnlyViolation",
    "RefUpdateFailed",
    "RequestStats",
    "RetryPolicy",
    "RuleValidationError",
    "Secret",
    "ServerError",
    "StalePush",
    "StaleRevision",
    "StaticTokenProvider",
    "StatsSnapshot",
    "Throttled",
    "TokenProvider",
    "Transport",
    "WriteFence",
    "WritesStopped",
    "UnexpectedResponse",
    "full_ref",
    "install_log_redaction",
    "org_urls",
    "pull_request_artifact_url",
    "raise_for_failures",
    "redact",
    "register_secret",
    "resolve_auth",
    "short_branch",
    "wiql_literal",
    *_dto_all,
]
