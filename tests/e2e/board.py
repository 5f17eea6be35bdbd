"""A board for end-to-end tests: a git repository with .tickets/, and engines pointed at an
emulator. Imported by tests/e2e as ``board`` (conftest.py puts this folder on sys.path)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pygit2

from gitrepo import commit_files, front_matter, make_repo
from ticketops.ado import AdoClient, resolve_auth
from ticketops.desired import load
from ticketops.engine import Engine
from ticketops.model.config import AuthSettings

TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"
TOKEN = "e2e-dummy-pat-0123456789"

PROJECT_OF = {"agile": "Payments", "scrum": "Ledger", "basic": "Helpdesk", "cmmi": "Compliance"}


def config_yaml(process: str = "agile", project: str | None = None, **extra: str) -> str:
    lines = [
        "organization_url: https://dev.azure.com/contoso",
        f"project: {project or PROJECT_OF[process]}",
        f"process: {process}",
    ]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def ticket_md(title: str, status: str, body: str = "", **fields: Any) -> str:
    """A ticket file: front matter, then ``body`` and a newline."""
    return front_matter(title, status, **fields) + body + "\n"


class Board:
    """A ticket repository under ``tmp_path`` plus helpers to reconcile it against ``emu``."""

    def __init__(self, root: Path, emu: Any, process: str = "agile", config: str | None = None) -> None:
        self.root = root
        self.emu = emu
        self.process = process
        self.project = PROJECT_OF.get(process, "Payments")
        self.repo: pygit2.Repository = make_repo(root, {".tickets/config.yaml": config or config_yaml(process)})

    def commit(self, files: Mapping[str, str | None], message: str = "tickets") -> str:
        return commit_files(self.repo, {f".tickets/{k}": v for k, v in files.items()}, message)

    def client(self) -> AdoClient:
        auth, _ = resolve_auth(AuthSettings(), {TOKEN_ENV: TOKEN})
        return AdoClient(self.emu.url, auth, transport=self.emu.transport)

    def engine(self, *, prune: bool = False, client: AdoClient | None = None) -> Engine:
        return Engine(client or self.client(), load(self.root), prune=prune)

    def reconcile(self, **kw: Any) -> Any:
        return self.engine(**kw).reconcile()

    def plan(self, **kw: Any) -> Any:
        return self.engine(**kw).plan()

    def items(self) -> dict[str, Any]:
        """Live work items by ticket key, read through the client (one WIQL + batches)."""
        eng = self.engine()
        live = eng.read_live()
        return {i.key: i for i in live.items if i.key}
