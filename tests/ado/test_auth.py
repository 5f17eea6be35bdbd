"""PAT and Bearer auth on the wire, token refresh, and choosing auth from config + env."""

from __future__ import annotations

import base64
import builtins
import math
from dataclasses import dataclass, field
from types import SimpleNamespace

import httpx
import pytest

from support.fake_ado import PAT, ado_error, work_item
from ticketops.ado import (
    AccessToken,
    AuthError,
    BearerAuth,
    EntraTokenProvider,
    PatAuth,
    Secret,
    StaticTokenProvider,
    resolve_auth,
)
from ticketops.model.config import AuthSettings
from ticketops.model.errors import TicketopsError


def _ok_item(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=work_item(1))


def test_pat_is_sent_as_basic_with_empty_user(make_client) -> None:
    client, fake = make_client(_ok_item)
    client.get_work_item("Payments", 1)
    expected = base64.b64encode(f":{PAT}".encode()).decode()
    assert fake.requests[0].headers["Authorization"] == f"Basic {expected}"


def test_pat_auth_accepts_a_secret_and_strips_whitespace(make_client) -> None:
    client, fake = make_client(_ok_item, auth=PatAuth(Secret(f"  {PAT}\n")))
    client.get_work_item("Payments", 1)
    assert fake.requests[0].headers["Authorization"].endswith(base64.b64encode(f":{PAT}".encode()).decode())


def test_empty_pat_is_refused() -> None:
    with pytest.raises(TicketopsError, match="empty"):
        PatAuth("   ", source="PAT from $AZURE_DEVOPS_EXT_PAT")


@dataclass
class ExpiringProvider:
    """Hands out token-1, token-2, ... each valid for an hour from ``clock``."""

    clock: list[float]
    calls: list[bool] = field(default_factory=list)

    def get_token(self, force_refresh: bool = False) -> AccessToken:
        self.calls.append(force_refresh)
        return AccessToken(Secret(f"token-{len(self.calls)}-xyz"), self.clock[0] + 3600)


def _bearer(request: httpx.Request) -> str:
    return request.headers["Authorization"].removeprefix("Bearer ")


def test_bearer_token_is_reused_then_refreshed_before_expiry(make_client) -> None:
    now = [0.0]
    provider = ExpiringProvider(now)
    client, fake = make_client(_ok_item, auth=BearerAuth(provider, clock=lambda: now[0]))
    client.get_work_item("P", 1)
    now[0] = 3600 - 301  # still more than 5 minutes left
    client.get_work_item("P", 1)
    now[0] = 3600 - 299  # inside the 5-minute margin: refresh before it expires
    client.get_work_item("P", 1)
    assert [_bearer(r) for r in fake.requests] == ["token-1-xyz", "token-1-xyz", "token-2-xyz"]
    assert provider.calls == [False, False]


def test_bearer_asks_again_once_after_401_and_retries(make_client) -> None:
    now = [0.0]
    provider = ExpiringProvider(now)

    def handler(request: httpx.Request) -> httpx.Response:
        if _bearer(request) == "token-1-xyz":
            return ado_error(401, "UnauthorizedRequestException", "TF400813: The user is not authorized")
        return httpx.Response(200, json=work_item(1))

    client, fake = make_client(handler, auth=BearerAuth(provider, clock=lambda: now[0]))
    assert client.get_work_item("P", 1).id == 1
    assert provider.calls == [False, True]
    assert [_bearer(r) for r in fake.requests] == ["token-1-xyz", "token-2-xyz"]


def test_second_401_is_an_auth_error_naming_the_source(make_client) -> None:
    now = [0.0]
    provider = ExpiringProvider(now)

    def handler(request: httpx.Request) -> httpx.Response:
        return ado_error(401, "UnauthorizedRequestException", "TF400813: The user is not authorized")

    auth = BearerAuth(provider, clock=lambda: now[0], source="Bearer from $SYSTEM_ACCESSTOKEN")
    client, fake = make_client(handler, auth=auth)
    with pytest.raises(AuthError) as info:
        client.get_work_item("P", 1)
    assert len(fake.requests) == 2
    assert provider.calls == [False, True]
    assert info.value.status == 401
    assert "$SYSTEM_ACCESSTOKEN" in str(info.value)


def test_static_provider_sends_pipeline_token_as_bearer(make_client) -> None:
    client, fake = make_client(_ok_item, auth=BearerAuth(StaticTokenProvider("pipeline-token-123")))
    client.get_work_item("P", 1)
    assert fake.requests[0].headers["Authorization"] == "Bearer pipeline-token-123"


