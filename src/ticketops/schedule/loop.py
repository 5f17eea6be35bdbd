"""The interval loop: a pass, its one-line summary, a jittered interruptible wait, again."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from ticketops.ado import AuthError, PermissionDenied
from ticketops.engine.lease import LeaseUnavailable
from ticketops.model.errors import ExitCode, TicketopsError
from ticketops.schedule.boardpass import PassSummary
from ticketops.schedule.interval import next_delay
from ticketops.schedule.stopping import StopFlag

# Errors no later pass can fix by itself: stop (exit 1) rather than retry forever.
FATAL = (AuthError, PermissionDenied, LeaseUnavailable)

RunPass = Callable[[int, threading.Event], PassSummary]


@dataclass(frozen=True)
class LoopSettings:
    interval: float  # seconds between two pass starts, before jitter
    jitter: float  # seconds, +/-
    seed: int | None = None  # jitter seed (tests); None: random
    count: int | None = None  # stop after this many passes; None: until stopped


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class IntervalLoop:
    def __init__(
        self,
        run_pass: RunPass,
        settings: LoopSettings,
        stop: StopFlag,
        *,
        out: Callable[[str], None],
        err: Callable[[str], None],
    ) -> None:
        self.run_pass = run_pass
        self.settings = settings
        self.stop = stop
        self.out = out
        self.err = err
        self.rng = random.Random(settings.seed)  # noqa: S311 - jitter, not security
        self.delays: list[float] = []  # every wait chosen, in order

    def run(self) -> int:
        """Pass after pass until stopped (0), ``count`` passes ran (0) or a fatal error (1)."""
        number = 0
        while not self.stop.is_set():
            number += 1
            try:
                summary = self.run_pass(number, self.stop.child())
            except FATAL as e:
                self.err(f"{_now()} pass {number}: {e}")
                self.err("stopping: this will not get better by retrying; fix it and start the job again")
                return int(ExitCode.USER_ERROR)
            except TicketopsError as e:
                self.err(f"{_now()} pass {number} failed: {e}")
            else:
                self.out(summary.line())
            if self.settings.count is not None and number >= self.settings.count:
                return int(ExitCode.OK)
            delay = next_delay(self.settings.interval, self.settings.jitter, self.rng)
            self.delays.append(delay)
            if self.stop.wait(delay):
                break
        self.out(f"{_now()} stopped ({self.stop.signal_name or 'stop requested'}) after {number} pass(es)")
        return int(ExitCode.OK)
