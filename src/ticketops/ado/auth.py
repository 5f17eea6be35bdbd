"""Authentication: PAT (Basic), Bearer tokens (pipelines, Entra ID) and choosing one from config.

Every token is a :class:`Secret` and registered for redaction the moment it is seen. Auth
objects are ``httpx.Auth`` flows; their ``repr`` says where the token came from, never what it is.
"""

from __future__ import annotations

import base64
import math
import threading
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import httpx

from ticketops.ado.redact import Secret, redact, register_secret
from ticketops.model.config import AuthSettings
from ticketops.model.errors import TicketopsError

# The Azure DevOps resource id; ``/.default`` asks for the permissions the app was granted.
ADO_SCOPE = "499b84ac-1321-427f-aa17-267ca6975798/.default"
PIPELINE_TOKEN_ENV = "SYSTEM_ACCESSTOKEN"
REFRESH_MARGIN = 300.0  # refresh a bearer token 5 minutes before it expires


@dataclass(frozen=True)
class AccessToken:
    token: Secret
    expires_on: float  # Unix time (seconds); math.inf for tokens that do not expire


@runtime_checkable
class TokenProvider(Protocol):
    def get_token(self, force_refresh: bool = False) -> AccessToken: ...


@dataclass(frozen=True)
class AuthInfo:
    """What ``doctor`` shows: the mode and where the token comes from, never the token."""

    mode: str  # "pat" | "bearer" | "entra"
    source: str  # e.g. "PAT from $AZURE_DEVOPS_EXT_PAT"
    env_var: str | None = None

    def __str__(self) -> str:
        return self.source


class Auth(httpx.Auth):
    """Base of our auth flows. ``source`` describes the token's origin for error messages."""

    source: str = "a token"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(source={self.source!r})"

    __str__ = __repr__


class PatAuth(Auth):
    """``Authorization: Basic base64(":" + PAT)`` (empty user name)."""

    def __init__(self, pat: Secret | str, *, source: str = "a personal access token") -> None:
        raw = pat.reveal() if isinstance(pat, Secret) else pat
        raw = raw.strip()
        if not raw:
            raise TicketopsError(f"the personal access token from {source} is empty")
        self._pat = Secret(raw)
        self._header = Secret("Basic " + base64.b64encode(f":{raw}".encode()).decode())
        self.source = source

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header.reveal()
        yield request


class StaticTokenProvider:
    """A token that is handed to us (``SYSTEM_ACCESSTOKEN`` in Azure Pipelines)."""

    def __init__(self, token: Secret | str, *, expires_on: float = math.inf) -> None:
        raw = (token.reveal() if isinstance(token, Secret) else token).strip()
        if not raw:
            raise TicketopsError("the bearer token is empty")
        self._token = AccessToken(Secret(raw), expires_on)

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        return self._token

    def __repr__(self) -> str:
        return "StaticTokenProvider(token=Secret('***'))"


class BearerAuth(Auth):
    """``Authorization: Bearer <token>`` from a :class:`TokenProvider`.

    The token is fetched lazily, refreshed ``refresh_margin`` seconds before it expires (by
    ``clock``, Unix time), and asked for again with ``force_refresh=True`` exactly once after a
    401; a second 401 is left to the caller (an :class:`~ticketops.ado.errors.AuthError`).
    """

    def __init__(
        self,
        provider: TokenProvider,
        *,
        refresh_margin: float = REFRESH_MARGIN,
        clock: Callable[[], float] = time.time,
        source: str = "a bearer token",
    ) -> None:
        self._provider = provider
        self._margin = refresh_margin
        self._clock = clock
        self._lock = threading.Lock()
        self._token: AccessToken | None = None
        self.source = source

    def _fetch(self, force: bool) -> AccessToken:
        token = self._provider.get_token(force_refresh=force)
        register_secret(token.token.reveal())
        self._token = token
        return token

    def current_token(self) -> AccessToken:
        with self._lock:
            token = self._token
            if token is None or self._clock() >= token.expires_on - self._margin:
                token = self._fetch(force=False)
            return token

    def _after_401(self, used: AccessToken) -> AccessToken:
        with self._lock:
            if self._token is not used and self._token is not None:
                return self._token  # another thread already refreshed
            return self._fetch(force=True)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.current_token()
        request.headers["Authorization"] = f"Bearer {token.token.reveal()}"
        response = yield request
        if response.status_code == 401:
            fresh = self._after_401(token)
            request.headers["Authorization"] = f"Bearer {fresh.token.reveal()}"
            yield request


