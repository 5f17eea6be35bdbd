"""Seedable fault injection: random 500/503s, added latency, and dropped responses.

``drop_response`` is the nasty one: the write is committed, then the client gets no answer
(in-process: ``httpx.ReadError``; over HTTP: the connection closes without a response). A client
that retries blindly creates duplicates; a correct one re-reads before retrying.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass


@dataclass
class _Pending:
    operation_id: str | None
    remaining: int


class Faults:
    def __init__(self, rng_seed: int = 0) -> None:
        self.rng = random.Random(rng_seed)
        self.error_rate: float = 0.0  # probability that a request fails with 500 or 503 (nothing applied)
        self.latency: float = 0.0  # seconds added to every request (through the emulator's clock)
        self.drop_rate: float = 0.0  # probability that a processed request's response is dropped
        self._drops: list[_Pending] = []
        self._fails: list[tuple[_Pending, int, float | None]] = []
        self._lock = threading.Lock()

    def drop_response(self, operation_id: str | None = None, times: int = 1) -> None:
        """The next ``times`` requests to ``operation_id`` (None: any operation) are processed and
        committed, then their responses are dropped."""
        with self._lock:
            self._drops.append(_Pending(operation_id, times))

    def fail_next(
        self, operation_id: str | None = None, *, status: int = 503, times: int = 1, retry_after: float | None = None
    ) -> None:
        """Deterministic failure: the next ``times`` matching requests answer ``status`` unprocessed
        (with ``Retry-After: retry_after`` when given; a 429 always carries one, as ADO's does)."""
        with self._lock:
            self._fails.append((_Pending(operation_id, times), status, retry_after))

    def take_failure(self, operation_id: str) -> tuple[int, float | None] | None:
        """The status (and Retry-After) to fail this request with, or None."""
        with self._lock:
            for pending, status, retry_after in self._fails:
                if pending.remaining > 0 and pending.operation_id in (None, operation_id):
                    pending.remaining -= 1
                    return status, retry_after
            if self.error_rate > 0 and self.rng.random() < self.error_rate:
                return (500 if self.rng.random() < 0.5 else 503), None
        return None

    def take_drop(self, operation_id: str) -> bool:
        with self._lock:
            for pending in self._drops:
                if pending.remaining > 0 and pending.operation_id in (None, operation_id):
                    pending.remaining -= 1
                    return True
            return self.drop_rate > 0 and self.rng.random() < self.drop_rate

    def clear(self) -> None:
        with self._lock:
            self.error_rate = 0.0
            self.latency = 0.0
            self.drop_rate = 0.0
            self._drops.clear()
            self._fails.clear()
