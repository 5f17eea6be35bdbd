"""Every route the emulator serves. A request that matches none is a loud 404 (and logged)."""

from __future__ import annotations

from ticketops.emulator.router import Route
from ticketops.emulator.routes import core, git, itemsbatch, location, pulls, wit, wit_meta

ALL_ROUTES: list[Route] = [
    *wit.ROUTES,
    *wit_meta.ROUTES,
    *git.ROUTES,
    *itemsbatch.ROUTES,
    *pulls.ROUTES,
    *core.ROUTES,
    *location.ROUTES,
]
