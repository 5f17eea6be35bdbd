"""Azure DevOps remote URLs in every form git is given them, parsed to org URL, project and repo."""

from __future__ import annotations

import pytest

from ticketops.desired.remotes import AdoRemote, parse_remote


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://dev.azure.com/contoso/Payments/_git/payments-api",
            ("https://dev.azure.com/contoso", "Payments", "payments-api"),
        ),
        (
            "https://contoso@dev.azure.com/contoso/Payments/_git/payments-api",
            ("https://dev.azure.com/contoso", "Payments", "payments-api"),
        ),
        (
            "https://dev.azure.com/contoso/My%20Project/_git/My%20Repo",
            ("https://dev.azure.com/contoso", "My Project", "My Repo"),
        ),
        (
            "git@ssh.dev.azure.com:v3/contoso/Payments/payments-api",
            ("https://dev.azure.com/contoso", "Payments", "payments-api"),
        ),
        ("https://contoso.visualstudio.com/Payments/_git/api", ("https://contoso.visualstudio.com", "Payments", "api")),
        (
            "https://contoso.visualstudio.com/DefaultCollection/Payments/_git/api",
            ("https://contoso.visualstudio.com", "Payments", "api"),
        ),
        (
            "contoso@vs-ssh.visualstudio.com:v3/contoso/Payments/api",
            ("https://contoso.visualstudio.com", "Payments", "api"),
        ),
        (
            "https://tfs.example.com/tfs/DefaultCollection/Payments/_git/api",
            ("https://tfs.example.com/tfs/DefaultCollection", "Payments", "api"),
        ),
        (
            "https://ado.example.com:8443/Main/Payments/_git/api",
            ("https://ado.example.com:8443/Main", "Payments", "api"),
        ),
        ("https://dev.azure.com/contoso/_git/Payments", ("https://dev.azure.com/contoso", "Payments", "Payments")),
    ],
)
def test_azure_devops_remotes(url: str, expected: tuple[str, str, str]) -> None:
    assert parse_remote(url) == AdoRemote(*expected)


@pytest.mark.parametrize(
    "url", ["https://github.com/contoso/payments.git", "git@github.com:contoso/payments.git", "/srv/git/payments", ""]
)
def test_other_remotes_are_not_guessed(url: str) -> None:
    assert parse_remote(url) is None
