"""Helpers for tests/lease: a run's local clock, and boards in real git repositories."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pygit2

from ticketops.ado import AdoClient
from ticketops.desired import load
from ticketops.emulator import Emulator
from ticketops.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for the shared gitrepo helper
from gitrepo import FileValue, commit_files, make_repo


class Ticks:
    """A run's local clock for the lease deadline: moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


BASE = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
WITH_REPO = BASE + "repos:\n  api: {name: payments-api}\ndefault_repo: api\n"


def ticket(title: str, status: str = "backlog", body: str = "Spec.") -> str:
    return f"---\ntitle: {title}\nstatus: {status}\n---\n{body}\n"


def titles(emu: Emulator) -> Counter[str]:
    """How many ticket items (tagged ``ticketops``) carry each title."""
    return Counter(
        str(w.fields["System.Title"])
        for w in emu.db.work_items("Payments")
        if "ticketops" in str(w.fields.get("System.Tags", "")).split("; ")
    )


def board(root: Path, config: str, tickets: dict[str, str]) -> pygit2.Repository:
    files: dict[str, FileValue] = {".tickets/config.yaml": config}
    files.update({f".tickets/{key}.md": text for key, text in tickets.items()})
    return make_repo(root, files)


def commit(repo: pygit2.Repository, tickets: dict[str, str]) -> None:
    commit_files(repo, {f".tickets/{key}.md": text for key, text in tickets.items()})


def engine(client: AdoClient, root: Path) -> Engine:
    return Engine(client, load(root))
