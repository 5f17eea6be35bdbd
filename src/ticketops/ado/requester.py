"""One ADO call on the wire: URL, api-version, auth, retries, pacing, error mapping, stats.

The typed API modules build on :meth:`Requester.call`; nothing above this module sees httpx.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import httpx
from pydantic import BaseModel, JsonValue, ValidationError

from ticketops import __version__
from ticketops.ado.errors import (
    AdoError,
    AuthError,
    NetworkError,
    OutcomeUnknown,
    ServerError,
    Throttled,
    error_for_status,
    not_json_error,
)
from ticketops.ado.gate import WriteGate
from ticketops.ado.redact import RedactingFilter, redact
from ticketops.ado.retry import RETRY_STATUSES, RateHeaders, RetryPolicy, pace_after_success, wait_before_retry
from ticketops.ado.routes import Route
from ticketops.ado.stats import RequestStats
from ticketops.ado.urls import OrgUrls
from ticketops.model.errors import ExitCode

log = logging.getLogger("ticketops.ado")
log.addFilter(RedactingFilter())

USER_AGENT = f"ticketops/{__version__}"
M = TypeVar("M", bound=BaseModel)
ParamValue = str | int | bool | None

# Failures where the request certainly never reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class UnexpectedResponse(AdoError):
    """ADO answered with JSON we cannot read: a protocol mismatch, not a user error."""

    exit_code = ExitCode.INTERNAL


@dataclass(frozen=True)
class AdoResponse:
    status: int
    headers: httpx.Headers
    content: bytes
    operation: str

    def parse(self, model: type[M]) -> M:
        try:
            return model.model_validate_json(self.content)
        except ValidationError as exc:
            first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": str(exc)}
            where = ".".join(str(p) for p in first.get("loc", ()))
            raise UnexpectedResponse(
                f"unexpected response shape for {model.__name__}: {where}: {first.get('msg')}",
                status=self.status,
                operation=self.operation,
            ) from None

    @property
    def continuation_token(self) -> str | None:
        return self.headers.get("x-ms-continuationtoken") or None


class Requester:
    def __init__(
        self,
        urls: OrgUrls,
        auth: httpx.Auth | None,
        http: httpx.Client,
        *,
        read_only: bool,
        retry: RetryPolicy,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        stats: RequestStats,
    ) -> None:
        self.urls = urls
        self._auth = auth
        self._http = http
        self.gate = WriteGate(read_only=read_only)
        self._policy = retry
        self._rng = retry.rng()
        self._sleep = sleep
        self._clock = clock
        self.stats = stats
        self._pace_lock = threading.Lock()
        self._not_before = 0.0
        self._auth_hint = f"check {getattr(auth, 'source', 'the token')}: expired, revoked or missing scopes?"
        self._patience = threading.local()  # ``until``: this thread's retry deadline (AdoClient.retrying_for)

    # ---- a retry deadline for one thread's calls ----------------------------------------------
    def retry_until(self) -> float | None:
        """This thread's retry deadline (the requester's clock), or None: the policy's limits."""
        until: float | None = getattr(self._patience, "until", None)
        return until

    def set_retry_until(self, until: float | None) -> None:
        self._patience.until = until

    def now(self) -> float:
        return self._clock()

    # ---- public ---------------------------------------------------------------------------
    def call(
        self,
        route: Route,
        *,
        path: Mapping[str, str | int],
        params: Mapping[str, ParamValue] | None = None,
        body: JsonValue = None,
        safe: bool | None = None,
    ) -> AdoResponse:
        """Send one logical request (retrying as the policy allows) and return a 2xx response."""
        self.gate.admit(route)
        url = self.urls.join(route.path(**path), identities=route.identities)
        query = {"api-version": route.api_version, **_clean(params or {})}
        content = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if content is not None:
            headers["Content-Type"] = route.content_type
        replay_safe = route.safe if safe is None else safe
        return self._loop(route, url, query, content, headers, replay_safe)

    # ---- the retry loop -----------------------------------------------------------------------
    def _loop(
        self,
        route: Route,
        url: str,
        query: dict[str, str],
        content: bytes | None,
        headers: dict[str, str],
        replay_safe: bool,
    ) -> AdoResponse:
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            self._pace(route)
            self.gate.before_send(route, first=attempt == 1)
            request = self._http.build_request(route.method, url, params=query, content=content, headers=headers)
            started = self._clock()
            try:
                response = self._send(request)
            except httpx.TransportError as exc:
                self.stats.record_attempt(route.stats_key, sent=len(content or b""), received=0, retry=attempt > 1)
                wait = self._after_transport_error(route, exc, attempt, waited, replay_safe)
                self._log_retry(route, type(exc).__name__, wait, attempt)
                waited += wait
                self._wait(route, wait, throttled=False)
                continue
            self.stats.record_attempt(
                route.stats_key, sent=len(content or b""), received=len(response.content), retry=attempt > 1
            )
            self._log(route, request, response, started, attempt)
            rate = RateHeaders.parse(response.headers)
            if 200 <= response.status_code < 300:
                self._set_pace(pace_after_success(self._policy, rate))
                return self._accept(route, response)
            wait = self._after_error_status(route, response, rate, attempt, waited, replay_safe)
            self._log_retry(route, f"HTTP {response.status_code}", wait, attempt)
            waited += wait
            self._wait(route, wait, throttled=response.status_code == 429)

    def _send(self, request: httpx.Request) -> httpx.Response:
        if self._auth is not None:
            return self._http.send(request, auth=self._auth)
        return self._http.send(request)

    def _after_transport_error(
        self, route: Route, exc: httpx.TransportError, attempt: int, waited: float, replay_safe: bool
    ) -> float:
        reason = redact(f"{type(exc).__name__}: {exc}")
        sent = not isinstance(exc, _NOT_SENT)
        if sent and not replay_safe:
            raise OutcomeUnknown(
                f"the connection failed after the request was sent ({reason}); it may or may not have "
                "been applied, so it is not retried",
                operation=route.operation,
                hint="re-read the live state before trying again",
            ) from None
        wait = self._patient(wait_before_retry(self._policy, None, RateHeaders(), attempt, self._rng), asked=None)
        if not self._may_retry(attempt, waited, wait):
            raise NetworkError(
                f"could not reach Azure DevOps at {self.urls.base} after {attempt} attempt(s): {reason}",
                operation=route.operation,
            ) from None
        return wait

    def _after_error_status(
        self, route: Route, response: httpx.Response, rate: RateHeaders, attempt: int, waited: float, replay_safe: bool
    ) -> float:
        status = response.status_code
        if 300 <= status < 400:
            raise AuthError(
                f"redirected to {response.headers.get('location', '?').split('?')[0]} instead of an answer",
                status=status,
                operation=route.operation,
                hint=self._auth_hint,
            )
        if status not in RETRY_STATUSES:
            raise error_for_status(status, response.content, operation=route.operation, auth_hint=self._auth_hint)
        if status != 429 and not replay_safe:
            err = error_for_status(status, response.content, operation=route.operation)
            raise OutcomeUnknown(
                f"the server failed ({status}: {err.ado_message}) while creating; it may or may not have "
                "been applied, so it is not retried",
                status=status,
                type_key=err.type_key,
                operation=route.operation,
                hint="re-read the live state before trying again",
            )
        wait = self._patient(
            wait_before_retry(self._policy, status, rate, attempt, self._rng), asked=rate.server_wait()
        )
        if self._may_retry(attempt, waited, wait):
            return wait
        err = error_for_status(status, response.content, operation=route.operation)
        if isinstance(err, Throttled):
            raise Throttled(
                f"{err.ado_message} ({self._throttled_detail(attempt, waited, wait, asked=rate.server_wait() is not None)})",
                retry_after=rate.retry_after,
                status=status,
                type_key=err.type_key,
                operation=route.operation,
            )
        raise ServerError(
            f"{err.ado_message} (after {attempt} attempt(s))",
            status=status,
            type_key=err.type_key,
            operation=route.operation,
        )

    def _throttled_detail(self, attempt: int, waited: float, wait: float, *, asked: bool) -> str:
        """Why a 429 is given up, and when trying again can work (``wait``: the next wait, which
        is what ADO asked for when ``asked``)."""
        again = f"try again in {wait:.0f}s, after {_wall_clock_after(wait)}"
        budget = self._policy.max_total_wait
        if waited + wait <= budget:
            return f"still throttled after {attempt} attempt(s), {waited:.1f}s waited; {again}"
        who = "Azure DevOps asked to wait" if asked else "the next back-off is"
        left = "" if waited <= 0 else f" ({budget - waited:.0f}s left after {waited:.0f}s of waiting)"
        return (
            f"{who} {wait:.0f}s, more than the {budget:.0f}s one request may wait{left}, "
            f"so it was given up after {attempt} attempt(s); {again}"
        )

    def _patient(self, wait: float, *, asked: float | None) -> float:
        """Under a retry deadline, a back-off that would end past it is cut to half the time left
        (at least ``base_delay``), so the last attempts still go out before it. Never shorter than
        what the service asked for (``asked``)."""
        until = self.retry_until()
        if until is None:
            return wait
        left = until - self._clock()
        return wait if wait <= left else max(left / 2, self._policy.base_delay, asked or 0.0)

    def _may_retry(self, attempt: int, waited: float, wait: float) -> bool:
        until = self.retry_until()
        if until is not None:  # as many attempts as fit before the deadline, never a wait past it
            return self._clock() + wait <= until
        return attempt < self._policy.max_attempts and waited + wait <= self._policy.max_total_wait

    def _accept(self, route: Route, response: httpx.Response) -> AdoResponse:
        """A 2xx is data only when it is JSON (wire notes: a bad PAT can get a 203 sign-in page).

        Any non-JSON content type is an authentication failure, even with an empty body. Every
        operation the client calls declares a JSON response body in the spec, so an empty body
        is never data either: it would read as "no work items" and plan everything as a create.
        """
        content = response.content
        ctype = response.headers.get("content-type", "")
        if ctype and "json" not in ctype.lower():
            raise not_json_error(
                response.status_code, ctype.split(";")[0], operation=route.operation, auth_hint=self._auth_hint
            )
        if not content.strip():
            raise UnexpectedResponse(
                f"HTTP {response.status_code} with an empty body where JSON was expected",
                status=response.status_code,
                operation=route.operation,
                hint="a proxy or gateway in between, or a token that was not accepted? Nothing was read as data",
            )
        if not ctype:
            raise not_json_error(response.status_code, "", operation=route.operation, auth_hint=self._auth_hint)
        return AdoResponse(response.status_code, response.headers, content, route.operation)

    # ---- pacing and waiting --------------------------------------------------------------
    def _wait(self, route: Route, seconds: float, *, throttled: bool) -> None:
        self.gate.before_wait(route, seconds)
        if seconds > 0:
            self.stats.record_wait(seconds, throttled=throttled)
            self._sleep(seconds)

    def _set_pace(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._pace_lock:
            self._not_before = max(self._not_before, self._clock() + seconds)

    def _pace(self, route: Route) -> None:
        with self._pace_lock:
            wait = self._not_before - self._clock()
        if wait > 0:
            log.debug("slowing down for %.3fs: Azure DevOps asked us to", wait)
            self._wait(route, wait, throttled=True)

    def _log_retry(self, route: Route, what: str, wait: float, attempt: int) -> None:
        log.info(
            "%s: %s; retrying in %.1fs (attempt %d of %d)",
            route.operation,
            what,
            wait,
            attempt + 1,
            self._policy.max_attempts,
        )

    def _log(
        self, route: Route, request: httpx.Request, response: httpx.Response, started: float, attempt: int
    ) -> None:
        if log.isEnabledFor(logging.DEBUG):
            ms = (self._clock() - started) * 1000
            log.debug(
                "%s %s -> %d (%.0f ms, attempt %d)", request.method, request.url.path, response.status_code, ms, attempt
            )


def _wall_clock_after(seconds: float) -> str:
    """The time of day ``seconds`` from now, for a person reading an error (UTC, to the second)."""
    now = datetime.now(UTC)
    when = now + timedelta(seconds=seconds)
    return when.strftime("%H:%M:%S UTC" if when.date() == now.date() else "%Y-%m-%d %H:%M:%S UTC")


def _clean(params: Mapping[str, ParamValue]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out
