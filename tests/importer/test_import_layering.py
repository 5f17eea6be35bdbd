"""The importer sits at the apply layer (ado, live, plan, desired, model; never the emulator or
anything above it); doctor uses the same layers; modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "ticketops"
ALLOWED = {
    "importer": {"model", "ado", "live", "plan", "desired", "importer"},
    "doctor": {"model", "ado", "live", "plan", "desired", "doctor"},
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ticketops."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("ticketops."))
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_its_layers(package: str) -> None:
    for path in sorted((SRC / package).rglob("*.py")):
        bad = _imports(path) - ALLOWED[package]
        assert not bad, f"{path.relative_to(SRC)} imports ticketops.{sorted(bad)}"
        assert len(path.read_text(encoding="utf-8").splitlines()) < 400, f"{path.name} is too long"
