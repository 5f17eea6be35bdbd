"""Shared helpers for the import, read-only, auth and doctor tests: a board in a real git
repository (pygit2, under tmp_path), the ``ticketops`` CLI run in-process against the emulator
served over HTTP, and seeds of existing work items. Imported as ``importkit`` (the area
conftests put this folder and tests/ on sys.path)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pygit2
import pytest

from gitrepo import commit_files, make_repo
from ticketops.cli.main import main
from ticketops.emulator import Emulator

TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"
TOKEN = "import-test-pat-0123456789"
CONFIG = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"


@dataclass
class Run:
    code: int
    out: str
    err: str


class ImportBoard:
    """A ticket repository under ``tmp_path`` whose CLI runs talk to ``url`` (an emulator)."""

    def __init__(self, root: Path, url: str, capsys: pytest.CaptureFixture[str], config: str = CONFIG) -> None:
        self.root = root
        self.url = url
        self.capsys = capsys
        self.repo: pygit2.Repository = make_repo(root, {".tickets/config.yaml": config})

    def run(self, command: str, *argv: str) -> Run:
        self.capsys.readouterr()
        code = main([command, "--repo", str(self.root), "--org-url", self.url, *argv])
        out, err = self.capsys.readouterr()
        return Run(code, out, err)

    def files(self) -> dict[str, bytes]:
        """Every file of the working tree outside .git, by posix path."""
        return {
            p.relative_to(self.root).as_posix(): p.read_bytes()
            for p in self.root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(self.root).parts
        }

    def text(self, rel: str) -> str:
        return (self.root / rel).read_text(encoding="utf-8")

    def commit_all(self, message: str = "import") -> str:
        """Commit the working tree as it is (what the user does after an import)."""
        return commit_files(self.repo, dict(self.files()), message)


def link(emu: Emulator, rel: str, target: int, **attributes: object) -> dict[str, object]:
    return {"rel": rel, "url": f"{emu.url}/_apis/wit/workItems/{target}", "attributes": attributes}


def pr_link(emu: Emulator, pr_id: int) -> dict[str, object]:
    repo = emu.db.repo_record("Payments", "payments-api")
    url = f"vstfs:///Git/PullRequestId/{repo.project.id}%2F{repo.id}%2F{pr_id}"
    return {"rel": "ArtifactLink", "url": url, "attributes": {"name": "Pull Request"}}


def seed_every_type(emu: Emulator) -> dict[str, int]:
    """One existing item of each Agile type, people's way: HTML descriptions, links, comments."""
    db = emu.db
    ids: dict[str, int] = {}
    ids["Epic"] = db.create_work_item(
        "Payments",
        "Epic",
        {
            "System.Title": "Payments v2",
            "System.Description": "<h2>Goal</h2><p>Ship <b>v2</b> of payments.</p><ul><li>cards</li><li>refunds</li></ul>",
        },
        by="alice@contoso.com",
    )
    ids["Feature"] = db.create_work_item(
        "Payments",
        "Feature",
        {
            "System.Title": "Card vault",
            "System.AssignedTo": "alice@contoso.com",
        },
        relations=[link(emu, "System.LinkTypes.Hierarchy-Reverse", ids["Epic"])],
        by="alice@contoso.com",
    )
    ids["User Story"] = db.create_work_item(
        "Payments",
        "User Story",
        {
            "System.Title": "Store cards: safely",
            "System.AreaPath": "Payments\\API",
            "Microsoft.VSTS.Common.Priority": 1,
            "Microsoft.VSTS.Common.AcceptanceCriteria": "<div>Cards are encrypted at rest</div><div>Keys rotate monthly</div>",
        },
        tags=["security", "pci"],
        relations=[
            link(emu, "System.LinkTypes.Hierarchy-Reverse", ids["Feature"]),
            pr_link(emu, 7),
            {"rel": "Hyperlink", "url": "https://example.com/pci-spec", "attributes": {"comment": "PCI spec"}},
        ],
        by="bob@contoso.com",
    )
    ids["Bug"] = db.create_work_item(
        "Payments",
        "Bug",
        {
            "System.Title": "Refund crashes",
            "System.Description": "<p>Steps:</p><ol><li>refund</li><li>crash</li></ol>",
            "System.AssignedTo": "carol@contoso.com",
        },
        relations=[link(emu, "System.LinkTypes.Related", ids["User Story"])],
        by="carol@contoso.com",
    )
    db.update_work_item("Payments", ids["Bug"], {"System.State": "Active"}, by="carol@contoso.com")
    ids["Task"] = db.create_work_item(
        "Payments",
        "Task",
        {"System.Title": "Write the vault tests"},
        relations=[link(emu, "System.LinkTypes.Hierarchy-Reverse", ids["User Story"])],
        by="dave@contoso.com",
    )
    db.update_work_item("Payments", ids["Task"], {"System.State": "Closed"}, by="dave@contoso.com")
    db.add_comment(ids["User Story"], "<p>Use the <b>HSM</b>, not a file.</p>", by="bob@contoso.com", fmt="html")
    db.add_comment(ids["User Story"], "Agreed, HSM it is.", by="alice@contoso.com")
    db.add_comment(ids["Bug"], "Seen in production twice.", by="erin@contoso.com")
    return ids
