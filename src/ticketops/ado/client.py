"""``AdoClient``: the typed Azure DevOps REST client the rest of ticketops talks to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import TypeAlias

import httpx

from ticketops.ado.core_api import CoreApi
from ticketops.ado.dto.core import Identity
from ticketops.ado.gate import WriteFence
from ticketops.ado.git_api import GitApi
from ticketops.ado.requester import USER_AGENT, Requester
from ticketops.ado.retry import RetryPolicy
from ticketops.ado.stats import RequestStats
from ticketops.ado.urls import OrgUrls, org_urls
from ticketops.ado.wit_api import WorkItemsApi

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# The one-method seam under the client (``handle_request``): tests and the demo pass the
# emulator's, so the layers above name it without importing httpx.
Transport: TypeAlias = httpx.BaseTransport


class AdoClient(WorkItemsApi, GitApi, CoreApi):
    """Azure DevOps over REST, with retries, pacing, read-only mode and request stats.

    ``AdoClient(emulator.url, auth, transport=emulator.transport)`` in tests;
    ``AdoClient(config.organization_url, auth)`` for real. Use it as a context manager.
    """

    def __init__(
        self,
        org_url: str,
        auth: httpx.Auth | None,
        *,
        http: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        max_concurrency: int = 4,
        read_only: bool = False,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if http is not None and transport is not None:
            raise ValueError("pass either http or transport, not both")
        self.urls: OrgUrls = org_urls(org_url)
        self.read_only = read_only
        self._auth = auth
        self._max_concurrency = max(1, max_concurrency)
        self._owns_http = http is None
        self._http = http if http is not None else _make_http(transport)
        self.stats = RequestStats()
        self._identity_cache: dict[str, Identity | None] = {}
        self._identity_lock = threading.Lock()
        self._req = Requester(
            self.urls,
            auth,
            self._http,
            read_only=read_only,
            retry=retry or RetryPolicy(),
            sleep=sleep,
            clock=clock,
            stats=self.stats,
        )

    @property
    def org_url(self) -> str:
        return self.urls.base

    # ---- the write gate (ado/gate.py): read-only mode, the fence, the count of writes ----------
    @property
    def writes(self) -> int:
        """Write calls this client has sent (a call retried after a 429 is one write)."""
        return self._req.gate.writes

    @contextmanager
    def fenced(self, fence: WriteFence) -> Iterator[None]:
        """Ask ``fence`` (the lease) before every write request sent in the block, retries included."""
        with self._req.gate.fenced(fence):
            yield

    @contextmanager
    def retrying_for(self, seconds: float) -> Iterator[None]:
        """For the calls this thread makes in the block, retry transient failures (429, 5xx, and
        connection failures of requests safe to replay) with the policy's backoff for as long as
        ``seconds`` allows (more attempts than the policy's when they fit), never waiting past it.
        The lease bounds its own calls by its deadline so."""
        previous = self._req.retry_until()
        until = self._req.now() + max(0.0, seconds)
        self._req.set_retry_until(until if previous is None else min(previous, until))
        try:
            yield
        finally:
            self._req.set_retry_until(previous)

    def check_ado_time(self, now: datetime) -> None:
        """Let the fence judge ADO's time ``now`` (from a response) before a create."""
        self._req.gate.check_ado_time(now)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> AdoClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = ", read_only=True" if self.read_only else ""
        return f"AdoClient({self.urls.base!r}, auth={self._auth!r}{mode})"


def _make_http(transport: httpx.BaseTransport | None) -> httpx.Client:
    inner = transport if transport is not None else httpx.HTTPTransport(retries=0)
    return httpx.Client(
        transport=inner,
        timeout=DEFAULT_TIMEOUT,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )
