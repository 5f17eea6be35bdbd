"""The PAT (and its base64 form) never shows up in reprs, errors or log output."""

from __future__ import annotations

import base64
import logging

import httpx
import pytest

from support.fake_ado import PAT, ado_error
from ticketops.ado import AdoError, BearerAuth, PatAuth, StaticTokenProvider, install_log_redaction
from ticketops.ado.redact import RedactingFilter

PAT_B64 = base64.b64encode(f":{PAT}".encode()).decode()


def _assert_clean(text: str) -> None:
    assert PAT not in text
    assert PAT_B64 not in text


def test_reprs_hide_the_token(make_client) -> None:
    auth = PatAuth(PAT, source="PAT from $AZURE_DEVOPS_EXT_PAT")
    client, _ = make_client(lambda r: httpx.Response(200, json={}), auth=auth)
    for text in (repr(client), str(client), repr(auth), str(auth), repr(BearerAuth(StaticTokenProvider(PAT)))):
        _assert_clean(text)
    assert "$AZURE_DEVOPS_EXT_PAT" in repr(auth)


def test_errors_after_failed_requests_hide_the_token(make_client) -> None:
    # a hostile server echoing the Authorization header back in its error message
    def echo(request: httpx.Request) -> httpx.Response:
        return ado_error(401, "UnauthorizedRequestException", f"bad header {request.headers['Authorization']} / {PAT}")

    client, _ = make_client(echo)
    with pytest.raises(AdoError) as info:
        client.get_work_item("P", 1)
    for text in (str(info.value), repr(info.value), info.value.ado_message):
        _assert_clean(text)


def test_debug_logs_hide_the_token(make_client, caplog: pytest.LogCaptureFixture) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        return ado_error(400, None, f"echo {PAT}")

    client, _ = make_client(fail)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(AdoError):
            client.get_work_item("P", 1)
        logging.getLogger("ticketops.ado").debug("token was %s and header Basic %s", PAT, PAT_B64)
    assert "GET /contoso/P/_apis/wit/workitems/1 -> 400" in caplog.text
    _assert_clean(caplog.text)


def test_install_log_redaction_covers_other_loggers(caplog: pytest.LogCaptureFixture) -> None:
    PatAuth(PAT)  # registers the secret
    other = logging.getLogger("somebody.else")
    installed = install_log_redaction(other)
    try:
        with caplog.at_level(logging.DEBUG, logger="somebody.else"):
            other.warning("leaked %s", PAT)
            try:
                raise RuntimeError(f"boom {PAT_B64}")
            except RuntimeError:
                other.exception("failed")
        _assert_clean(caplog.text)
        assert "leaked ***" in caplog.text
        assert "boom ***" in caplog.text
    finally:
        other.removeFilter(installed)


def test_filter_redacts_authorization_values_it_never_saw() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "Authorization: Bearer %s", ("eyJunregistered.token.value",), None
    )
    RedactingFilter().filter(record)
    assert record.getMessage() == "Authorization: Bearer ***"
