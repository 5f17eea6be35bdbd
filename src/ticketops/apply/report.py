"""What applying a plan did, ticket by ticket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# applied: written; unchanged: nothing left to do after a re-read; failed: ADO refused it;
# unknown: a create whose response was lost (re-found by its marker on the next pass);
# blocked: not attempted (conflict, blocked ticket).
OutcomeStatus = Literal["applied", "unchanged", "failed", "unknown", "blocked"]


@dataclass(frozen=True)
class Outcome:
    key: str
    kind: str
    status: OutcomeStatus
    id: int | None = None
    message: str = ""
    writes: int = 0  # write requests sent for this action (retries after a 412 included)
    drift: int = 0  # fields a person changed in ADO that this write put back (the action applied, re-planned or not)


@dataclass(frozen=True)
class ApplyReport:
    outcomes: tuple[Outcome, ...] = ()

    def of(self, status: OutcomeStatus) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == status)

    @property
    def applied(self) -> tuple[Outcome, ...]:
        return self.of("applied")

    @property
    def failed(self) -> tuple[Outcome, ...]:
        return self.of("failed")

    @property
    def unknown(self) -> tuple[Outcome, ...]:
        return self.of("unknown")

    @property
    def writes(self) -> int:
        return sum(o.writes for o in self.outcomes)

    @property
    def ok(self) -> bool:
        """Nothing failed, nothing was blocked and no outcome is unknown."""
        return all(o.status in ("applied", "unchanged") for o in self.outcomes)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            out[o.status] = out.get(o.status, 0) + 1
        return out


_MARK = {"applied": "ok", "unchanged": "ok", "failed": "FAILED", "unknown": "UNKNOWN", "blocked": "blocked"}


def render_outcomes(report: ApplyReport) -> str:
    """A plain-text summary table: one line per ticket acted on, then the totals."""
    if not report.outcomes:
        return "Nothing to apply.\n"
    rows = [
        (o.key, o.kind, f"#{o.id}" if o.id is not None else "-", _MARK[o.status], str(o.writes), o.message)
        for o in report.outcomes
    ]
    head = ("ticket", "action", "item", "result", "writes", "details")
    widths = [max(len(r[i]) for r in (*rows, head)) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(head[:5], widths, strict=False)) + "  " + head[5]]
    for r in rows:
        detail = r[5].replace("\n", "\n" + " " * (sum(widths) + 12))
        lines.append("  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=False)) + "  " + detail)
    n = report.counts()
    total = ", ".join(f"{v} {k}" for k, v in sorted(n.items()))
    lines.append(f"Applied: {total}; {report.writes} write request(s).")
    return "\n".join(lines) + "\n"
