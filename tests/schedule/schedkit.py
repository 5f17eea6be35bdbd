"""Shared constants and builders for tests/schedule (imported as ``schedkit``)."""

from __future__ import annotations

TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"
TOKEN = "schedule-dummy-pat-0123456789"
CONFIG = (
    "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
    "repos:\n  api: {name: payments-api}\ndefault_repo: api\n"
)


def ticket(title: str, status: str = "backlog") -> str:
    return f"---\ntitle: {title}\nstatus: {status}\n---\nSpec of {title}.\n"
