"""A scriptable fake ADO for client unit tests, on ``httpx.MockTransport``.

Integration tests use the real emulator; these helpers script exact responses (error bodies,
throttling headers, dropped connections) that are hard to provoke from the emulator.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

ORG_URL = "https://dev.azure.com/contoso"
PAT = "pat-abcdefghijklmnopqrstuvwxyz0123456789"

Handler = Callable[[httpx.Request], httpx.Response]


def ado_error(status: int, type_key: str | None, message: str, **extra: object) -> httpx.Response:
    """A response with ADO's real error envelope."""
    body: dict[str, object] = {
        "$id": "1",
        "innerException": None,
        "message": message,
        "typeName": f"Microsoft.TeamFoundation.{type_key or 'Unknown'}, Microsoft.TeamFoundation",
        "typeKey": type_key,
        "errorCode": 0,
        "eventId": 3200,
        **extra,
    }
    return httpx.Response(status, json=body)


def listing(items: list[object], headers: dict[str, str] | None = None) -> httpx.Response:
    """ADO's list envelope ``{"count", "value"}``."""
    return httpx.Response(200, json={"count": len(items), "value": items}, headers=headers)


def work_item(id: int, rev: int = 1, **fields: object) -> dict[str, object]:
    return {
        "id": id,
        "rev": rev,
        "fields": {"System.Title": f"item {id}", **fields},
        "url": f"{ORG_URL}/_apis/wit/workItems/{id}",
    }


@dataclass
class FakeAdo:
    """Records every request that reaches the wire and answers with ``handler``."""

    handler: Handler
    requests: list[httpx.Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        # a copy: auth flows mutate and resend the same request object
        seen = httpx.Request(request.method, request.url, headers=request.headers.copy(), content=request.read())
        with self.lock:
            self.requests.append(seen)
        return self.handler(seen)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def bodies(self) -> list[object]:
        return [json.loads(r.content) for r in self.requests if r.content]


@dataclass
class Sleeps:
    """An injected ``sleep`` that records waits and advances a fake monotonic clock."""

    waits: list[float] = field(default_factory=list)
    now: float = 1000.0

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now
