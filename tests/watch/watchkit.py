"""A git working tree with .tickets/ and an Evaluator on it (imported as ``watchkit``)."""

from __future__ import annotations

from pathlib import Path

import watchfiles

from gitrepo import make_repo
from ticketops.ado import AdoClient, resolve_auth
from ticketops.emulator import Emulator
from ticketops.model.config import AuthSettings
from ticketops.watch.evaluate import Evaluator

CONFIG = (
    "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
    "repos:\n  api: {name: payments-api}\ndefault_repo: api\n"
)


def ticket(title: str, status: str = "backlog") -> str:
    return f"---\ntitle: {title}\nstatus: {status}\n---\nSpec of {title}.\n"


class Tree:
    def __init__(self, root: Path, emu: Emulator) -> None:
        self.root = root
        self.emu = emu
        make_repo(root, {".tickets/config.yaml": CONFIG, ".tickets/PAY-1.md": ticket("Committed ticket")})
        self.tickets = (root / ".tickets").resolve()

    def client(self) -> AdoClient:
        auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": "watch-dummy-pat-0123456789"})
        return AdoClient(self.emu.url, auth, transport=self.emu.transport)

    def evaluator(self, *, apply: bool = False) -> Evaluator:
        return Evaluator(repo=str(self.root), client_for=lambda _config: self.client(), apply=apply)

    def write(self, name: str, text: str) -> set[tuple[watchfiles.Change, str]]:
        """Write a file on disk and return the batch a watcher would report for it."""
        path = self.tickets / name
        change = watchfiles.Change.modified if path.exists() else watchfiles.Change.added
        path.write_text(text, encoding="utf-8")
        return {(change, str(path))}
