"""A ticket board with linked repositories, reconciled against the emulator, plus helpers to look
at the emulator's real bare git repositories. Imported by tests/gitflow as ``gitkit``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pygit2
import pytest

from gitrepo import commit_files, front_matter, make_repo
from ticketops.ado import AdoClient, resolve_auth
from ticketops.cli.main import main
from ticketops.desired import load
from ticketops.emulator import Emulator
from ticketops.emulator.db.records import PullRequest
from ticketops.engine import Engine
from ticketops.model.config import AuthSettings

TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"
TOKEN = "gitflow-dummy-pat-0123456789"
PROJECT = "Payments"
API, WEB = "payments-api", "payments-web"

CONFIG = f"""\
# Board for the git flow tests.
organization_url: https://dev.azure.com/contoso
project: {PROJECT}   # the project
process: agile

# Linked repositories, by alias.
repos:
  api:
    name: {API}
    default_branch: main
  web:
    name: {WEB}
default_repo: api
"""


def ticket(title: str, status: str, body: str = "Spec body.\n", **fields: Any) -> str:
    """A ticket file: front matter, then ``body`` as given."""
    return front_matter(title, status, **fields) + body


class GitBoard:
    """A tickets repository under ``tmp_path`` and engines pointed at ``emu``."""

    def __init__(self, root: Path, emu: Emulator, config: str = CONFIG) -> None:
        self.root = root
        self.emu = emu
        self.repo = make_repo(root, {".tickets/config.yaml": config})

    def commit(self, files: Mapping[str, str | bytes | None], message: str = "tickets") -> str:
        return commit_files(self.repo, {f".tickets/{k}": v for k, v in files.items()}, message)

    def client(self) -> AdoClient:
        auth, _ = resolve_auth(AuthSettings(), {TOKEN_ENV: TOKEN})
        return AdoClient(self.emu.url, auth, transport=self.emu.transport)

    def engine(self) -> Engine:
        return Engine(self.client(), load(self.root))

    def reconcile(self) -> Any:
        return self.engine().reconcile()

    def ticket_bytes(self, key: str) -> bytes:
        return (self.root / ".tickets" / f"{key}.md").read_bytes()

    # ---- the emulator's side -----------------------------------------------------------------
    def git(self, repo: str = API) -> pygit2.Repository:
        return self.emu.db.repo(PROJECT, repo)

    def tip(self, branch: str, repo: str = API) -> str | None:
        ref = self.git(repo).references.get(f"refs/heads/{branch}")
        return str(ref.target) if ref is not None else None

    def file_at(self, branch: str, path: str, repo: str = API) -> bytes | None:
        tip = self.tip(branch, repo)
        if tip is None:
            return None
        try:
            return self.git(repo).get(tip).tree[path].data  # type: ignore[union-attr]
        except KeyError:
            return None

    def branches(self, repo: str = API) -> list[str]:
        return sorted(r.removeprefix("refs/heads/") for r in self.git(repo).references if r.startswith("refs/heads/"))

    def prs(self, repo: str = API) -> list[PullRequest]:
        return self.emu.db.pull_requests(PROJECT, repo)

    def item_id(self, key: str) -> int:
        for item in self.emu.db.work_items(PROJECT):
            if f"ticketops:{key}" in str(item.fields.get("System.Tags", "")):
                return item.id
        raise KeyError(key)

    def person_opens_pr(self, branch: str, title: str, *, by: str = "alice@contoso.com", repo: str = API) -> int:
        """A person creates the branch (with a commit of their own) and opens a PR from it."""
        if self.tip(branch, repo) is None:
            self.emu.db.push_files(PROJECT, repo, branch, {"src/started.py": "print('started')\n"}, by=by)
        db = self.emu.db
        with db.lock:
            record = db.repo_record(PROJECT, repo)
            pr = db.pulls.create(
                record, f"refs/heads/{branch}", "refs/heads/main", title, "Opened by hand.", db.user(by), []
            )
        return pr.id

    def statuses(self, operation: str) -> list[int]:
        return [r.status for r in self.emu.log.records if r.operation_id == operation]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``ticketops ARGV`` through ``main(argv)``: exit code, stdout, stderr."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
