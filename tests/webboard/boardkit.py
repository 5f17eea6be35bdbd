"""A reconciled ticket board and the board app on it (imported by tests/webboard as ``boardkit``)."""

from __future__ import annotations

from pathlib import Path

import pygit2
from starlette.testclient import TestClient

from gitrepo import front_matter, make_repo
from ticketops.ado import AdoClient, resolve_auth
from ticketops.board.app import BoardApp
from ticketops.board.security import Guard
from ticketops.board.source import BoardSource
from ticketops.desired import load
from ticketops.emulator import Emulator
from ticketops.engine import Engine
from ticketops.model.config import AuthSettings, BoardConfig

TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"
PAT = "board-dummy-pat-0123456789"
HOST = "127.0.0.1:8765"
BASE = f"http://{HOST}"
BOARD_TOKEN = "board-test-token-abcdefghijklmnop"

CONFIG = """\
organization_url: https://dev.azure.com/contoso
project: Payments
process: agile
repos:
  api:
    name: payments-api
    default_branch: main
default_repo: api
"""
PAY1 = front_matter("Refund webhooks", "backlog", assignee="alice@contoso.com", priority=2, tags=["api", "refunds"]) + (
    "\n## Context\n\nMerchants need **refund** events.\n\n<script>alert('x')</script>\n<b>raw</b>\n"
)
PAY2 = (
    front_matter(
        "Idempotency keys",
        "in-progress",
        assignee="bob@contoso.com",
        priority=1,
        tags=["reliability"],
        acceptance_criteria=["A retry returns the first answer", "A reused key with another body is refused"],
    )
    + "\nSpec of the keys.\n"
)
PAY3 = (
    front_matter(
        "Settlement report", "in-review", assignee="carol@contoso.com", reviewers=["bob@contoso.com"], tags=["reports"]
    )
    + "\nDaily CSV.\n"
)
# Invalid: priority out of range; its problem belongs on its card.
PAY4 = "---\ntitle: Broken ticket\nstatus: backlog\npriority: 9\n---\n\nOops.\n"


class Site:
    def __init__(self, root: Path, emu: Emulator, config: str = CONFIG) -> None:
        self.root = root
        self.emu = emu
        self.repo = make_repo(
            root,
            {
                ".tickets/config.yaml": config,
                ".tickets/PAY-1.md": PAY1,
                ".tickets/PAY-2.md": PAY2,
                ".tickets/PAY-3.md": PAY3,
                ".tickets/PAY-4.md": PAY4,
            },
        )
        self.repo.config["user.name"] = "Board Tester"
        self.repo.config["user.email"] = "tester@example.com"
        result = Engine(self.client(), load(root)).reconcile()
        assert result.converged or result.final_plan.errors, result.final_plan

    def client(self, config: BoardConfig | None = None) -> AdoClient:
        auth, _ = resolve_auth(AuthSettings(), {TOKEN_ENV: PAT})
        return AdoClient(self.emu.url, auth, transport=self.emu.transport, read_only=config is not None)

    def source(self, **kw: object) -> BoardSource:
        return BoardSource(
            repo=str(self.root),
            client_for=self.client,
            org_url_for=lambda c: c.organization_url,
            **kw,  # type: ignore[arg-type]
        )

    def app(self, **kw: object) -> BoardApp:
        return BoardApp(self.source(**kw), write_client_for=lambda _c: self.client(), ado_interval=0)

    def guard(self) -> Guard:
        return Guard.for_address(BOARD_TOKEN, "127.0.0.1", 8765)

    def browser(self, app: BoardApp | None = None, *, login: bool = True) -> TestClient:
        """A test client on the board's own address, signed in with the token unless ``login=False``."""
        client = TestClient((app or self.app()).asgi(self.guard(), live_refresh=False), base_url=BASE)
        if login:
            r = client.get(f"/?token={BOARD_TOKEN}", follow_redirects=False)
            assert r.status_code == 303, r.text
            assert r.headers["location"] == "/"
            client.cookies.set("ticketops_board", r.cookies["ticketops_board"])
        return client

    def path(self, key: str) -> Path:
        return self.root / ".tickets" / f"{key}.md"

    def blob(self, key: str) -> str:
        return str(pygit2.hash(self.path(key).read_bytes()))
