"""A TSTU-like budget in a sliding window: first delays, then 429s.

Each request costs ``cost`` units. Past ``delay_threshold`` of the budget the emulator delays its
answer (through the injectable clock) and sends the ``X-RateLimit-*`` headers on the 200; when the
budget is spent it answers 429 with ``Retry-After`` and ``TF400733``. The headers are as Microsoft's
"Rate and usage limits" page defines them (learn.microsoft.com/azure/devops/integrate/concepts/rate-limits):
``X-RateLimit-Limit`` is the TSTUs allowed before delays are imposed; ``X-RateLimit-Remaining`` the
TSTUs left before being delayed, 0 while requests are delayed or blocked; ``X-RateLimit-Delay`` how
long this request was delayed; delays range "from a few milliseconds per request up to 30 seconds";
``Retry-After`` comes with a blocked request.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field

from ticketops.emulator.clock import Clock

MAX_DELAY = 30.0  # seconds of delay when the budget is (almost) spent: "up to 30 seconds"
RESOURCE = "ATCPU"


@dataclass
class Decision:
    blocked: bool
    delay: float = 0.0
    retry_after: int = 0
    headers: dict[str, str] = field(default_factory=dict)


class RateLimiter:
    def __init__(
        self,
        clock: Clock,
        budget: float,
        window_seconds: float = 300,
        *,
        delay_threshold: float = 0.8,
        cost: float = 1.0,
    ) -> None:
        if budget <= 0 or window_seconds <= 0 or not 0 < delay_threshold <= 1:
            raise ValueError("budget and window_seconds must be positive and 0 < delay_threshold <= 1")
        self.clock = clock
        self.budget = budget
        self.window = window_seconds
        self.threshold = delay_threshold
        self.cost = cost
        self._events: deque[tuple[float, float]] = deque()
        self._lock = threading.Lock()

    def usage(self) -> float:
        with self._lock:
            self._expire(self.clock.time())
            return sum(c for _, c in self._events)

    def admit(self) -> Decision:
        with self._lock:
            now = self.clock.time()
            self._expire(now)
            used = sum(c for _, c in self._events)
            if used + self.cost > self.budget:
                wait = self._seconds_until(now, used + self.cost - self.budget)
                return Decision(True, 0.0, wait, self._headers(now, used, 0.0) | {"Retry-After": str(wait)})
            self._events.append((now, self.cost))
            used += self.cost
            soft = self.threshold * self.budget
            if used < soft:
                return Decision(False)
            span = max(self.budget - soft, 1e-9)
            delay = round(min(1.0, (used - soft) / span) * MAX_DELAY, 3)
            return Decision(False, delay, 0, self._headers(now, used, delay))

    def _expire(self, now: float) -> None:
        while self._events and self._events[0][0] <= now - self.window:
            self._events.popleft()

    def _seconds_until(self, now: float, amount: float) -> int:
        """Seconds until at least ``amount`` units have left the window."""
        freed = 0.0
        for t, c in self._events:
            freed += c
            if freed >= amount:
                return max(1, math.ceil(t + self.window - now))
        return max(1, math.ceil(self.window))

    def _headers(self, now: float, used: float, delay: float) -> dict[str, str]:
        last = self._events[-1][0] if self._events else now
        return {
            "X-RateLimit-Resource": RESOURCE,
            "X-RateLimit-Delay": f"{delay:.3f}",
            "X-RateLimit-Limit": f"{self.threshold * self.budget:g}",
            "X-RateLimit-Remaining": f"{max(0.0, self.threshold * self.budget - used):g}",
            "X-RateLimit-Reset": str(math.ceil(last + self.window)),
        }


# ADO's documented budget (``ticketops emulator --rate-limit``): 200 TSTUs per user in a sliding
# five-minute window. The emulator charges one unit a request; real requests usually cost less.
ADO_BUDGET = 200.0
ADO_WINDOW_SECONDS = 300.0
