"""Read-only mode: a transport wrapper that makes every write impossible.

Only ``GET`` and the read-only ``POST`` queries (WIQL, ``workitemsbatch`` and git ``itemsbatch``) get through;
anything else raises :class:`ReadOnlyViolation` before a byte reaches the inner transport.
"""

from __future__ import annotations

import httpx

from ticketops.ado.errors import ReadOnlyViolation

# POSTs that only read: a WIQL query, a bulk work item read, a bulk git item (metadata) read.
READ_POST_SUFFIXES = ("/_apis/wit/wiql", "/_apis/wit/workitemsbatch", "/itemsbatch")


def is_read_request(method: str, path: str) -> bool:
    """True for requests that cannot change anything in ADO."""
    method = method.upper()
    if method == "GET":
        return True
    return method == "POST" and path.rstrip("/").lower().endswith(READ_POST_SUFFIXES)


def violation(method: str, operation: str) -> ReadOnlyViolation:
    return ReadOnlyViolation(
        "refused to send a write in read-only mode (nothing was sent); "
        "drop --read-only / read_only: true to let ticketops change Azure DevOps",
        operation=operation or method,
    )


class ReadOnlyTransport(httpx.BaseTransport):
    """Wraps another transport; passes reads through and refuses everything else."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not is_read_request(request.method, request.url.path):
            raise violation(request.method, f"{request.method} {request.url.path}")
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()

    def __repr__(self) -> str:
        return f"ReadOnlyTransport({self._inner!r})"
