"""An organization URL with a user name or password is refused, and the password is never echoed:
not by ``plan`` (``--org-url``, ``TICKETOPS_ORG_URL`` or ``organization_url`` in config.yaml), not by
``validate`` or ``doctor``, not by a client's repr."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitrepo import make_repo
from ticketops.ado import AdoClient, urls
from ticketops.cli.main import main
from ticketops.model.errors import ConfigError

PASSWORD = "hunter2hunter2"
URL = f"http://alice:{PASSWORD}@127.0.0.1:9/contoso"
CONFIG = "organization_url: {url}\nproject: Payments\nprocess: agile\n"
TICKET = "---\ntitle: Card payments\nstatus: backlog\n---\nPay by card.\n"


@pytest.fixture
def board(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``board(url)``: a committed board whose config.yaml names ``url``; a token in the environment."""
    monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", "pat-abcdefghijklmnopqrstuvwxyz0123456789")

    def make(url: str = "https://dev.azure.com/contoso") -> str:
        files = {".tickets/config.yaml": CONFIG.format(url=url), ".tickets/PAY-1.md": TICKET}
        return str(make_repo(tmp_path / "repo", files).workdir)

    return make


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize("command", ["plan", "apply", "doctor"])
def test_org_url_flag_with_a_password_is_refused_without_echoing_it(board, capsys, command: str) -> None:
    code, text = run([command, "--repo", board(), "--org-url", URL], capsys)
    assert code == 1
    assert PASSWORD not in text and "alice" not in text
    assert "'http://***@127.0.0.1:9/contoso' has a user name or password in it" in text
    assert "AZURE_DEVOPS_EXT_PAT" in text


def test_org_url_from_the_environment_takes_the_same_path(board, capsys, monkeypatch) -> None:
    monkeypatch.setenv("TICKETOPS_ORG_URL", URL)
    code, text = run(["plan", "--repo", board()], capsys)
    assert code == 1 and PASSWORD not in text and "http://***@127.0.0.1:9/contoso" in text


@pytest.mark.parametrize("command", ["validate", "plan"])
@pytest.mark.parametrize("url", [URL, f"https://alice:pa/ss{PASSWORD}@dev.azure.com/contoso"])
def test_organization_url_in_config_yaml_names_the_file_and_line(board, capsys, command: str, url: str) -> None:
    """The config loader's secret scan catches ``user:password@``; a password holding ``/`` slips
    past it and is refused by the ``organization_url`` validator instead, with the same file:line."""
    code, text = run([command, "--repo", board(url)], capsys)
    assert code == 1
    assert PASSWORD not in text and "alice" not in text
    assert ".tickets/config.yaml:1:1: organization_url" in text and "user name" in text
    assert "auth.token_env" in text and "AZURE_DEVOPS_EXT_PAT" in text


@pytest.mark.parametrize(
    "url",
    [
        URL,
        f"https://alice:{PASSWORD}@dev.azure.com/contoso",
        f"https://{PASSWORD}@dev.azure.com/contoso",  # a token as the user name
        f"https://alice:pa/ss#{PASSWORD}@dev.azure.com/contoso",  # '/' and '#' in the password
    ],
)
def test_the_client_refuses_credentials_in_the_url(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        AdoClient(url, None)
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(info.value)
    assert "***@" in str(info.value)


def test_other_refusals_never_echo_a_query_either() -> None:
    with pytest.raises(ConfigError) as info:
        urls.org_urls(f"https://dev.azure.com/contoso?token={PASSWORD}")
    assert PASSWORD not in str(info.value) and "https://dev.azure.com/contoso?***" in str(info.value)
    assert urls.shown_url("https://dev.azure.com/contoso") == "https://dev.azure.com/contoso"
    assert repr(AdoClient("https://dev.azure.com/contoso", None)).startswith(
        "AdoClient('https://dev.azure.com/contoso'"
    )
