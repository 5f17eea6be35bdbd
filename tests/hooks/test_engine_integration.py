"""The pre-push and post-commit hooks with the reconcile engine, against the ADO emulator.

The emulator is served over real HTTP on 127.0.0.1 because git runs the hook, and the hook runs
`ticketops plan|apply`, in child processes; TICKETOPS_ORG_URL points them at it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hookgit import VALID_TICKET, Clone

from support.emulators import checked_emulator
from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

CREATE = "Work Items_Create"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with checked_emulator() as emulator:
        yield emulator


@pytest.fixture
def online(clone: Clone, emu: Emulator) -> Iterator[Clone]:
    """The clone with both hooks installed and ADO (the emulator) reachable."""
    with EmulatorServer(emu) as server:
        clone.env = dict(clone.env, TICKETOPS_ORG_URL=server.url, AZURE_DEVOPS_EXT_PAT="dummy-pat-for-the-emulator")
        done = clone.ticketops("hooks", "install", "--repo", str(clone.path))
        assert done.returncode == 0, done.stderr
        yield clone


def test_push_shows_the_plan_and_writes_nothing_in_plan_mode(online: Clone, emu: Emulator) -> None:
    online.commit("add PAY-2", {".tickets/PAY-2.md": VALID_TICKET.format(title="Chargebacks")})
    emu.log.reset()

    done = online.push("origin", "main")

    assert done.returncode == 0, done.stderr
    assert "+ PAY-1" in done.stderr and "+ PAY-2" in done.stderr  # the plan for the pushed tip
    assert "ADO differs from" in done.stderr
    assert emu.log.writes() == []


def test_push_of_the_tracked_branch_reconciles_with_on_push_apply(online: Clone, emu: Emulator) -> None:
    config = (online.path / ".tickets" / "config.yaml").read_text() + "on_push: apply\n"
    online.commit("apply on push", {".tickets/config.yaml": config})
    emu.log.reset()

    done = online.push("origin", "main")  # main is the remote's default branch

    assert done.returncode == 0, done.stderr
    assert "reconciling ADO with refs/heads/main" in done.stderr
    assert emu.log.count(CREATE) == 1  # PAY-1
    replan = online.ticketops("plan", "--repo", str(online.path))
    assert replan.returncode == 0, replan.stdout + replan.stderr  # converged


def test_post_commit_adds_the_plan_summary(online: Clone, emu: Emulator) -> None:
    emu.log.reset()

    done = online.commit("add PAY-2", {".tickets/PAY-2.md": VALID_TICKET.format(title="Chargebacks")})

    line = next(x for x in done.stderr.splitlines() if x.startswith("ticketops:"))
    assert line.startswith(f"ticketops: 2 tickets valid at {online.head()[:7]}; ADO differs from")
    assert emu.log.writes() == []
