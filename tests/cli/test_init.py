"""``ticketops init`` on real repositories: where the organization and project come from, the
process read from ADO (the emulator), and a config that validates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pygit2
import pytest

from gitrepo import make_repo
from ticketops.cli.main import main
from ticketops.emulator import Emulator
from ticketops.emulator.server import EmulatorServer


@pytest.fixture
def server(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    with EmulatorServer(emu) as srv:
        yield srv


def repo_with_remote(path: Path, url: str | None) -> Path:
    repo = make_repo(path, {"README.md": "hi\n"})
    if url:
        repo.remotes.create("origin", url)
    return path


def test_init_reads_the_remote_and_the_process_from_ado(
    tmp_path: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = repo_with_remote(tmp_path / "r", "https://contoso@dev.azure.com/contoso/Helpdesk/_git/helpdesk")
    monkeypatch.setenv("AZURE_DEVOPS_EXT_PAT", "init-dummy-pat-0123456789")
    monkeypatch.setenv("TICKETOPS_ORG_URL", server.url)

    assert main(["init", "--repo", str(repo)]) == 0

    text = (repo / ".tickets/config.yaml").read_text()
    assert "organization_url: https://dev.azure.com/contoso\n" in text
    assert "project: Helpdesk\n" in text
    assert "process: basic\n" in text  # Helpdesk is a Basic project in ADO
    assert "  helpdesk:  # the alias tickets use\n    name: helpdesk" in text
    assert "# organization_url from the git remote 'origin', project from the git remote 'origin'." in text
    # The scaffold is a working board: a ticket on it plans against the project.
    (repo / ".tickets/HD-1.md").write_text("---\ntitle: First\nstatus: todo\n---\n")
    assert main(["validate", "--repo", str(repo), "--worktree"]) == 0
    assert main(["plan", "--repo", str(repo), "--worktree"]) == 2  # HD-1 to create
    assert "Wrote" in capsys.readouterr().out


def test_every_setting_line_is_commented(tmp_path: Path) -> None:
    repo = repo_with_remote(tmp_path / "r", "git@ssh.dev.azure.com:v3/contoso/Payments/payments-api")

    assert main(["init", "--repo", str(repo), "--offline"]) == 0

    lines = (repo / ".tickets/config.yaml").read_text().splitlines()
    for i, line in enumerate(lines):
        if line.strip() and not line.lstrip().startswith("#"):
            explained = "#" in line or lines[i - 1].lstrip().startswith("#") or lines[i - 1].startswith(" ")
            assert explained, f"line {i + 1} has no comment: {line!r}"
    assert "process not read from ADO (--offline)" in "\n".join(lines)


def test_without_a_token_the_file_says_the_process_was_not_read(
    tmp_path: Path, server: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = repo_with_remote(tmp_path / "r", "https://dev.azure.com/contoso/Payments/_git/payments-api")
    monkeypatch.setenv("TICKETOPS_ORG_URL", server.url)

    assert main(["init", "--repo", str(repo)]) == 0

    text = (repo / ".tickets/config.yaml").read_text()
    assert "process not read from ADO (" in text and "AZURE_DEVOPS_EXT_PAT" in text
    assert "process: agile" in text


def test_the_az_cli_defaults_are_used_when_no_remote_is_in_ado(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = repo_with_remote(tmp_path / "r", "https://github.com/contoso/payments.git")
    monkeypatch.setenv("AZURE_DEVOPS_EXT_DEFAULTS_ORGANIZATION", "https://dev.azure.com/fabrikam/")
    monkeypatch.setenv("AZURE_DEVOPS_EXT_DEFAULTS_PROJECT", "Fiber")

    assert main(["init", "--repo", str(repo), "--process", "scrum"]) == 0

    text = (repo / ".tickets/config.yaml").read_text()
    assert "organization_url: https://dev.azure.com/fabrikam\n" in text and "project: Fiber\n" in text
    assert "process: scrum\n" in text and "repos: {}" in text


def test_nothing_to_go_on_is_an_error_naming_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with_remote(tmp_path / "r", None)

    assert main(["init", "--repo", str(repo), "--offline"]) == 1

    err = capsys.readouterr().err
    assert "--org-url" in err and "AZURE_DEVOPS_EXT_DEFAULTS_ORGANIZATION" in err
    assert not (repo / ".tickets").exists()


def test_remotes_in_two_projects_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with_remote(tmp_path / "r", "https://dev.azure.com/contoso/Payments/_git/api")
    pygit2.Repository(str(repo)).remotes.create("other", "https://dev.azure.com/contoso/Ledger/_git/ledger")

    assert main(["init", "--repo", str(repo), "--offline"]) == 1
    assert "different Azure DevOps projects" in capsys.readouterr().err


def test_an_existing_config_is_never_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = repo_with_remote(tmp_path / "r", "https://dev.azure.com/contoso/Payments/_git/api")
    (repo / ".tickets").mkdir()
    (repo / ".tickets/config.yaml").write_text("# mine\n")

    assert main(["init", "--repo", str(repo), "--offline"]) == 1
    assert (repo / ".tickets/config.yaml").read_text() == "# mine\n"
    assert "never overwrites" in capsys.readouterr().err
