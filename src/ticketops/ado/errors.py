"""Typed ADO errors, mapped once at the HTTP boundary from the status code and ``typeKey``.

Every error keeps the HTTP status, ADO's ``typeKey``, ADO's message and the operation
(method + path template, never a query string). Messages go through :func:`redact`, and no
error ever holds a request or its headers, so a token cannot leak through ``str`` or ``repr``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ticketops.ado.redact import redact
from ticketops.model.errors import TicketopsError


@dataclass(frozen=True)
class FieldError:
    """One rule violation on one work item field (from ``RuleValidationErrors``)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class AdoError(TicketopsError):
    """An Azure DevOps request failed. ``str()`` is a one-line message for the user."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        type_key: str | None = None,
        operation: str = "",
        hint: str = "",
    ) -> None:
        self.status = status
        self.type_key = type_key
        self.ado_message = redact(message)
        self.operation = redact(operation)
        self.hint = redact(hint)
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"{self.operation}: " if self.operation else ""
        code = " ".join(str(p) for p in (self.status, self.type_key) if p)
        text = f"{head}{code + ': ' if code else ''}{self.ado_message}"
        return f"{text} ({self.hint})" if self.hint else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, type_key={self.type_key!r}, message={self.ado_message!r})"
        )


class AuthError(AdoError):
    """401, or a 2xx that is not JSON (the HTML sign-in page a bad PAT gets)."""


class PermissionDenied(AdoError):
    """403: signed in, but not allowed."""


class NotFound(AdoError):
    """404, including work items that exist but are not visible (TF401232)."""


class BadRequest(AdoError):
    """400 that is not a field rule violation."""


class RuleValidationError(BadRequest):
    """400 ``RuleValidationException``: a field value or state transition is not allowed."""

    def __init__(
        self,
        message: str,
        *,
        field_errors: list[FieldError] | None = None,
        status: int | None = None,
        type_key: str | None = None,
        operation: str = "",
    ) -> None:
        self.field_errors: list[FieldError] = list(field_errors or [])
        super().__init__(message, status=status, type_key=type_key, operation=operation)

    def _render(self) -> str:
        base = super()._render()
        if not self.field_errors:
            return base
        return base + "".join(f"\n  - {redact(str(fe))}" for fe in self.field_errors)


class StaleRevision(AdoError):
    """412: the ``test /rev`` guard failed; someone changed the work item meanwhile."""


class Conflict(AdoError):
    """409."""


class PullRequestExists(Conflict):
    """409 TF401179: an active pull request for this source and target already exists."""


class StalePush(Conflict):
    """409 TF401028: the branch moved since ``oldObjectId`` was read."""


class Throttled(AdoError):
    """429 after the retry budget ran out."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = 429,
        type_key: str | None = None,
        operation: str = "",
    ) -> None:
        self.retry_after = retry_after
        super().__init__(message, status=status, type_key=type_key, operation=operation)


class ServerError(AdoError):
    """5xx after the retry budget ran out."""


class NetworkError(AdoError):
    """The service could not be reached (after retries, for requests safe to retry)."""


class OutcomeUnknown(AdoError):
    """A create may or may not have happened (connection dropped after sending, or 5xx).

    The request is not retried blindly; re-read the live state (the reconciler's markers make
    creates idempotent) before trying again.
    """


class ReadOnlyViolation(AdoError):
    """A write was attempted by a client in read-only mode. Nothing was sent."""


class RefUpdateFailed(AdoError):
    """``POST .../refs`` answered 200 but one or more refs were not updated."""

    def __init__(self, message: str, *, failures: list[tuple[str, str]], operation: str = "") -> None:
        self.failures = failures  # (ref name, updateStatus)
        self.update_status = failures[0][1] if failures else ""
        super().__init__(message, status=200, operation=operation)


# ---- mapping a response body -------------------------------------------------------------


class _RuleError(BaseModel):
    model_config = ConfigDict(extra="ignore")
    field_reference_name: str = Field(default="", alias="fieldReferenceName")
    error_message: str = Field(default="", alias="errorMessage")


class _CustomProperties(BaseModel):
    model_config = ConfigDict(extra="ignore")
    rule_validation_errors: list[_RuleError] = Field(default_factory=list, alias="RuleValidationErrors")


class ErrorBody(BaseModel):
    """ADO's error envelope: ``{"$id", "message", "typeName", "typeKey", "errorCode", ...}``."""

    model_config = ConfigDict(extra="ignore")
    message: str = ""
    type_key: str | None = Field(default=None, alias="typeKey")
    custom_properties: _CustomProperties | None = Field(default=None, alias="customProperties")

    @classmethod
    def parse(cls, content: bytes) -> ErrorBody | None:
        try:
            data = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict):
            return None
        try:
            return cls.model_validate(data)
        except ValidationError:
            return None


def _plain_text(content: bytes, limit: int = 200) -> str:
    text = content.decode("utf-8", "replace").strip()
    return " ".join(text.split())[:limit]


def error_for_status(status: int, content: bytes, *, operation: str, auth_hint: str = "") -> AdoError:
    """The typed error for a non-2xx response (``content`` is the raw response body)."""
    body = ErrorBody.parse(content)
    message = body.message if body and body.message else (_plain_text(content) or f"HTTP {status}")
    key = body.type_key if body else None
    if status == 400 and key == "RuleValidationException":
        rules = body.custom_properties.rule_validation_errors if body and body.custom_properties else []
        fields = [FieldError(r.field_reference_name, r.error_message) for r in rules]
        return RuleValidationError(message, field_errors=fields, status=status, type_key=key, operation=operation)
    if status == 429:
        return Throttled(message, status=status, type_key=key, operation=operation)
    cls, hint = _classify(status, key, message)
    if cls is AuthError:
        hint = auth_hint or hint
    return cls(message, status=status, type_key=key, operation=operation, hint=hint)


def _classify(status: int, key: str | None, message: str) -> tuple[type[AdoError], str]:
    if status == 401:
        return AuthError, "the token was rejected: expired, revoked or wrong"
    if status == 403:
        return PermissionDenied, "the token is valid but lacks the permission or scope"
    if status == 404 or key == "WorkItemUnauthorizedAccessException":
        return NotFound, ""
    if status == 400:
        return BadRequest, ""
    if status == 412:
        return StaleRevision, "someone changed the work item meanwhile; re-read it and plan again"
    if status == 409:
        if key == "GitPullRequestExistsException" or message.startswith("TF401179"):
            return PullRequestExists, ""
        if message.startswith("TF401028") or (key or "").startswith("GitReferenceStale"):
            return StalePush, "the branch moved; re-read it and push again"
        return Conflict, ""
    if status >= 500:
        return ServerError, ""
    return AdoError, ""


def not_json_error(status: int, content_type: str, *, operation: str, auth_hint: str = "") -> AuthError:
    """A 2xx whose body is not JSON: a sign-in page, never data."""
    return AuthError(
        f"expected JSON but got {content_type or 'no content type'} (a sign-in page?)",
        status=status,
        operation=operation,
        hint=auth_hint or "the token was not accepted",
    )
