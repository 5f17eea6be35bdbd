"""The watch loop: evaluate when the watcher is up, then once per batch of relevant changes.

The batches come from any iterable of ``{(change, path), ...}`` sets: ``watchfiles.watch`` in
production (an empty batch means "no change within the timeout": the watcher is alive), a
generator in tests that writes a file and then yields its event.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Set
from pathlib import Path
from typing import Protocol

from ticketops.engine.stopping import StopFlag
from ticketops.watch.evaluate import WatchResult, is_ticket_path

Batch = Set[tuple[object, str]]
Evaluate = Callable[[int, tuple[str, ...], threading.Event], WatchResult]


class View(Protocol):
    def show(self, result: WatchResult) -> None: ...

    def close(self) -> None: ...


class WatchLoop:
    def __init__(
        self,
        evaluate: Evaluate,
        events: Iterable[Batch],
        view: View,
        stop: StopFlag,
        *,
        tickets_dir: Path,
        root: Path,
        on_result: Callable[[WatchResult], None] | None = None,
        on_idle: Callable[[], None] | None = None,
    ) -> None:
        self.evaluate = evaluate
        self.events = events
        self.view = view
        self.stop = stop
        self.tickets_dir = tickets_dir
        self.root = root
        self.on_result = on_result
        self.on_idle = on_idle
        self.count = 0

    def run(self) -> int:
        """Until the events end or a stop is requested: 0. A fatal ADO error propagates.

        The first evaluation waits for the first batch: by then the watcher is running, so a
        change made while the first plan is computed is not lost (``watchfiles.watch`` with
        ``yield_on_timeout`` sends an empty batch when nothing changed).
        """
        started = False
        try:
            for batch in self.events:
                if self.stop.is_set():
                    break
                paths = self._relevant(batch)
                if not started:
                    started = True
                    self._evaluate(("start",))
                elif paths:
                    self._evaluate(paths)
                if not batch and self.on_idle is not None:
                    self.on_idle()
        finally:
            self.view.close()
        return 0

    def _relevant(self, batch: Batch) -> tuple[str, ...]:
        found = {path for _change, path in batch if is_ticket_path(self.tickets_dir, path)}
        return tuple(sorted(_rel(self.root, p) for p in found))

    def _evaluate(self, trigger: tuple[str, ...]) -> None:
        self.count += 1
        result = self.evaluate(self.count, trigger, self.stop.child())
        self.view.show(result)
        if self.on_result is not None:
            self.on_result(result)


def _rel(root: Path, path: str) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path
