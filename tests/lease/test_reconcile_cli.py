"""`ticketops reconcile` / `apply` and the lease as a user meets them: a busy lease is waited for,
then refused with the holder's name and expiry (exit 1, nothing written)."""

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
from ticketops.engine.lease import Lease, LeaseSpot

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for the shared gitrepo helper
from gitrepo import make_repo  # noqa: E402

CONFIG = (
    "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
    "repos:\n  api: {name: payments-api}\ndefault_repo: api\n"
)
TICKET = "---\ntitle: Leased\nstatus: backlog\n---\nSpec.\n"


@pytest.mark.parametrize("command", ["reconcile", "apply"])
def test_a_busy_lease_is_refused_with_its_holder_and_expiry(command: str, tmp_path: Path, emu: Emulator,
                                                           new_client: Callable[[], AdoClient],
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    make_repo(tmp_path / "b", {".tickets/config.yaml": CONFIG, ".tickets/PAY-1.md": TICKET})
    monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", "lease-cli-dummy-pat-0123456789")
    other = Lease(new_client(), LeaseSpot("Payments", "payments-api"), holder="ci-agent-7 pid 42 (reconcile)")
    assert other.try_acquire() is None

    with EmulatorServer(emu) as srv:
        argv = [command, "--repo", str(tmp_path / "b"), "--org-url", srv.url, "--lease-wait", "0"]
        code = main(argv)
        _, err = capsys.readouterr()
        assert code == 1
        assert "ci-agent-7 pid 42 (reconcile)" in err and re.search(r"until 2026-01-01T00:02:00\.\d{3}Z \(ADO time\)", err)
        assert "wrote nothing" in err and "--lease-wait" in err
        assert emu.log.count("Work Items_Create") == 0

        other.release()
        assert main(argv) == 0
        assert emu.log.count("Work Items_Create") == 1
