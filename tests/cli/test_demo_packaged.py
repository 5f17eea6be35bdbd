"""``ticketops demo`` after a plain (non-editable) install: the example board ships in the wheel
as package data and the demo finds it through importlib.resources, from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from tests.conftest import REPO_ROOT


def _build_wheel(dest: Path) -> Path:
    """The wheel `pip install .` would install, built offline with the installed hatchling."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(dest),
            str(REPO_ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = dest.glob("ticketops-*.whl")
    return wheel


def test_pyproject_ships_the_example_board_as_package_data() -> None:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    force = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force["example-repo"] == "ticketops/demo_board"


def test_demo_runs_from_an_installed_wheel_outside_the_checkout(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    assert "ticketops/demo_board/.tickets/config.yaml" in names
    assert "ticketops/demo_board/.tickets/PAY-1.md" in names

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"))  # the wheel's copy wins over the checkout
    proc = subprocess.run(
        [sys.executable, "-m", "ticketops", "demo"], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300
    )

    assert proc.returncode == 0, proc.stderr
    site = (tmp_path / "site" / "ticketops" / "demo_board").resolve()
    assert f"Board {site} read from the copy shipped with ticketops" in proc.stdout
    assert "12 tickets valid; 0 problems" in proc.stdout and "converged:" in proc.stdout
