"""What import-linter cannot say (the layers are its contracts in pyproject.toml, checked by
`make test`): every package has a place in those layers, and modules stay small."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "ticketops"
MAX_MODULE_LINES = 500


def test_every_package_has_a_place_in_the_layers() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    placed = {name.strip().removeprefix("ticketops.") for layer in layers["layers"] for name in layer.split("|")}
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - placed <= {"emulator"}, f"place {sorted(packages - placed - {'emulator'})} in the layers contract"


def test_modules_stay_small() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"split these modules (over {MAX_MODULE_LINES} lines): {long}"


def test_every_type_ignore_says_why() -> None:
    """A `# type: ignore` that mypy still needs carries its reason after it (mypy's
    warn_unused_ignores removes the ones it does not need)."""
    bare = [
        f"{p.relative_to(SRC)}:{n}"
        for p in SRC.rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if "# type: ignore" in line and not line.split("# type: ignore", 1)[1].split("]", 1)[-1].strip().startswith("#")
    ]
    assert not bare, f"say why after these ignores: {bare}"


def test_every_wiql_is_built_in_one_module() -> None:
    """One decision in one place: the WIQL ticketops sends (and WIQL's 20,000-id cap) live in
    ticketops/ado/wiql.py. A condition on a work item field built anywhere else is a second copy.
    (The emulator is ADO's side of the wire and evaluates WIQL; it is not a client.)"""
    import re

    built = re.compile(r"\[System\.\w+\]\s*(=|<>|>=|<=|>|<|CONTAINS|NOT CONTAINS|IN)\s*[{'@(\d]")
    home = SRC / "ado" / "wiql.py"
    elsewhere = [
        f"{p.relative_to(SRC)}:{n}"
        for p in SRC.rglob("*.py")
        if p != home and "emulator" not in p.relative_to(SRC).parts
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if built.search(line) and not line.lstrip().startswith("#")
    ]
    assert not elsewhere, f"build these queries in ticketops/ado/wiql.py: {elsewhere}"
    assert "20_000" not in "".join(
        p.read_text(encoding="utf-8") for p in SRC.rglob("*.py") if p != home and "emulator" not in p.parts
    )


def test_the_benchmarks_still_import() -> None:
    """`make bench` is not run by `make test`; a module it imports that moved must still fail
    here, not on the next person who runs the benchmarks."""
    import importlib.util
    import sys

    bench = ROOT / "bench"
    sys.path.insert(0, str(bench))
    try:
        for script in sorted(bench.glob("bench_*.py")):
            spec = importlib.util.spec_from_file_location(f"bench_import_check_{script.stem}", script)
            assert spec is not None and spec.loader is not None
            spec.loader.exec_module(importlib.util.module_from_spec(spec))  # main() runs only as __main__
    finally:
        sys.path.remove(str(bench))
