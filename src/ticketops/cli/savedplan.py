"""The file of a saved plan: ``plan -out FILE`` writes it, ``apply FILE`` reads it.

JSON, ``{"format": "ticketops-plan/1", ...}``: the organization, project and commit, the
``--target``/``--prune`` it was made with, what it read (:class:`~ticketops.plan.saved.ReadSet`),
the plan itself (as ``plan --json`` prints it) and that plan's digest. Written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ticketops.model.errors import TicketopsError
from ticketops.plan import Plan, plan_json
from ticketops.plan.saved import FORMAT, ReadSet, moved


class SavedPlanError(TicketopsError):
    """A saved plan cannot be read, or no longer matches ADO or the board."""


def digest(plan: Plan) -> str:
    return hashlib.sha256(json.dumps(plan_json(plan), sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class SavedPlan:
    path: str
    org_url: str
    project: str
    targets: frozenset[str]
    prune: bool
    read: ReadSet
    digest: str

    @property
    def commit(self) -> str:
        assert self.read.commit is not None  # refused when saving
        return self.read.commit

    def check(self, plan: Plan, read: ReadSet) -> None:
        """Refuse (raise) unless ``plan`` is the saved one, made from the same reads."""
        if lines := moved(self.read, read):
            shown = "\n".join(f"  {line}" for line in lines[:20])
            more = f"\n  ... and {len(lines) - 20} more" if len(lines) > 20 else ""
            raise SavedPlanError(
                f"{self.path}: refused, {len(lines)} thing(s) it read changed since it was made:\n{shown}{more}\n"
                "Nothing was written. Make a new plan (`ticketops plan -out FILE`) and have it approved again."
            )
        if digest(plan) != self.digest:
            raise SavedPlanError(
                f"{self.path}: refused, ADO and the commit are as they were, but the plan made now differs from "
                "the saved one (another ticketops version, or another organization setting?). Nothing was "
                "written; make a new plan with this ticketops."
            )


def save(path: str, plan: Plan, read: ReadSet, *, org_url: str, targets: frozenset[str], prune: bool) -> None:
    if read.commit is None:
        raise SavedPlanError("plan -out saves a plan of a commit, not of the working tree: commit, then plan again")
    doc = {
        "format": FORMAT,
        "organization_url": org_url,
        "project": plan.project,
        "targets": sorted(targets),
        "prune": prune,
        "read": read.model_dump(mode="json"),
        "digest": digest(plan),
        "plan": plan_json(plan),
    }
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent if str(target.parent) else ".")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(doc, out, indent=2, ensure_ascii=False)
            out.write("\n")
        os.replace(tmp, target)
    except OSError as e:
        raise SavedPlanError(f"{path}: cannot write the plan ({e.strerror or e})") from e


def load(path: str) -> SavedPlan:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SavedPlanError(f"{path}: no such file; `ticketops plan -out {path}` saves a plan") from None
    except (OSError, ValueError) as e:
        raise SavedPlanError(f"{path}: not a saved plan ({e})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        found = doc.get("format") if isinstance(doc, dict) else None
        raise SavedPlanError(f"{path}: not a saved plan of this ticketops (format {found!r}, expected {FORMAT!r})")
    try:
        read = ReadSet.model_validate(doc["read"])
        saved = SavedPlan(
            path=path,
            org_url=str(doc["organization_url"]),
            project=str(doc["project"]),
            targets=frozenset(str(k) for k in doc["targets"]),
            prune=bool(doc["prune"]),
            read=read,
            digest=str(doc["digest"]),
        )
    except (KeyError, TypeError, AttributeError, ValidationError) as e:
        raise SavedPlanError(f"{path}: a damaged saved plan ({type(e).__name__}: {e}); make a new one") from None
    if read.commit is None:
        raise SavedPlanError(f"{path}: a saved plan names the commit it planned; this one does not")
    return saved
