"""Live refresh: a change of a ticket file (watchfiles) or in ADO (the incremental check: one
WIQL request for marked items changed since the last look) tells every open page to reload its
board, through server-sent events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path

import anyio
import watchfiles

from ticketops.ado import AdoClient, AdoError
from ticketops.ado.clock import changed_since, server_now
from ticketops.model.config import BoardConfig
from ticketops.model.errors import TicketopsError

log = logging.getLogger(__name__)
KEEPALIVE = 15.0


class Hub:
    """A version number that goes up on every change; each page waits for the next one."""

    def __init__(self) -> None:
        self.version = 0
        self.reason = ""
        self.closed = False
        self._cond: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._cond is None:
            self._cond = asyncio.Condition()
        return self._cond

    async def bump(self, reason: str) -> None:
        cond = self._condition()
        async with cond:
            self.version += 1
            self.reason = reason
            cond.notify_all()

    async def close(self) -> None:
        self.closed = True
        await self.bump("closing")

    async def wait(self, seen: int, timeout: float) -> int:
        cond = self._condition()
        async with cond:
            if self.version == seen and not self.closed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(cond.wait_for(lambda: self.version != seen), timeout)
            return self.version

    async def events(self) -> AsyncIterator[str]:
        """The event stream of one page: ``refresh`` on a change, a comment to keep it open."""
        seen = self.version
        yield "retry: 2000\n\n"
        while not self.closed:
            now = await self.wait(seen, KEEPALIVE)
            if self.closed:
                return
            if now != seen:
                seen = now
                yield f"event: refresh\ndata: {self.reason}\n\n"
            else:
                yield ": keep-alive\n\n"


async def watch_files(folder: Path, hub: Hub, on_change: Callable[[], None], stop: asyncio.Event) -> None:
    async for changes in watchfiles.awatch(folder, stop_event=stop, debounce=200, step=50, recursive=False):
        names = sorted({Path(p).name for _c, p in changes if not Path(p).name.startswith(".")})
        if names:
            on_change()
            await hub.bump("files: " + ", ".join(names))


async def watch_ado(
    config: Callable[[], BoardConfig],
    client_for: Callable[[BoardConfig], AdoClient],
    hub: Hub,
    on_change: Callable[[], None],
    interval: float,
    stop: asyncio.Event,
) -> None:
    """Every ``interval`` seconds, one request: did a marked work item change since the last look?"""
    watermark: datetime | None = None
    while not stop.is_set():
        try:
            watermark, changed = await anyio.to_thread.run_sync(_check, config, client_for, watermark)
            if changed:
                on_change()
                await hub.bump("ADO changed")
        except (AdoError, TicketopsError) as e:
            log.info("board: ADO check failed: %s", e)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


def _check(
    config: Callable[[], BoardConfig], client_for: Callable[[BoardConfig], AdoClient], watermark: datetime | None
) -> tuple[datetime, bool]:
    board = config()
    with client_for(board) as client:
        if watermark is None:
            return server_now(client, board.project), False
        changes = changed_since(client, board.project, watermark)
        return changes.as_of, bool(changes.ids)
