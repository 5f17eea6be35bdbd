"""`validate` in a CI: each problem also as the CI's own annotation, so it shows on the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitrepo import make_repo
from ticketops.cli.annotations import annotation
from ticketops.cli.main import main
from ticketops.model.errors import Problem

CONFIG = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
BAD = "---\ntitle: Broken\nstatus: doing\n---\nSpec.\n"


@pytest.fixture
def board(tmp_path: Path) -> Path:
    make_repo(tmp_path / "b", {".tickets/config.yaml": CONFIG, ".tickets/PAY-1.md": BAD})
    return tmp_path / "b"


def test_azure_pipelines_gets_a_logissue_per_problem(
    board: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TF_BUILD", "True")
    assert main(["validate", "--repo", str(board)]) == 1
    out = capsys.readouterr().out
    (line,) = [x for x in out.splitlines() if x.startswith("##vso[")]
    assert line.startswith("##vso[task.logissue type=error;sourcepath=.tickets/PAY-1.md;linenumber=3;columnnumber=1;]")
    assert "unknown status 'doing'" in line
    assert ".tickets/PAY-1.md:3:1: unknown status 'doing'" in out  # the plain line stays for people


def test_github_actions_gets_an_error_command_per_problem(
    board: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["validate", "--repo", str(board)]) == 1
    (line,) = [x for x in capsys.readouterr().out.splitlines() if x.startswith("::error")]
    assert line.startswith("::error file=.tickets/PAY-1.md,line=3,col=1::unknown status 'doing'")


def test_outside_ci_and_with_json_there_are_no_annotations(
    board: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--repo", str(board)]) == 1
    assert "##vso" not in capsys.readouterr().out
    monkeypatch.setenv("TF_BUILD", "True")
    assert main(["validate", "--repo", str(board), "--json"]) == 1
    assert capsys.readouterr().out.lstrip().startswith("{")  # JSON stays parseable


def test_annotation_values_are_escaped_so_a_message_cannot_forge_a_command() -> None:
    p = Problem("a;b]c,d:e.md", 2, 0, "100% wrong\n##vso[task.complete result=Succeeded;]")
    azure = annotation(p, "azure")
    assert azure == (
        "##vso[task.logissue type=error;sourcepath=a%3Bb%5Dc,d:e.md;linenumber=2;]"
        "100%AZP25 wrong%0A##vso[task.complete result=Succeeded;]"
    )
    assert "\n" not in azure
    github = annotation(p, "github")
    assert github == "::error file=a;b]c%2Cd%3Ae.md,line=2::100%25 wrong%0A##vso[task.complete result=Succeeded;]"
