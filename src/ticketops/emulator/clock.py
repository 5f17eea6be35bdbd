"""Time for the emulator: injectable, so tests never sleep for real.

``Clock.time()`` is Unix seconds; ``Clock.sleep()`` is how the emulator waits (latency faults,
rate-limit delays). :class:`ManualClock` advances instantly when asked to sleep, which makes
every timing-related behaviour deterministic in tests.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Wall-clock time and real sleeping (the default, and what the CLI server uses)."""

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class ManualClock:
    """A clock that only moves when told to; ``sleep`` advances it instead of waiting."""

    DEFAULT_START = 1_767_225_600.0  # 2026-01-01T00:00:00Z

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.slept: list[float] = []  # every sleep requested, in order (tests assert on it)

    def time(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            if seconds > 0:
                self._now += seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


def iso(ts: float) -> str:
    """ADO's timestamp format: ISO 8601 UTC with milliseconds and ``Z``."""
    dt = datetime.fromtimestamp(ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(text: str) -> float | None:
    """Parse an ISO 8601 date or date-time (``Z`` or offset; naive means UTC). None if invalid."""
    s = text.strip()
    if not s:
        return None
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


class Stamper:
    """Hands out strictly increasing timestamps, so ChangedDate never repeats or goes back."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._last = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            t = round(self.clock.time(), 3)
            if t <= self._last:
                t = round(self._last + 0.001, 3)
            self._last = t
            return t

    def current(self) -> float:
        """The server's time for a read (a WIQL ``asOf``): never at or before a stamp already
        handed out, without taking one. Writes that come faster than one a millisecond run the
        stamps ahead of the wall clock; a read then answers just after the latest of them."""
        with self._lock:
            return max(round(self.clock.time(), 3), round(self._last + 0.001, 3))
