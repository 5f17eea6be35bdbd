"""Per-client request accounting, for ``--stats`` and for benchmarks that count requests."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class StatsSnapshot:
    """An immutable copy of the counters at one moment."""

    by_operation: dict[str, int]
    total: int
    retries: int
    throttled_waits: int
    waited_seconds: float
    bytes_sent: int
    bytes_received: int


@dataclass
class RequestStats:
    """Counts every HTTP attempt by ``"METHOD route-name"`` (e.g. ``"POST wit.workitemsbatch"``).

    ``total`` counts attempts, retries included; ``retries`` counts the extra ones. (A Bearer
    token re-sent once after a 401 is part of the same attempt.)
    ``throttled_waits`` counts the sleeps caused by 429 or rate-limit headers.
    """

    _by_operation: Counter[str] = field(default_factory=Counter)
    _retries: int = 0
    _throttled_waits: int = 0
    _waited: float = 0.0
    _sent: int = 0
    _received: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_attempt(self, operation: str, *, sent: int, received: int, retry: bool) -> None:
        with self._lock:
            self._by_operation[operation] += 1
            self._sent += sent
            self._received += received
            if retry:
                self._retries += 1

    def record_wait(self, seconds: float, *, throttled: bool) -> None:
        with self._lock:
            self._waited += seconds
            if throttled:
                self._throttled_waits += 1

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self._by_operation.values())

    @property
    def retries(self) -> int:
        return self._retries

    @property
    def throttled_waits(self) -> int:
        return self._throttled_waits

    def count(self, operation: str) -> int:
        """Attempts for one ``"METHOD route-name"`` key (0 if never called)."""
        with self._lock:
            return self._by_operation.get(operation, 0)

    def snapshot(self) -> StatsSnapshot:
        with self._lock:
            return StatsSnapshot(
                by_operation=dict(sorted(self._by_operation.items())),
                total=sum(self._by_operation.values()),
                retries=self._retries,
                throttled_waits=self._throttled_waits,
                waited_seconds=round(self._waited, 3),
                bytes_sent=self._sent,
                bytes_received=self._received,
            )

    def reset(self) -> None:
        with self._lock:
            self._by_operation.clear()
            self._retries = self._throttled_waits = self._sent = self._received = 0
            self._waited = 0.0

    def render(self) -> str:
        """A small plain-text table for ``--stats``."""
        snap = self.snapshot()
        width = max([len(k) for k in snap.by_operation] + [len("total requests")])
        lines = [f"{op:<{width}}  {n:>6}" for op, n in snap.by_operation.items()]
        lines.append("-" * (width + 8))
        lines.append(f"{'total requests':<{width}}  {snap.total:>6}")
        lines.append(f"{'retries':<{width}}  {snap.retries:>6}")
        lines.append(f"{'throttled waits':<{width}}  {snap.throttled_waits:>6}  ({snap.waited_seconds:.1f}s waited)")
        lines.append(f"{'bytes sent/received':<{width}}  {snap.bytes_sent}/{snap.bytes_received}")
        return "\n".join(lines)
