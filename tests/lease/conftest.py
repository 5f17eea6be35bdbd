"""tests/lease: the lease against the in-process emulator (real AdoClient over httpx).

The emulator runs on a :class:`ManualClock`, so lease expiry (ADO time) moves only when a test
advances it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ticketops.ado import AdoClient, resolve_auth
from ticketops.emulator import Emulator, ManualClock
from ticketops.model.config import AuthSettings

from support.emulators import checked_emulator

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
