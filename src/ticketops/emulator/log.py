"""Every request the emulator receives, for tests and benchmarks to count and inspect."""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class RequestRecord:
    method: str
    url: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # the Authorization value is masked
    body: bytes
    operation_id: str | None = None  # spec operationId; None for an unknown route
    status: int = 0
    write: bool = False  # the request changes state (a write route, whatever the outcome)
    dropped: bool = False  # the response was dropped on purpose (faults.drop_response)
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""

    def json(self) -> object:
        return json.loads(self.body) if self.body else None


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self.records.append(record)

    def count(self, operation_id: str | None = None, *, method: str | None = None, writes_only: bool = False) -> int:
        return len([r for r in self._snapshot() if _matches(r, operation_id, method, writes_only)])

    def by_operation(self) -> dict[str, int]:
        return dict(Counter(r.operation_id or "<unknown route>" for r in self._snapshot()))

    def writes(self) -> list[RequestRecord]:
        """Requests to routes that change state (whatever their outcome)."""
        return [r for r in self._snapshot() if r.write]

    @property
    def unknown_routes(self) -> list[RequestRecord]:
        return [r for r in self._snapshot() if r.operation_id is None]

    def reset(self) -> None:
        with self._lock:
            self.records.clear()

    def _snapshot(self) -> list[RequestRecord]:
        with self._lock:
            return list(self.records)


def _matches(r: RequestRecord, operation_id: str | None, method: str | None, writes_only: bool) -> bool:
    if operation_id is not None and r.operation_id != operation_id:
        return False
    if method is not None and r.method != method.upper():
        return False
    return not writes_only or r.write
