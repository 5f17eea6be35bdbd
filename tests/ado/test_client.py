"""Client construction: injected httpx clients, ownership, headers."""

from __future__ import annotations

import httpx
import pytest

from support.fake_ado import ORG_URL, FakeAdo, work_item
from ticketops.ado import AdoClient, PatchOp, ReadOnlyViolation


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=work_item(1))


def test_injected_http_client_is_used_and_left_open() -> None:
    fake = FakeAdo(_ok)
    http = httpx.Client(transport=fake.transport, headers={"User-Agent": "someone-else/1.0"})
    with AdoClient(ORG_URL, None, http=http) as client:
        client.get_work_item("P", 1)
    assert not http.is_closed
    assert fake.requests[0].headers["User-Agent"].startswith("ticketops/")  # our requests stay recognisable
    http.close()


def test_injected_http_client_still_honours_read_only() -> None:
    fake = FakeAdo(_ok)
    with (
        httpx.Client(transport=fake.transport) as http,
        AdoClient(ORG_URL, None, http=http, read_only=True) as client,
        pytest.raises(ReadOnlyViolation),
    ):
        client.create_work_item("P", "Bug", [PatchOp.set_field("System.Title", "x")])
    assert fake.requests == []


def test_own_http_client_is_closed_on_exit() -> None:
    client = AdoClient(ORG_URL, None, transport=FakeAdo(_ok).transport)
    with client:
        pass
    assert client._http.is_closed


def test_http_and_transport_together_are_refused() -> None:
    with httpx.Client() as http, pytest.raises(ValueError, match="either http or transport"):
        AdoClient(ORG_URL, None, http=http, transport=FakeAdo(_ok).transport)


def test_accept_and_api_version_on_every_request() -> None:
    fake = FakeAdo(_ok)
    with AdoClient(ORG_URL, None, transport=fake.transport) as client:
        client.get_work_item("P", 1)
    request = fake.requests[0]
    assert request.headers["Accept"] == "application/json"
    assert request.url.params["api-version"] == "7.1"
