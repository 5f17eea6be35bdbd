"""One line per check: ``ok``, ``FAIL`` (with what is missing and how to fix it) or ``skip``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Outcome = Literal["ok", "FAIL", "skip"]
NAME_WIDTH = 16


@dataclass(frozen=True)
class Check:
    name: str
    outcome: Outcome
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.outcome:<5} {self.name:<{NAME_WIDTH}} {self.detail}"
        return f"{text}\n{'':<6}{'':<{NAME_WIDTH}} fix: {self.fix}" if self.fix else text


def ok(name: str, detail: str) -> Check:
    return Check(name, "ok", detail)


def fail(name: str, detail: str, fix: str = "") -> Check:
    return Check(name, "FAIL", detail, fix)


def skip(name: str, detail: str) -> Check:
    return Check(name, "skip", detail)


def passed(checks: list[Check]) -> bool:
    return not any(c.outcome == "FAIL" for c in checks)


def render_text(checks: list[Check], header: str) -> str:
    lines = [header, *(c.line() for c in checks)]
    n_fail = sum(1 for c in checks if c.outcome == "FAIL")
    lines.append("")
    lines.append("All checks passed." if not n_fail else f"{n_fail} check(s) failed.")
    return "\n".join(lines) + "\n"


def as_json(checks: list[Check]) -> list[dict[str, str]]:
    return [asdict(c) for c in checks]
