"""A pytest plugin for testing your own Azure DevOps code offline against the emulator.

Installed with ticketops (entry point ``pytest11``), so any project that has ticketops installed
gets two fixtures, each a fresh organisation ``contoso`` (projects Payments, Ledger, Helpdesk,
Compliance) per test:

- ``ado_emulator``: the in-process :class:`~ticketops.emulator.Emulator`. Its ``transport``
  plugs into ``httpx.Client(transport=...)``; ``ado_emulator.db`` is the state to arrange and
  assert on; ``ado_emulator.faults`` injects 5xx, 429 and dropped responses.
- ``ado_emulator_url``: the same emulator served over HTTP on 127.0.0.1, as its organisation
  URL (``http://127.0.0.1:PORT/contoso``), for clients that open their own connections, such as
  Microsoft's azure-devops SDK or curl. Any PAT is accepted (HTTP Basic, empty user name).

After each test, a request to a route ADO does not have fails the test: a call your code makes
that Azure DevOps would answer differently is a bug found offline.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ticketops.emulator.app import Emulator
from ticketops.emulator.server import EmulatorServer


@pytest.fixture
def ado_emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
        unknown = [r.url for r in emulator.log.unknown_routes]
        assert not unknown, f"requests to routes Azure DevOps does not have: {unknown}"


@pytest.fixture
def ado_emulator_url(ado_emulator: Emulator) -> Iterator[str]:
    with EmulatorServer(ado_emulator) as server:
        yield server.url
