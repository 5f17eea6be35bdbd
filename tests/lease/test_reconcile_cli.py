"""`ticketops reconcile` / `apply` and the lease as a user meets them: a busy lease is waited for,
then refused with the holder's name and expiry (exit 1, nothing written), on boards with and
without a linked repository. Only writers take the lease: plan, status and a run with nothing to
do never create the lease work item, and the reconciler never treats it as a ticket's item."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ticketops.ado import AdoClient
from ticketops.cli.main import main
from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer
from ticketops.lease.lease import Lease, lease_store
from ticketops.model.config import BoardConfig
from ticketops.model.live import LEASE_TAG

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for the shared gitrepo helper
from gitrepo import make_repo

BASE = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
WITH_REPO = BASE + "repos:\n  api: {name: payments-api}\ndefault_repo: api\n"
TICKET = "---\ntitle: Leased\nstatus: backlog\n---\nSpec.\n"
BOARDS = {"repo": WITH_REPO, "no-repo": BASE}


def lease_items(emu: Emulator) -> list[int]:
    return [
        w.id for w in emu.db.work_items("Payments") if LEASE_TAG in str(w.fields.get("System.Tags", "")).split("; ")
    ]


def ticket_items(emu: Emulator) -> list[str]:
    return [str(w.fields["System.Title"]) for w in emu.db.work_items("Payments") if w.id not in lease_items(emu)]


@pytest.fixture(autouse=True)
def pat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", "lease-cli-dummy-pat-0123456789")


@pytest.mark.parametrize("board", sorted(BOARDS))
@pytest.mark.parametrize("command", ["reconcile", "apply"])
def test_a_busy_lease_is_refused_with_its_holder_and_expiry(
    command: str,
    board: str,
    tmp_path: Path,
    emu: Emulator,
    new_client: Callable[[], AdoClient],
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_repo(tmp_path / "b", {".tickets/config.yaml": BOARDS[board], ".tickets/PAY-1.md": TICKET})
    config = BoardConfig.model_validate(
        {
            "organization_url": "https://dev.azure.com/contoso",
            "project": "Payments",
            "repos": {"api": {"name": "payments-api"}} if board == "repo" else {},
        }
    )
    other = Lease(lease_store(new_client(), config), holder="ci-agent-7 pid 42 (reconcile)")
    assert other.try_acquire() is None

    with EmulatorServer(emu) as srv:
        argv = [command, "--repo", str(tmp_path / "b"), "--org-url", srv.url, "--lease-wait", "0"]
        code = main(argv)
        _, err = capsys.readouterr()
        assert code == 1
        assert "ci-agent-7 pid 42 (reconcile)" in err and re.search(
            r"until 2026-01-01T00:02:00\.\d{3}Z \(ADO time\)", err
        )
        assert "wrote nothing" in err and "--lease-wait" in err
        assert ticket_items(emu) == []

        assert other.release()
        assert main(argv) == 0
        assert ticket_items(emu) == ["Leased"]


def test_only_writers_create_the_lease_item_and_the_reconciler_never_pairs_it(
    tmp_path: Path, emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    make_repo(tmp_path / "b", {".tickets/config.yaml": BASE, ".tickets/PAY-1.md": TICKET})
    with EmulatorServer(emu) as srv:
        board = ["--repo", str(tmp_path / "b"), "--org-url", srv.url]
        assert main(["plan", *board]) == 2  # changes
        assert main(["status", *board]) == 2  # a ticket without its item
        assert lease_items(emu) == []  # reading never creates it

        assert main(["reconcile", *board]) == 0
        (lease_id,) = lease_items(emu)
        item = emu.db.wit.get(lease_id)
        assert item.fields["System.Title"] == "ticketops lease — do not edit"
        assert item.fields["System.WorkItemType"] == "User Story" and item.state == "Removed"  # off the backlog
        capsys.readouterr()

        assert main(["reconcile", *board]) == 0  # nothing to do: the lease is not even taken
        assert main(["plan", *board]) == 0
        out = capsys.readouterr().out
        assert f"#{lease_id}" not in out and "orphan" not in out.lower()  # not a ticket's item, not an orphan
        assert ticket_items(emu) == ["Leased"] and emu.db.wit.get(lease_id).rev == item.rev


def test_a_lease_item_that_cannot_be_created_stops_the_run_before_any_write(
    tmp_path: Path, emu: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    make_repo(tmp_path / "b", {".tickets/config.yaml": BASE, ".tickets/PAY-1.md": TICKET})
    emu.faults.fail_next("Work Items_Create", status=403)  # the identity may not create work items
    with EmulatorServer(emu) as srv:
        code = main(["reconcile", "--repo", str(tmp_path / "b"), "--org-url", srv.url])
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot create the lease work item (a User Story titled 'ticketops lease — do not edit'" in err
    assert "--no-lease" in err and "repos:" in err
    assert emu.db.work_items("Payments") == []
