"""Error messages name what the user has to fix: the real source of the organization URL, and how
to start a board before ``import``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import make_repo
from ticketops.cli.main import main
from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer

CONFIG_SAYS = "`organization_url:` in .tickets/config.yaml"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    """An emulator of its own: these tests call an organisation it does not have on purpose,
    which the shared ``emu`` fixture would report as an unknown route."""
    monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", "messages-dummy-pat-0123456789")
    with Emulator() as emu, EmulatorServer(emu) as srv:
        yield srv


def wrong_org(server: EmulatorServer) -> str:
    return server.url.rsplit("/", 1)[0] + "/no-such-org"


def board(root: Path, org_url: str = "https://dev.azure.com/contoso") -> Path:
    make_repo(
        root,
        {
            ".tickets/config.yaml": f"organization_url: {org_url}\nproject: Helpdesk\nprocess: basic\n",
            ".tickets/HD-1.md": "---\ntitle: x\nstatus: todo\n---\n",
        },
    )
    return root


def error_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 1
    return capsys.readouterr().err


@pytest.mark.parametrize("command", ["plan", "status"])
def test_a_wrong_org_url_flag_is_named_as_the_flag(
    tmp_path: Path, server: EmulatorServer, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = error_of(capsys, command, "--repo", str(board(tmp_path / "b")), "--org-url", wrong_org(server))
    assert "project 'Helpdesk' was not found in" in err
    assert "the organization URL given by --org-url" in err and CONFIG_SAYS not in err


def test_a_wrong_org_url_from_the_environment_is_named_as_such(
    tmp_path: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TICKETOPS_ORG_URL", wrong_org(server))
    err = error_of(capsys, "plan", "--repo", str(board(tmp_path / "b")))
    assert "the organization URL given by the TICKETOPS_ORG_URL environment variable" in err
    assert CONFIG_SAYS not in err


def test_a_wrong_org_url_in_config_still_points_at_config(
    tmp_path: Path, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    err = error_of(capsys, "plan", "--repo", str(board(tmp_path / "b", wrong_org(server))))
    assert f"check `project:` and {CONFIG_SAYS}" in err and "--org-url" not in err


def test_import_without_a_board_says_how_to_start_one(
    tmp_path: Path, server: EmulatorServer, capsys: pytest.CaptureFixture[str]
) -> None:
    make_repo(tmp_path / "empty", {"README.md": "nothing here yet\n"})
    err = error_of(capsys, "import", "--repo", str(tmp_path / "empty"), "--org-url", server.url)
    assert "no .tickets/ folder" in err
    assert "create .tickets/config.yaml first" in err
    assert "  organization_url: https://dev.azure.com/ORG\n  project: PROJECT\n" in err

    (tmp_path / "empty" / ".tickets").mkdir()  # the hint, followed: import runs
    (tmp_path / "empty" / ".tickets" / "config.yaml").write_text(
        "organization_url: https://dev.azure.com/contoso\nproject: Helpdesk\nprocess: basic\n", encoding="utf-8"
    )
    assert main(["import", "--repo", str(tmp_path / "empty"), "--org-url", server.url, "--project", "Helpdesk"]) == 0
