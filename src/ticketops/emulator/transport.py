"""In-process httpx transports: ``httpx.Client(transport=emu.transport)`` talks to the emulator
with real requests and responses, no sockets. Any host works; routing uses the path."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from ticketops.emulator.log import RequestRecord
from ticketops.emulator.router import EmuRequest

if TYPE_CHECKING:
    from ticketops.emulator.app import Emulator


class DroppedResponse(Exception):
    """The emulator processed the request and then dropped its response (faults.drop_response)."""

    def __init__(self, record: RequestRecord) -> None:
        super().__init__(f"response to {record.method} {record.path} dropped after it was processed")
        self.record = record


def _to_emu(request: httpx.Request, body: bytes) -> EmuRequest:
    headers = {k.lower(): v for k, v in request.headers.items()}
    return EmuRequest(request.method, str(request.url), headers, body)


class EmulatorTransport(httpx.BaseTransport):
    def __init__(self, emulator: Emulator) -> None:
        self._emu = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        try:
            resp = self._emu.handle(_to_emu(request, body))
        except DroppedResponse as e:
            raise httpx.ReadError(f"ADO emulator: {e}", request=request) from e
        return httpx.Response(resp.status, headers=resp.headers, content=resp.body, request=request)


class AsyncEmulatorTransport(httpx.AsyncBaseTransport):
    def __init__(self, emulator: Emulator) -> None:
        self._emu = emulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        try:
            resp = self._emu.handle(_to_emu(request, body))
        except DroppedResponse as e:
            raise httpx.ReadError(f"ADO emulator: {e}", request=request) from e
        return httpx.Response(resp.status, headers=resp.headers, content=resp.body, request=request)
