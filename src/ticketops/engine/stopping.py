"""Stop requests for long runs: SIGTERM and SIGINT set a flag instead of raising.

The applier checks the flag before each action and the interval sleep waits on it, so a
signal stops a run between two writes, never in the middle of a plan step.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StopFlag:
    """Set once a stop was requested. ``child()`` makes an event for one pass that is set by
    a stop request and can also be set on its own (a lost lease ends the pass, not the loop)."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.signal_name: str | None = None
        self._lock = threading.Lock()
        self._children: list[threading.Event] = []

    def is_set(self) -> bool:
        return self.event.is_set()

    def request(self, why: str) -> None:
        with self._lock:
            if self.signal_name is None:
                self.signal_name = why
            self.event.set()
            for child in self._children:
                child.set()

    def child(self) -> threading.Event:
        with self._lock:
            self._children = [c for c in self._children if not c.is_set()]
            event = threading.Event()
            if self.event.is_set():
                event.set()
            self._children.append(event)
            return event

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; True when a stop was requested meanwhile."""
        return self.event.wait(seconds)


@contextmanager
def stop_on_signals(flag: StopFlag | None = None) -> Iterator[StopFlag]:
    """Route SIGTERM and SIGINT to ``flag`` for the block (only from the main thread; elsewhere
    the flag is returned without handlers). The previous handlers come back afterwards."""
    flag = flag or StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum: int, _frame: FrameType | None) -> None:
        flag.request(signal.Signals(signum).name)

    previous = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield flag
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
