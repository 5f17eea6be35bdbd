"""tests/sdk: Microsoft's own Python SDK against the emulator over real HTTP (moto's model: the
vendor's SDK checks the fake). Where the SDK and ``ticketops.ado`` disagree about the wire, the
spec and its examples decide."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.sdk import Sdk, sdk_session


@pytest.fixture
def sdk() -> Iterator[Sdk]:
    with sdk_session() as s:
        yield s
