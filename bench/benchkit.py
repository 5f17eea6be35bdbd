"""What the benchmarks share: a board committed straight into git objects, and a client on the
in-process emulator. Not a benchmark itself (``run_all.py`` runs ``bench_*.py`` only)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pygit2

from ticketops.ado import AdoClient, resolve_auth
from ticketops.ado.stats import StatsSnapshot
from ticketops.emulator import Emulator
from ticketops.engine import Engine, ReconcileResult
from ticketops.model.config import AuthSettings
from ticketops.model.desired import DesiredState

TOKEN = "bench-token-0123456789"
SIGNATURE = pygit2.Signature("bench", "bench@example.com", 1_700_000_000, 0)


def commit_board(
    root: Path,
    config: bytes,
    n: int,
    ticket: Callable[[int], bytes],
    *,
    prefix: str = "BEN",
    bare: bool = False,
) -> pygit2.Repository:
    """One commit holding ``.tickets/config.yaml`` and tickets ``PREFIX-1`` .. ``PREFIX-n``,
    written as git objects directly (thousands of tickets in well under a second)."""
    repo = pygit2.init_repository(str(root), bare=bare, initial_head="main")
    tickets = repo.TreeBuilder()
    tickets.insert("config.yaml", repo.create_blob(config), pygit2.GIT_FILEMODE_BLOB)
    for i in range(1, n + 1):
        tickets.insert(f"{prefix}-{i}.md", repo.create_blob(ticket(i)), pygit2.GIT_FILEMODE_BLOB)
    top = repo.TreeBuilder()
    top.insert(".tickets", tickets.write(), pygit2.GIT_FILEMODE_TREE)
    repo.create_commit("refs/heads/main", SIGNATURE, SIGNATURE, f"{n} tickets", top.write(), [])
    return repo


def client_for(emu: Emulator) -> AdoClient:
    """A fresh client (its own request stats) on the in-process emulator."""
    auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": TOKEN})
    return AdoClient(emu.url, auth, transport=emu.transport)


@dataclass(frozen=True)
class NoopRun:
    seeded: ReconcileResult  # the first reconcile, through the REST API, that fills the emulator
    seed_seconds: float
    result: ReconcileResult  # the second reconcile, which should find nothing to do
    noop_seconds: float
    stats: StatsSnapshot  # the requests of the second reconcile
    writes: int  # write requests the emulator saw during the second reconcile


def seed_then_noop(emu: Emulator, desired: DesiredState) -> NoopRun:
    """Reconcile ``desired`` into the emulator, then time a second reconcile with a fresh client."""
    t0 = time.perf_counter()
    seeded = Engine(client_for(emu), desired).reconcile()
    seed_seconds = time.perf_counter() - t0
    assert seeded.converged, "the seeding reconcile did not converge"
    emu.log.reset()
    client = client_for(emu)
    t0 = time.perf_counter()
    result = Engine(client, desired).reconcile()
    noop_seconds = time.perf_counter() - t0
    return NoopRun(seeded, seed_seconds, result, noop_seconds, client.stats.snapshot(), len(emu.log.writes()))
