"""What an import did, per item, and how it is shown."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Literal

FileStatus = Literal["created", "updated", "unchanged", "kept", "overwritten", "skipped", "failed"]
Adoption = Literal["adopted", "marked", "pending", "failed", "none"]

_MARK = {
    "created": "+",
    "updated": "~",
    "overwritten": "~",
    "unchanged": "=",
    "kept": "!",
    "skipped": "x",
    "failed": "x",
}
_WOULD = {"created": "would create", "updated": "would update", "overwritten": "would overwrite"}


@dataclass(frozen=True)
class ItemOutcome:
    project: str
    id: int
    key: str | None
    type: str
    status: FileStatus
    path: str | None = None  # the ticket file
    adoption: Adoption = "none"  # adopted now | already marked | pending (read-only/dry run/failed)
    message: str = ""
    notes: tuple[str, ...] = ()


@dataclass
class ImportResult:
    dry_run: bool
    read_only: bool
    outcomes: list[ItemOutcome] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # every file written, relative to the git root
    boards: list[str] = field(default_factory=list)  # tickets folders of boards created by this import
    folders: list[str] = field(default_factory=list)  # tickets folders written to
    notes: list[str] = field(default_factory=list)  # run-level notes (projects skipped, ...)

    @property
    def ok(self) -> bool:
        return not any(o.status == "failed" or o.adoption == "failed" for o in self.outcomes)

    def counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    def as_json(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "read_only": self.read_only,
            "ok": self.ok,
            "summary": dict(sorted(self.counts().items())),
            "written": self.written,
            "boards": self.boards,
            "notes": self.notes,
            "items": [asdict(o) for o in self.outcomes],
        }


def _line(o: ItemOutcome, dry_run: bool) -> str:
    who = f"{o.key:<10}" if o.key else f"{'#' + str(o.id):<10}"
    verb = _WOULD.get(o.status, o.status) if dry_run else o.status
    head = f"{_MARK[o.status]} {who} #{o.id} {o.type}"
    where = f" {o.path}" if o.path and o.status not in ("skipped", "failed") else ""
    text = f"{head}: {verb}{where}"
    if o.message:
        text += f" ({o.message})"
    return text + "".join(f"\n      note: {n}" for n in o.notes)


def render_text(result: ImportResult) -> str:
    lines = [_line(o, result.dry_run) for o in result.outcomes]
    lines += [f"note: {n}" for n in result.notes]
    n = result.counts()
    adopted = sum(1 for o in result.outcomes if o.adoption == "adopted")
    pending = sum(1 for o in result.outcomes if o.adoption == "pending")
    parts = [
        f"{n.get(k, 0)} {k}"
        for k in ("created", "updated", "overwritten", "unchanged", "kept", "skipped", "failed")
        if n.get(k, 0) or k in ("created", "skipped")
    ]
    lines += [
        "",
        f"{'Dry run: ' if result.dry_run else ''}Import: {len(result.outcomes)} work item(s): {', '.join(parts)}; "
        f"{adopted} adopted (marker tags written).",
    ]
    if pending:
        lines.append(_pending(result, pending))
    lines += _next_steps(result)
    return "\n".join(lines) + "\n"


def _pending(result: ImportResult, pending: int) -> str:
    if result.dry_run:
        return f"{pending} item(s) would be adopted (dry run: nothing was written, no marker tags)."
    if result.read_only:
        return (
            f"Read-only: {pending} item(s) were not adopted (no marker tags written). Their tickets carry `id:`, "
            "so nothing is duplicated: the next writable run (`ticketops apply`, or import again) adopts them."
        )
    return f"{pending} item(s) could not be adopted (see above); `ticketops apply` or another import retries."


def _next_steps(result: ImportResult) -> list[str]:
    if result.dry_run:
        return ["Nothing was written (dry run)."]
    if not result.written:
        return ["Nothing to write: the ticket files are up to date."]
    lines = [
        f"Wrote {len(result.written)} file(s). Review and commit them (from the repository root):",
        f"  git add {' '.join(sorted(set(result.folders)))}",
        '  git commit -m "Import work items from Azure DevOps"',
    ]
    for board in result.boards:
        parent = board.rsplit("/", 1)[0] if "/" in board else "."
        lines.append(f"New board for another project: {board} (plan/apply it with --repo {parent})")
    return lines
