"""The interval loop: a pass, its one-line summary, a jittered interruptible wait, again."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ticketops.ado import AuthError, PermissionDenied
from ticketops.engine.boardpass import PassSummary
from ticketops.engine.stopping import StopFlag
from ticketops.lease.lease import LeaseUnavailable
from ticketops.model.errors import ExitCode, TicketopsError
from ticketops.schedule.interval import next_delay

# Errors no later pass can fix by itself: stop (exit 1) rather than retry forever. Callers add
# their own (``reconcile`` adds its read-only refusal) through ``IntervalLoop(fatal=...)``.
FATAL: tuple[type[TicketopsError], ...] = (AuthError, PermissionDenied, LeaseUnavailable)

RunPass = Callable[[int, threading.Event], PassSummary]


@dataclass(frozen=True)
class LoopSettings:
    interval: float  # seconds between two pass starts, before jitter
    jitter: float  # seconds, +/-
    seed: int | None = None  # jitter seed (tests); None: random
    count: int | None = None  # stop after this many passes; None: until stopped


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def failed_json(number: int, message: str, *, fatal: bool) -> str:
    """The JSON Lines record of a pass that raised (``--json``)."""
    return json.dumps(
        {"pass": number, "started": _now(), "ok": False, "fatal": fatal, "error": message}, ensure_ascii=False
    )


class IntervalLoop:
    """Runs ``run_pass`` every ``interval`` seconds. ``out`` gets one line per pass (a JSON
    object per pass with ``json_lines``), ``err`` the failures and, in JSON mode, the rest."""

    def __init__(
        self,
        run_pass: RunPass,
        settings: LoopSettings,
        stop: StopFlag,
        *,
        out: Callable[[str], None],
        err: Callable[[str], None],
        fatal: tuple[type[TicketopsError], ...] = FATAL,
        json_lines: bool = False,
    ) -> None:
        self.run_pass = run_pass
        self.settings = settings
        self.stop = stop
        self.out = out
        self.err = err
        self.fatal = fatal
        self.json_lines = json_lines
        self.rng = random.Random(settings.seed)
        self.delays: list[float] = []  # every wait chosen, in order

    def run(self) -> int:
        """Pass after pass until stopped (0), ``count`` passes ran (0 when the last one settled,
        1 when it failed or did not converge) or a fatal error (1)."""
        number = 0
        last_ok = True
        while not self.stop.is_set():
            number += 1
            try:
                summary = self.run_pass(number, self.stop.child())
            except self.fatal as e:
                self._failed(number, e, fatal=True)
                self.err("stopping: this will not get better by retrying; fix it and start the job again")
                return int(ExitCode.USER_ERROR)
            except TicketopsError as e:
                self._failed(number, e, fatal=False)
                last_ok = False
            else:
                self.out(json.dumps(summary.as_json(), ensure_ascii=False) if self.json_lines else summary.line())
                last_ok = summary.settled or summary.stopped
            if self.settings.count is not None and number >= self.settings.count:
                return self._counted(number, last_ok)
            delay = next_delay(self.settings.interval, self.settings.jitter, self.rng)
            self.delays.append(delay)
            if self.stop.wait(delay):
                break
        note = f"{_now()} stopped ({self.stop.signal_name or 'stop requested'}) after {number} pass(es)"
        (self.err if self.json_lines else self.out)(note)
        return int(ExitCode.OK)

    def _failed(self, number: int, error: TicketopsError, *, fatal: bool) -> None:
        message = str(error)
        if self.json_lines:
            self.out(failed_json(number, message, fatal=fatal))
        self.err(f"{_now()} pass {number}{'' if fatal else ' failed'}: {message}")

    def _counted(self, number: int, last_ok: bool) -> int:
        if last_ok:
            return int(ExitCode.OK)
        self.err(f"{_now()} exit 1: the last of {number} pass(es) failed or did not converge (see above)")
        return int(ExitCode.USER_ERROR)
