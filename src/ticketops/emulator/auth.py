"""Authentication as ADO checks it: PAT as Basic (any user name), or Bearer tokens.

With no PAT and no registered bearer token, anything (or nothing) is accepted. Secrets are kept
out of every repr and message.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
from dataclasses import dataclass

SIGN_IN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head>"
    b"<body><h1>Sign in</h1><p>You need to sign in to access this organization.</p></body></html>"
)


@dataclass(frozen=True)
class _Bearer:
    expires_at: float | None
    user_email: str | None


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    user_email: str | None = None  # the bearer's user, when registered with one


class Auth:
    def __init__(self, pat: str | None) -> None:
        self._pat = pat
        self._bearers: dict[str, _Bearer] = {}
        self._lock = threading.Lock()
        self.sign_in_page = False  # answer bad credentials with 203 + HTML, as the real service can

    def __repr__(self) -> str:
        return f"Auth(pat={'set' if self._pat else 'none'}, bearer_tokens={len(self._bearers)})"

    @property
    def enforced(self) -> bool:
        return self._pat is not None or bool(self._bearers)

    def accept_bearer(self, token: str, *, expires_at: float | None = None, user: str | None = None) -> None:
        with self._lock:
            self._bearers[token] = _Bearer(expires_at, user)

    def revoke_bearer(self, token: str) -> None:
        with self._lock:
            self._bearers.pop(token, None)

    def check(self, header: str | None, now: float) -> AuthResult:
        if not self.enforced:
            return AuthResult(True)
        scheme, _, value = (header or "").strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "basic":
            return AuthResult(self._basic_ok(value))
        if scheme.lower() == "bearer":
            if self._pat is not None and hmac.compare_digest(value.encode(), self._pat.encode()):
                return AuthResult(True)
            with self._lock:
                bearer = self._bearers.get(value)
            if bearer is not None and (bearer.expires_at is None or now < bearer.expires_at):
                return AuthResult(True, bearer.user_email)
        return AuthResult(False)

    def _basic_ok(self, value: str) -> bool:
        if self._pat is None:
            return False
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return False
        _, sep, password = decoded.partition(":")
        return bool(sep) and hmac.compare_digest(password.encode(), self._pat.encode())
