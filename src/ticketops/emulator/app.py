"""The emulator: ties the database, routes, auth, api-version checks, faults and rate limit together.

``Emulator.handle`` is the whole request pipeline; the in-process transport and the HTTP server
both call it, so they behave identically.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
import weakref
from collections.abc import Callable
from typing import ClassVar

import httpx

from ticketops.emulator import apiversion
from ticketops.emulator.auth import SIGN_IN_PAGE, Auth
from ticketops.emulator.clock import Clock, Stamper, SystemClock
from ticketops.emulator.db import Database
from ticketops.emulator.errors import (
    AdoError,
    bad_request,
    content_type_not_supported,
    method_not_allowed,
    route_not_found,
    server_error,
    throttled,
    unauthorized,
)
from ticketops.emulator.faults import Faults
from ticketops.emulator.locations import is_location_query, options
from ticketops.emulator.log import RequestLog, RequestRecord
from ticketops.emulator.ratelimit import RESOURCE, RateLimiter
from ticketops.emulator.router import Ctx, EmuRequest, EmuResponse, Match, Router
from ticketops.emulator.routes import ALL_ROUTES
from ticketops.emulator.seed import Seed
from ticketops.emulator.state import dump
from ticketops.emulator.transport import AsyncEmulatorTransport, DroppedResponse, EmulatorTransport

HOST = "http://ado.emulator"


class Emulator:
    """An in-memory Azure DevOps organisation that speaks the REST wire format."""

    global_observers: ClassVar[list[Callable[[RequestRecord], None]]] = []

    def __init__(
        self,
        seed: Seed | None = None,
        *,
        pat: str | None = None,
        rng_seed: int = 0,
        clock: Clock | None = None,
        markdown_supported: bool | None = None,
    ) -> None:
        seed = seed or Seed.default()
        if markdown_supported is not None:
            seed = seed.model_copy(update={"markdown_supported": markdown_supported})
        self.seed = seed
        self.clock: Clock = clock or SystemClock()
        self._tmp = tempfile.mkdtemp(prefix="ticketops-emulator-", dir=_fast_tmp())
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._tmp, True)
        self.db = Database(seed, self._tmp, Stamper(self.clock))
        self.log = RequestLog()
        self.faults = Faults(rng_seed)
        self.auth = Auth(pat)
        self.limiter: RateLimiter | None = None
        self.require_api_version_on_get = True
        self.observers: list[Callable[[RequestRecord], None]] = []
        self.internal_errors: list[str] = []  # tracebacks of emulator bugs (answered as 500)
        self.router = Router(ALL_ROUTES)
        self.url = f"{HOST}/{seed.organization}"
        self.transport: httpx.BaseTransport = EmulatorTransport(self)
        self.async_transport: httpx.AsyncBaseTransport = AsyncEmulatorTransport(self)

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r}, {self.auth!r})"

    # ---- knobs ----------------------------------------------------------------------------
    @property
    def sign_in_page_on_bad_auth(self) -> bool:
        return self.auth.sign_in_page

    @sign_in_page_on_bad_auth.setter
    def sign_in_page_on_bad_auth(self, value: bool) -> None:
        self.auth.sign_in_page = value

    def accept_bearer(self, token: str, *, expires_at: float | None = None, user: str | None = None) -> None:
        """Accept ``Authorization: Bearer <token>`` until ``expires_at`` (Unix time, emulator clock)."""
        self.auth.accept_bearer(token, expires_at=expires_at, user=user)

    def rate_limit(
        self, budget: float | None, window_seconds: float = 300, *, delay_threshold: float = 0.8, cost: float = 1.0
    ) -> RateLimiter | None:
        """Turn on a TSTU-like budget (``None`` turns it off)."""
        self.limiter = (
            None
            if budget is None
            else RateLimiter(self.clock, budget, window_seconds, delay_threshold=delay_threshold, cost=cost)
        )
        return self.limiter

    # ---- lifecycle --------------------------------------------------------------------------
    def close(self) -> None:
        self._finalizer()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the pipeline -------------------------------------------------------------------------
    def handle(self, req: EmuRequest) -> EmuResponse:
        headers = {k: ("***" if k == "authorization" else v) for k, v in req.headers.items()}
        record = RequestRecord(req.method, req.url, req.path, dict(req.query), headers, req.body)
        dropped = False
        try:
            resp = self._process(req, record)
            # faults never hit the emulator's own state page (it is how a person inspects a chaos run)
            dropped = record.operation_id not in (None, "Emulator_State") and self.faults.take_drop(record.operation_id)
        except _SignInPage:
            resp = EmuResponse(203, SIGN_IN_PAGE, {"Content-Type": "text/html; charset=utf-8"})
        except AdoError as e:
            resp = EmuResponse.error(e)
        record.status = resp.status
        record.dropped = dropped
        record.response_headers = dict(resp.headers)
        record.response_body = resp.body
        self.log.add(record)
        for observer in [*Emulator.global_observers, *self.observers]:
            observer(record)
        if dropped:
            raise DroppedResponse(record)
        return resp

    def _process(self, req: EmuRequest, record: RequestRecord) -> EmuResponse:
        if self.faults.latency > 0:
            self.clock.sleep(self.faults.latency)
        if req.path.rstrip("/").lower() in ("/_emulator/state", f"/{self.db.organization.lower()}/_emulator/state"):
            record.operation_id = "Emulator_State"
            return EmuResponse.json(dump(self.db))
        org = self.db.organization
        if is_location_query(req.method, req.path, org):
            record.operation_id = "Location_Options"  # needs no api-version (the SDK sends none)
            self._authenticate(req)
            return options(req, org)
        match = self.router.match(req.method, req.path)
        if match is None or match.org.lower() != org.lower():
            allowed = self.router.methods_for(req.path)
            if allowed and req.path.strip("/").split("/")[0].lower() == org.lower():
                raise method_not_allowed(req.method, allowed)
            raise route_not_found(req.method, req.path)
        route = match.route
        record.operation_id = route.operation_id(req)
        record.write = route.write
        user_email = self._authenticate(req)
        apiversion.check(req, route.api_version, self.require_api_version_on_get)
        extra = self._throttle()
        failure = self.faults.take_failure(record.operation_id)
        if failure is not None:
            raise server_error(*failure)
        self._check_content_type(req, route.content_type)
        resp = self._dispatch(req, match, user_email)
        resp.headers.update(extra)
        return resp

    def _authenticate(self, req: EmuRequest) -> str | None:
        result = self.auth.check(req.headers.get("authorization"), self.clock.time())
        if result.ok:
            return result.user_email
        if self.auth.sign_in_page:
            raise _SignInPage()
        raise unauthorized()

    def _throttle(self) -> dict[str, str]:
        if self.limiter is None:
            return {}
        decision = self.limiter.admit()
        if decision.blocked:
            err = throttled(RESOURCE, decision.retry_after)
            err.headers.update(decision.headers)
            raise err
        if decision.delay > 0:
            self.clock.sleep(decision.delay)
        return decision.headers

    @staticmethod
    def _check_content_type(req: EmuRequest, wanted: str | None) -> None:
        if req.method in ("GET", "DELETE", "HEAD") or wanted is None:
            return
        got = req.content_type
        if got != wanted:
            raise content_type_not_supported(got or "(none)", req.method, wanted)

    def _dispatch(self, req: EmuRequest, match: Match, user_email: str | None) -> EmuResponse:
        with self.db.lock:
            project = self.db.project(match.project) if match.project else None
            user = self.db.user(user_email) if user_email else self.db.api_user
            ctx = Ctx(
                req, self.db, dict(match.params), project, match.team, user, f"{req.origin}/{self.db.organization}"
            )
            try:
                response = match.route.handler(ctx)
                if not match.route.write:
                    _refuse_ignored_parameters(req)
                return response
            except AdoError:
                raise
            except Exception:
                tb = traceback.format_exc()
                self.internal_errors.append(tb)
                return EmuResponse.error(
                    AdoError(500, "EmulatorInternalError", f"ADO emulator bug: {tb.splitlines()[-1]}")
                )


# Parameters every route takes that no handler needs to read.
_ALWAYS = frozenset({"api-version"})


def _refuse_ignored_parameters(req: EmuRequest) -> None:
    """No silent wrong answers: a query parameter the route's handler never looked at would be
    ignored, and the answer could be wrong for what was asked (a PR list with ``minTime``, an
    item at ``versionOptions=previousChange``). ADO honours them; the emulator refuses them
    loudly, naming each, rather than answer as if they were not there. (Checked for reads: a
    write's handler reads what it needs before it writes, and its parameters are declared.)"""
    ignored = sorted(k for k in req.query if k.lower() not in req.read and k.lower() not in _ALWAYS)
    if ignored:
        raise bad_request(
            f"The ADO emulator does not implement the query parameter(s) {', '.join(ignored)} of this operation; "
            "Azure DevOps would honour them, so it refuses them rather than answer as if they were not there.",
            "EmulatorUnsupportedParameterException",
        )


def _fast_tmp() -> str | None:
    """A RAM-backed temp folder when there is one with room (git repos are tiny); else the default."""
    shm = "/dev/shm"
    try:
        st = os.statvfs(shm)
    except OSError:
        return None
    roomy = st.f_bavail * st.f_frsize > 256 * 1024 * 1024
    return shm if roomy and os.access(shm, os.W_OK) else None


class _SignInPage(Exception):
    """Bad credentials answered like the real service sometimes does: 203 and an HTML page."""
