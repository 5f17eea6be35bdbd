"""The project needs nothing beside its own checkout: no file under src/ or tests/ may name the
reference folder the project was started from (a fresh clone has no such folder)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# "../shared", "parent / 'shared'" and the like: any way of reaching a sibling folder named shared.
FORBIDDEN = re.compile(r"""\.\./shared\b|\.parent\s*/\s*["']shared["']|parents\[\d+\]\s*/\s*["']shared["']""")


def test_no_file_reads_a_folder_beside_the_checkout() -> None:
    offenders = []
    for folder in ("src", "tests", "bench"):
        for path in (ROOT / folder).rglob("*"):
            if not path.is_file() or path.suffix not in {".py", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".sh"}:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                if FORBIDDEN.search(line) and path != Path(__file__):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    for name in ("Makefile", ".ci/run", "pyproject.toml"):
        for n, line in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines(), 1):
            if FORBIDDEN.search(line):
                offenders.append(f"{name}:{n}: {line.strip()}")
    assert offenders == [], "these read outside the checkout:\n" + "\n".join(offenders)


def test_the_forbidden_pattern_catches_the_forms_that_were_used() -> None:
    caught = [
        'SPEC = Path(__file__).resolve().parents[2].parent / "shared" / "ado-rest-spec"',
        'SPEC_DIR = REPO_ROOT.parent / "shared" / "ado-rest-spec" / "7.1"',
        "open('../shared/ado-wire-notes.md')",
    ]
    assert all(FORBIDDEN.search(line) for line in caught)
    assert not FORBIDDEN.search('shared = tmp_path / "shared-hooks"')
