"""Fixtures for the ADO client tests (helpers live in tests/support/fake_ado.py)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `support.*`

from support.fake_ado import ORG_URL, PAT, FakeAdo, Handler, Sleeps
from support.spec_check import SpecChecker, SpecIndex
from ticketops.ado import AdoClient, PatAuth, RetryPolicy

SPEC_DIR = Path(__file__).resolve().parents[1] / "contract" / "ado-rest-spec" / "7.1"

MakeClient = Callable[..., tuple[AdoClient, FakeAdo]]


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(sleeps: Sleeps) -> Iterator[MakeClient]:
    """``make_client(handler, **AdoClient kwargs) -> (client, fake)`` with injected sleep/clock."""
    clients: list[AdoClient] = []

    def make(handler: Handler, **kw: object) -> tuple[AdoClient, FakeAdo]:
        fake = FakeAdo(handler)
        kw.setdefault("retry", RetryPolicy(seed=7))
        auth = kw.pop("auth", PatAuth(PAT, source="PAT from $AZURE_DEVOPS_EXT_PAT"))
        org_url = str(kw.pop("org_url", ORG_URL))
        client = AdoClient(org_url, auth, transport=fake.transport, sleep=sleeps, clock=sleeps.clock, **kw)  # type: ignore[arg-type]
        clients.append(client)
        return client, fake

    yield make
    for c in clients:
        c.close()


@pytest.fixture(scope="session")
def spec_index() -> SpecIndex:
    return SpecIndex.load(SPEC_DIR)


@pytest.fixture(scope="session")
def spec_index_json() -> dict[str, object]:
    """``index.json``: every operation with its declared ``responses``."""
    return json.loads((SPEC_DIR / "index.json").read_text(encoding="utf-8-sig"))


@pytest.fixture
def spec_checker(spec_index: SpecIndex) -> SpecChecker:
    return SpecChecker(spec_index)
