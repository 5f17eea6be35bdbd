"""When to retry, how long to wait, and when to slow down before ADO starts blocking us.

Pure decisions: no I/O here. The requester owns the loop, the sleeping and the clock.

* Retries 429, 500, 502, 503, 504 and connection failures, with exponential backoff and
  bounded jitter from a seedable RNG, for at most ``max_attempts`` attempts and at most
  ``max_total_wait`` seconds of waiting in total.
* ``Retry-After`` (seconds or an HTTP date) and ``X-RateLimit-Delay`` are honoured: the wait is
  never shorter than what the service asked for.
* On a success, ``Retry-After``, ``X-RateLimit-Delay`` or a low ``X-RateLimit-Remaining``
  (relative to ``X-RateLimit-Limit``) make the next request wait (at most ``max_delay``):
  slow down before a 429.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 0.5  # first backoff, doubled on each retry
    max_delay: float = 30.0  # cap for computed backoff (a server's Retry-After may exceed it)
    max_total_wait: float = 120.0  # all waits of one call together
    jitter: float = 0.2  # each backoff is scaled by a factor in [1 - jitter, 1 + jitter]
    seed: int | None = None
    low_remaining_ratio: float = 0.1  # slow down when Remaining/Limit falls below this
    slow_down_delay: float = 1.0  # pause between requests while the budget is low

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    def rng(self) -> random.Random:
        return random.Random(self.seed)

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """The wait before retry number ``retry_number`` (1-based), jittered."""
        base = min(self.max_delay, self.base_delay * (2 ** (retry_number - 1)))
        return base * rng.uniform(1 - self.jitter, 1 + self.jitter)


@dataclass(frozen=True)
class RateHeaders:
    """The rate-limit headers of one response, parsed (``None`` when absent or unreadable)."""

    retry_after: float | None = None
    delay: float | None = None
    limit: float | None = None
    remaining: float | None = None
    resource: str | None = None

    @classmethod
    def parse(cls, headers: Mapping[str, str], *, now: float | None = None) -> RateHeaders:
        lower = {k.lower(): v for k, v in headers.items()}
        return cls(
            retry_after=_retry_after(lower.get("retry-after"), time.time() if now is None else now),
            delay=_number(lower.get("x-ratelimit-delay")),
            limit=_number(lower.get("x-ratelimit-limit")),
            remaining=_number(lower.get("x-ratelimit-remaining")),
            resource=lower.get("x-ratelimit-resource"),
        )

    def remaining_ratio(self) -> float | None:
        """``Remaining / Limit``, or None when the service did not send both."""
        if self.limit is None or self.remaining is None or self.limit <= 0:
            return None
        return self.remaining / self.limit

    def server_wait(self) -> float | None:
        """What the service asked for (the larger of Retry-After and X-RateLimit-Delay)."""
        asked = [v for v in (self.retry_after, self.delay) if v is not None]
        return max(asked) if asked else None


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        n = float(value.strip())
    except ValueError:
        return None
    return n if n >= 0 else None


def _retry_after(value: str | None, now: float) -> float | None:
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def wait_before_retry(
    policy: RetryPolicy, status: int | None, rate: RateHeaders, retry_number: int, rng: random.Random
) -> float:
    """How long to wait before retrying after ``status`` (None = connection failure)."""
    computed = policy.backoff(retry_number, rng)
    asked = rate.server_wait()
    if asked is not None:
        return asked if status == 429 else max(asked, computed)
    return computed


def pace_after_success(policy: RetryPolicy, rate: RateHeaders) -> float:
    """How long the *next* request should wait after a successful response (0 = no wait)."""
    waits = [v for v in (rate.retry_after, rate.delay) if v]
    ratio = rate.remaining_ratio()
    if ratio is not None and ratio < policy.low_remaining_ratio:
        waits.append(policy.slow_down_delay)
    # slow down, never stall: a 429 that follows is still honoured in full
    return min(max(waits), policy.max_delay) if waits else 0.0
