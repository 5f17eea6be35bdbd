"""The emulator as the tests use it: fresh, and checked when the test ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ticketops.emulator import Emulator


@contextmanager
def checked_emulator(**kwargs: Any) -> Iterator[Emulator]:
    """A fresh emulated organisation, checked when the test ends: only routes ADO really has
    were called (an unknown route is a bug in our client), and the emulator did not crash."""
    with Emulator(**kwargs) as emulator:
        yield emulator
        assert emulator.log.unknown_routes == [], [r.url for r in emulator.log.unknown_routes]
        assert emulator.internal_errors == [], emulator.internal_errors
