"""The layers I own import only downward: plan is pure (model only), live sits under plan,
and nothing in the core imports the emulator."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "ticketops"

ALLOWED = {
    "plan": {"model", "plan"},
    "live": {"model", "ado", "live"},
    "apply": {"model", "ado", "plan", "apply"},
    "engine": {"model", "ado", "live", "plan", "apply", "engine"},
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ticketops."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("ticketops."))
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_below_itself(layer: str) -> None:
    for path in sorted((SRC / layer).rglob("*.py")):
        bad = _imports(path) - ALLOWED[layer]
        allowed = sorted(ALLOWED[layer])
        assert not bad, f"{path.relative_to(SRC)} imports ticketops.{sorted(bad)} (layer {layer} may use {allowed})"


def test_model_live_imports_only_the_model() -> None:
    assert _imports(SRC / "model" / "live.py") <= {"model"}
