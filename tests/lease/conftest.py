"""tests/lease: the lease against the in-process emulator (real AdoClient over httpx).

The emulator runs on a :class:`ManualClock`, so lease expiry (ADO time) moves only when a test
advances it; a run's local clock (the lease deadline) is a :class:`leasekit.Ticks`. Puts this
folder on sys.path for ``leasekit``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

if str(_here := Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(_here))

from leasekit import Ticks

from support.emulators import checked_emulator
from ticketops.ado import AdoClient, resolve_auth
from ticketops.emulator import Emulator, ManualClock
from ticketops.model.config import AuthSettings

TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emu(clock: ManualClock) -> Iterator[Emulator]:
    with checked_emulator(clock=clock) as emulator:
        yield emulator


@pytest.fixture
def new_client(emu: Emulator) -> Callable[[], AdoClient]:
    """A fresh client (its own stats) on the emulator: one per simulated run."""

    def make() -> AdoClient:
        auth, _ = resolve_auth(AuthSettings(), {TOKEN_ENV: "lease-test-token-0123456789"})
        return AdoClient(emu.url, auth, transport=emu.transport)

    return make


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()
