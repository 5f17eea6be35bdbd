"""When the pre-push hook blocks a push with ``on_push: apply``, it says what is really wrong:
``read_only: true`` with ``on_push: apply`` is refused at its line in config.yaml (it would block
every push), and a reconcile that failed with ADO reachable is not blamed on the network."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hookgit import VALID_TICKET, Clone

from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer
from ticketops.hooks.planning import engine_available

pytestmark = pytest.mark.skipif(not engine_available("apply"), reason="needs the reconcile engine")

CONFIG = ".tickets/config.yaml"


@pytest.fixture
def online(clone: Clone, emu: Emulator) -> Iterator[Clone]:
    with EmulatorServer(emu) as server:
        clone.env = dict(clone.env, TICKETOPS_ORG_URL=server.url, AZURE_DEVOPS_EXT_PAT="dummy-pat-for-the-emulator")
        done = clone.ticketops("hooks", "install", "--repo", str(clone.path))
        assert done.returncode == 0, done.stderr
        yield clone


def test_read_only_with_on_push_apply_is_refused_at_its_line_not_blamed_on_ado(online: Clone, emu: Emulator) -> None:
    before = (online.path / CONFIG).read_text()
    online.commit("apply on push, read only", {CONFIG: before + "read_only: true\non_push: apply\n"})
    emu.log.reset()

    done = online.push("origin", "main")

    assert done.returncode == 1
    line = before.count("\n") + 2
    assert f"{CONFIG}:{line}:1: on_push: apply contradicts read_only: true" in done.stderr
    assert "set on_push: plan (the hook then only shows the plan), or remove read_only" in done.stderr
    assert "reachable" not in done.stderr
    assert emu.log.writes() == []

    validate = online.ticketops("validate", "--repo", str(online.path))
    assert validate.returncode == 1 and f"{CONFIG}:{line}:1: on_push: apply contradicts" in validate.stdout


def test_a_failed_reconcile_with_ado_reachable_does_not_say_retry_when_reachable(online: Clone, emu: Emulator) -> None:
    config = (online.path / CONFIG).read_text() + "on_push: apply\n"
    unknown = VALID_TICKET.format(title="Chargebacks").replace("alice@contoso.com", "nobody@contoso.com")
    online.commit("apply on push", {CONFIG: config, ".tickets/PAY-2.md": unknown})

    done = online.push("origin", "main")

    assert done.returncode == 1, done.stderr
    assert "push blocked (on_push: apply for main)" in done.stderr
    assert "retry when ADO is reachable" not in done.stderr
    assert "fix what `ticketops reconcile` reported above (ADO was reachable" in done.stderr
