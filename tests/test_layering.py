"""The layers import only downward, the core never imports the emulator, and modules stay small.

model <- desired, ado <- live <- plan (pure) <- apply <- engine <- cli, hooks, watch, schedule
emulator stands to the side: only entry points (and tests) import it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ticketops"
MAX_MODULE_LINES = 500

CORE = {
    "model": {"model"},
    "desired": {"model", "desired"},
    "ado": {"model", "ado"},
    "live": {"model", "ado", "live"},
    "plan": {"model", "plan"},
    "apply": {"model", "ado", "live", "plan", "apply"},
    "engine": {"model", "desired", "ado", "live", "plan", "apply", "engine"},
    # the read direction sits at the apply layer
    "importer": {"model", "desired", "ado", "live", "plan", "importer"},
    "doctor": {"model", "desired", "ado", "live", "plan", "doctor"},
    # the fake ADO knows the wire, never our client or reconciler
    "emulator": {"model", "emulator"},
}
ENTRY_POINTS = {"cli", "hooks", "watch", "schedule"}
ONLY_CLI_RUNS_THE_EMULATOR = {"hooks", "watch", "schedule"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ticketops."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("ticketops."))
    return found


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def test_every_package_has_a_place_in_the_layers() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(CORE) | ENTRY_POINTS, f"place {sorted(packages - set(CORE) - ENTRY_POINTS)} in the layer map"


@pytest.mark.parametrize("package", sorted(CORE))
def test_core_package_imports_only_below_itself(package: str) -> None:
    for path in _modules(package):
        bad = _imports(path) - CORE[package]
        assert not bad, (
            f"{path.relative_to(SRC)} imports ticketops.{sorted(bad)}; {package} may use {sorted(CORE[package])}"
        )


@pytest.mark.parametrize("package", sorted(ONLY_CLI_RUNS_THE_EMULATOR))
def test_entry_points_other_than_the_cli_never_import_the_emulator(package: str) -> None:
    for path in _modules(package) if (SRC / package).exists() else []:
        assert "emulator" not in _imports(path), f"{path.relative_to(SRC)} imports the emulator"


def test_modules_stay_small() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules (over {MAX_MODULE_LINES} lines): {long}"
