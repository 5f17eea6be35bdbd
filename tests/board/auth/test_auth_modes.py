"""Authentication against the emulator: bearer tokens refreshed before they expire and once
more after a 401 (a fake Entra credential whose tokens expire), and every auth mode reachable
from the CLI. Tokens never appear in the output."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from importkit import ImportBoard

import ticketops.ado.auth as ado_auth
from ticketops.ado import AdoClient, AuthError, BearerAuth, EntraTokenProvider
from ticketops.emulator import Emulator, ManualClock
from ticketops.emulator.server import EmulatorServer

HOUR = 3600.0


@dataclass
class Token:
    token: str
    expires_on: int


@dataclass
class FakeCredential:
    """An azure-identity credential stand-in: every call issues a new token that the emulator
    accepts until it expires (by ``clock``)."""

    emu: Emulator
    clock: Callable[[], float]
    lifetime: float = HOUR
    issued: list[str] = field(default_factory=list)
    scopes: list[tuple[str, ...]] = field(default_factory=list)

    def get_token(self, *scopes: str, **_: object) -> Token:
        self.scopes.append(scopes)
        token = f"entra-token-{len(self.issued) + 1}-0123456789"
        expires = self.clock() + self.lifetime
        self.emu.accept_bearer(token, expires_at=expires, user="alice@contoso.com")
        self.issued.append(token)
        return Token(token, int(expires))


def _statuses(emu: Emulator) -> list[int]:
    return [r.status for r in emu.log.records]


def test_entra_tokens_are_refreshed_before_they_expire_and_after_a_401() -> None:
    clock = ManualClock()
    emu = Emulator(clock=clock)
    cred = FakeCredential(emu, clock.time)
    auth = BearerAuth(EntraTokenProvider(credential=cred), clock=clock.time)
    with AdoClient(emu.url, auth, transport=emu.transport) as client:
        client.list_projects()
        client.list_projects()
        assert cred.issued == ["entra-token-1-0123456789"]  # reused while valid
        assert cred.scopes[0] == ("499b84ac-1321-427f-aa17-267ca6975798/.default",)

        clock.advance(HOUR - 120)  # inside the 5-minute margin: refreshed before it expires
        client.list_projects()
        assert len(cred.issued) == 2 and 401 not in _statuses(emu)

        emu.auth.revoke_bearer(cred.issued[-1])  # revoked early: ADO answers 401 once
        assert client.connection_data().authenticated_user.mail == "alice@contoso.com"
        assert len(cred.issued) == 3
        assert _statuses(emu)[-2:] == [401, 200]


def test_an_expired_token_that_cannot_be_refreshed_is_an_auth_error_naming_its_source() -> None:
    clock = ManualClock()
    emu = Emulator(clock=clock, pat="someone-elses-pat-0123")  # auth stays enforced once the token is revoked

    class Stuck(FakeCredential):
        def get_token(self, *scopes: str, **kw: object) -> Token:
            if self.issued:
                return Token(self.issued[0], int(self.clock() + HOUR))  # hands out the dead token again
            return super().get_token(*scopes, **kw)

    cred = Stuck(emu, clock.time)
    auth = BearerAuth(EntraTokenProvider(credential=cred), clock=clock.time, source="Entra ID via Stuck")
    with AdoClient(emu.url, auth, transport=emu.transport) as client:
        client.list_projects()
        emu.auth.revoke_bearer(cred.issued[0])
        with pytest.raises(AuthError) as err:
            client.list_projects()
    assert err.value.status == 401 and "Entra ID via Stuck" in str(err.value)
    assert "entra-token" not in str(err.value)


# ---- every mode from the CLI ----------------------------------------------------------------------
@pytest.fixture
def strict_emu() -> Emulator:
    """Accepts only the right PAT or a registered bearer token."""
    return Emulator(pat="the-real-pat-0123456789")


def _board(tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str], auth: str = "") -> ImportBoard:
    config = "organization_url: https://dev.azure.com/contoso\nproject: Payments\n" + auth
    board = ImportBoard(tmp_path / "board", url, capsys, config=config)
    board.commit_all()
    return board


def test_pat_mode_from_the_configured_variable(tmp_path, strict_emu: Emulator, capsys, monkeypatch) -> None:
    monkeypatch.delenv("AZURE_DEVOPS_EXT_PAT")
    monkeypatch.setenv("MY_PAT", "the-real-pat-0123456789")
    with EmulatorServer(strict_emu) as srv:
        b = _board(tmp_path, srv.url, capsys, "auth:\n  token_env: MY_PAT\n")
        r = b.run("doctor")
    assert r.code == 0, r.out
    assert "mode pat: PAT from $MY_PAT" in r.out and "the-real-pat" not in r.out + r.err


def test_bearer_mode_and_pipeline_token(tmp_path, strict_emu: Emulator, capsys, monkeypatch) -> None:
    strict_emu.accept_bearer("pipeline-token-0123456789", expires_at=time.time() + HOUR)
    monkeypatch.delenv("AZURE_DEVOPS_EXT_PAT")
    monkeypatch.setenv("SYSTEM_ACCESSTOKEN", "pipeline-token-0123456789")
    with EmulatorServer(strict_emu) as srv:
        b = _board(tmp_path, srv.url, capsys)
        r = b.run("doctor")
        assert r.code == 0, r.out
        assert "Bearer from $SYSTEM_ACCESSTOKEN" in r.out
        monkeypatch.setenv("JOB_TOKEN", "pipeline-token-0123456789")
        b2 = ImportBoard(
            tmp_path / "b2",
            srv.url,
            capsys,
            config="organization_url: https://dev.azure.com/contoso\nproject: Payments\n"
            "auth:\n  mode: bearer\n  token_env: JOB_TOKEN\n",
        )
        b2.commit_all()
        r2 = b2.run("plan")
    assert r2.code == 0, r2.out + r2.err
    assert "pipeline-token" not in r.out + r.err + r2.out + r2.err


@pytest.mark.parametrize(
    ("flags", "credential"), [((), "DefaultAzureCredential"), (("--device-code",), "DeviceCodeCredential")]
)
def test_entra_mode_and_device_code(tmp_path, strict_emu: Emulator, capsys, monkeypatch, flags, credential) -> None:
    made: list[bool] = []
    cred = FakeCredential(strict_emu, time.time)

    def make(device_code: bool) -> FakeCredential:
        made.append(device_code)
        return cred

    monkeypatch.setattr(ado_auth, "_make_credential", make)
    monkeypatch.delenv("AZURE_DEVOPS_EXT_PAT")
    auth = "" if flags else "auth:\n  mode: entra\n"
    with EmulatorServer(strict_emu) as srv:
        b = _board(tmp_path, srv.url, capsys, auth)
        r = b.run("doctor", *flags)
        assert r.code == 0, r.out
        assert f"mode entra: Entra ID via {credential}" in r.out
        assert made == [bool(flags)]
        assert b.run("plan", *flags).code == 0
    assert "entra-token" not in r.out + r.err


def test_a_missing_token_names_the_variable(tmp_path, strict_emu: Emulator, capsys, monkeypatch) -> None:
    monkeypatch.delenv("AZURE_DEVOPS_EXT_PAT")
    with EmulatorServer(strict_emu) as srv:
        b = _board(tmp_path, srv.url, capsys)
        r = b.run("plan")
    assert r.code == 1 and "set AZURE_DEVOPS_EXT_PAT" in r.err
