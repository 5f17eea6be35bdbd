"""Base URLs for Services, legacy visualstudio.com, Server and the emulator."""

from __future__ import annotations

import pytest

from ticketops.ado.urls import org_urls
from ticketops.model.errors import ConfigError


def test_services_uses_vssps_for_identities() -> None:
    urls = org_urls("https://dev.azure.com/contoso/")
    assert urls.base == "https://dev.azure.com/contoso"
    assert urls.identities == "https://vssps.dev.azure.com/contoso"
    assert urls.is_services and urls.organization == "contoso"


def test_legacy_visualstudio_host() -> None:
    urls = org_urls("https://contoso.visualstudio.com")
    assert urls.base == "https://contoso.visualstudio.com"
    assert urls.identities == "https://contoso.vssps.visualstudio.com"
    assert urls.is_services


@pytest.mark.parametrize(
    "url",
    ["https://tfs.example.com/tfs/DefaultCollection", "http://ado.emulator/contoso", "http://127.0.0.1:8765/contoso"],
)
def test_server_and_emulator_use_one_base(url: str) -> None:
    urls = org_urls(url)
    assert urls.base == url
    assert urls.identities == url
    assert not urls.is_services


def test_join_builds_paths_under_the_right_host() -> None:
    urls = org_urls("https://dev.azure.com/contoso")
    assert urls.join("_apis/projects") == "https://dev.azure.com/contoso/_apis/projects"
    assert urls.join("_apis/identities", identities=True) == "https://vssps.dev.azure.com/contoso/_apis/identities"


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://dev.azure.com/contoso/Payments/_git/app", "exactly one organization"),
        ("https://dev.azure.com/", "exactly one organization"),
        ("ftp://dev.azure.com/contoso", "not an http(s) URL"),
        ("https://server.example", "no collection"),
        ("https://dev.azure.com/contoso?x=1", "query"),
    ],
)
def test_ambiguous_or_wrong_urls_are_refused(url: str, why: str) -> None:
    with pytest.raises(ConfigError, match=r"https://dev\.azure\.com/ORG") as info:
        org_urls(url)
    assert why in str(info.value)
