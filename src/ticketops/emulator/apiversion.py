"""``api-version`` checks, with ADO's messages (WebApiResources).

The version comes from the query string or the ``Accept`` header. The emulator speaks 7.1: newer
is out of range; a preview-only operation (comments, Graph, connectionData) needs ``-preview``.
Writes without a version are refused, as ADO refuses them; reads without one are refused too
unless ``Emulator.require_api_version_on_get`` is turned off (ADO serves them at its latest
version, but a client that relies on that gets an unpinned response shape).
"""

from __future__ import annotations

import re

from ticketops.emulator.errors import (
    AdoError,
    api_version_invalid,
    api_version_missing,
    api_version_needs_preview,
    api_version_out_of_range,
)
from ticketops.emulator.router import EmuRequest

LATEST = (7, 1)
_VERSION_RE = re.compile(r"^(\d+)\.(\d+)(-preview(\.\d+)?)?$", re.IGNORECASE)
_ACCEPT_RE = re.compile(r"api-version\s*=\s*([^;,\s]+)", re.IGNORECASE)


def requested_version(req: EmuRequest) -> str | None:
    v = req.q("api-version")
    if v is not None:
        return v.strip()
    m = _ACCEPT_RE.search(req.headers.get("accept", ""))
    return m.group(1) if m else None


def check(req: EmuRequest, declared: str, require_on_get: bool) -> None:
    raw = requested_version(req)
    if raw is None or raw == "":
        if req.method != "GET" or require_on_get:
            raise api_version_missing(req.method)
        return
    m = _VERSION_RE.match(raw)
    if not m:
        raise api_version_invalid(raw)
    major, minor = int(m.group(1)), int(m.group(2))
    if (major, minor) > LATEST:
        raise api_version_out_of_range(raw, f"{LATEST[0]}.{LATEST[1]}")
    if "-preview" in declared.lower() and not m.group(3):
        raise api_version_needs_preview(raw)


__all__ = ["AdoError", "check", "requested_version"]