# ---- resolve_auth -------------------------------------------------------------------------


def test_pat_mode_reads_token_env() -> None:
    auth, info = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": PAT})
    assert isinstance(auth, PatAuth)
    assert (info.mode, info.source, info.env_var) == ("pat", "PAT from $AZURE_DEVOPS_EXT_PAT", "AZURE_DEVOPS_EXT_PAT")
    assert PAT not in repr(auth) and PAT not in str(info)


def test_pat_mode_custom_env_name() -> None:
    _, info = resolve_auth(AuthSettings(token_env="ADO_TOKEN"), {"ADO_TOKEN": PAT})
    assert info.source == "PAT from $ADO_TOKEN"


def test_pat_mode_falls_back_to_pipeline_token_as_bearer() -> None:
    auth, info = resolve_auth(AuthSettings(), {"SYSTEM_ACCESSTOKEN": "pipeline-token-123"})
    assert isinstance(auth, BearerAuth)
    assert (info.mode, info.source) == ("bearer", "Bearer from $SYSTEM_ACCESSTOKEN")


def test_pat_wins_over_pipeline_token() -> None:
    auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": PAT, "SYSTEM_ACCESSTOKEN": "pipeline-token-123"})
    assert isinstance(auth, PatAuth)


def test_bearer_mode_reads_token_env_as_bearer() -> None:
    auth, info = resolve_auth(AuthSettings(mode="bearer", token_env="MY_TOKEN"), {"MY_TOKEN": "tok-123456"})
    assert isinstance(auth, BearerAuth)
    assert info.source == "Bearer from $MY_TOKEN"


def test_no_token_names_the_variable_to_set() -> None:
    with pytest.raises(TicketopsError, match="set AZURE_DEVOPS_EXT_PAT"):
        resolve_auth(AuthSettings(), {})
    with pytest.raises(TicketopsError, match=r"\$MY_TOKEN is not set"):
        resolve_auth(AuthSettings(mode="bearer", token_env="MY_TOKEN"), {"AZURE_DEVOPS_EXT_PAT": PAT})


def test_blank_token_counts_as_missing() -> None:
    with pytest.raises(TicketopsError, match="AZURE_DEVOPS_EXT_PAT"):
        resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": "  "})


def test_entra_mode_describes_the_credential() -> None:
    auth, info = resolve_auth(AuthSettings(mode="entra"), {})
    assert isinstance(auth, BearerAuth)
    assert (info.mode, info.source) == ("entra", "Entra ID via DefaultAzureCredential")
    _, person = resolve_auth(AuthSettings(mode="entra"), {}, interactive=True)
    assert person.source == "Entra ID via DeviceCodeCredential"


# ---- Entra ID -------------------------------------------------------------------------------


class FakeCredential:
    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str) -> SimpleNamespace:
        self.scopes.append(scopes)
        return SimpleNamespace(token=f"entra-token-{len(self.scopes)}", expires_on=1_700_000_000 + 3600)


def test_entra_provider_asks_for_the_ado_scope(make_client) -> None:
    cred = FakeCredential()
    provider = EntraTokenProvider(cred)
    client, fake = make_client(_ok_item, auth=BearerAuth(provider, clock=lambda: 1_700_000_000.0))
    client.get_work_item("P", 1)
    assert cred.scopes == [("499b84ac-1321-427f-aa17-267ca6975798/.default",)]
    assert fake.requests[0].headers["Authorization"] == "Bearer entra-token-1"
    assert provider.get_token().expires_on == 1_700_000_000 + 3600


def test_entra_failure_is_a_clear_error() -> None:
    class Broken:
        def get_token(self, *scopes: str) -> None:
            raise RuntimeError("DefaultAzureCredential failed to retrieve a token\nmore detail")

    with pytest.raises(TicketopsError, match="Entra ID sign-in via Broken failed: DefaultAzureCredential failed"):
        EntraTokenProvider(Broken()).get_token()


def test_entra_without_azure_identity_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_azure(name: str, *args: object, **kw: object) -> object:
        if name.startswith("azure"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_azure)
    with pytest.raises(TicketopsError, match=r"pip install 'ticketops\[entra\]'"):
        EntraTokenProvider().get_token()


def test_static_token_never_expires() -> None:
    assert StaticTokenProvider("abcdefgh").get_token().expires_on == math.inf
