"""``ticketops board`` as a user runs it: ``--export`` through ``main(argv)`` against the emulator
over HTTP, and the CLI's start-up (hooks run it on every commit) without the web stack."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from boardkit import PAT, TOKEN_ENV, Site

from ticketops.cli.main import main
from ticketops.emulator.server import EmulatorServer


@pytest.fixture
def server(site: Site, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorServer]:
    monkeypatch.setenv(TOKEN_ENV, PAT)
    with EmulatorServer(site.emu) as srv:
        yield srv


def test_export_writes_one_static_board_file(
    site: Site, server: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "board.html"

    code = main(["board", "--repo", str(site.root), "--org-url", server.url, "--export", str(out)])

    assert code == 0, capsys.readouterr().err
    html = out.read_text(encoding="utf-8")
    assert re.findall(r'id="card-([A-Z0-9-]+)"', html) == ["PAY-1", "PAY-4", "PAY-2", "PAY-3"]
    assert html.count('class="sync badge synced"') == 3  # planned against ADO, as `status` does
    assert "<script" not in html and 'draggable="true"' not in html and PAT not in html
    assert f"Wrote {out}" in capsys.readouterr().out


def test_export_of_a_folder_without_tickets_names_the_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["board", "--repo", str(tmp_path), "--offline", "--export", str(tmp_path / "b.html")])

    assert code == 1
    assert "git repository" in capsys.readouterr().err
    assert not (tmp_path / "b.html").exists()


def test_the_cli_starts_without_importing_the_web_stack() -> None:
    probe = (
        "import sys; from ticketops.cli.main import build_parser; build_parser(); "
        "print(sorted(m for m in ('starlette', 'jinja2', 'uvicorn', 'ticketops.board') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