class EntraTokenProvider:
    """Microsoft Entra ID tokens through azure-identity (installed with ``ticketops[entra]``).

    ``DefaultAzureCredential`` (environment, managed identity, Azure CLI, ...) by default;
    ``DeviceCodeCredential`` when a person signs in at a terminal (``device_code=True``).
    azure-identity caches tokens itself; a forced refresh asks the credential again.
    """

    def __init__(self, credential: object | None = None, *, device_code: bool = False) -> None:
        self._credential = credential
        self._device_code = device_code
        self._lock = threading.Lock()

    @property
    def credential_name(self) -> str:
        if self._credential is not None:
            return type(self._credential).__name__
        return "DeviceCodeCredential" if self._device_code else "DefaultAzureCredential"

    def _get_credential(self) -> object:
        with self._lock:
            if self._credential is None:
                self._credential = _make_credential(self._device_code)
            return self._credential

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        credential = self._get_credential()
        try:
            result = credential.get_token(ADO_SCOPE)  # type: ignore[attr-defined]  # azure-identity is optional and untyped here
        except Exception as exc:
            first_line = (redact(str(exc)).splitlines() or [type(exc).__name__])[0]
            raise TicketopsError(
                f"Entra ID sign-in via {self.credential_name} failed: {first_line} "
                "(sign in with `az login`, or set auth.mode: pat and a PAT)"
            ) from None
        return AccessToken(Secret(str(result.token)), float(result.expires_on))

    def __repr__(self) -> str:
        return f"EntraTokenProvider(credential={self.credential_name})"


def _make_credential(device_code: bool) -> object:
    try:
        import azure.identity as identity
    except ImportError:
        raise TicketopsError(
            "auth.mode: entra needs the azure-identity package: pip install 'ticketops[entra]'"
        ) from None
    if device_code:
        return identity.DeviceCodeCredential()
    return identity.DefaultAzureCredential()


def _env(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    return value.strip() if value and value.strip() else None


def resolve_auth(
    config_auth: AuthSettings, env: Mapping[str, str], *, interactive: bool = False
) -> tuple[Auth, AuthInfo]:
    """Pick the auth flow the config asks for, reading tokens from ``env``.

    * ``pat``: the PAT in ``$token_env``; if that is unset and ``SYSTEM_ACCESSTOKEN`` is set
      (Azure Pipelines), that one as a Bearer token.
    * ``bearer``: ``$token_env`` as a Bearer token.
    * ``entra``: azure-identity (device code sign-in when ``interactive``).
    """
    var = config_auth.token_env
    if config_auth.mode == "entra":
        provider = EntraTokenProvider(device_code=interactive)
        info = AuthInfo("entra", f"Entra ID via {provider.credential_name}")
        return BearerAuth(provider, source=info.source), info
    token = _env(env, var)
    if config_auth.mode == "bearer":
        if token is None:
            raise TicketopsError(
                f"no Azure DevOps token: auth.mode is bearer but ${var} is not set; "
                f"set {var} to the bearer token (or change auth.token_env in .tickets/config.yaml)"
            )
        info = AuthInfo("bearer", f"Bearer from ${var}", var)
        return BearerAuth(StaticTokenProvider(token), source=info.source), info
    if token is not None:
        info = AuthInfo("pat", f"PAT from ${var}", var)
        return PatAuth(token, source=info.source), info
    pipeline = _env(env, PIPELINE_TOKEN_ENV)
    if pipeline is not None:
        info = AuthInfo("bearer", f"Bearer from ${PIPELINE_TOKEN_ENV}", PIPELINE_TOKEN_ENV)
        return BearerAuth(StaticTokenProvider(pipeline), source=info.source), info
    raise TicketopsError(
        f"no Azure DevOps token: set {var} to a personal access token "
        "(scopes: Work Items read & write, Code read & write), "
        f"run in Azure Pipelines with {PIPELINE_TOKEN_ENV} mapped, "
        "or set auth.mode: entra in .tickets/config.yaml"
    )
