"""Proposals: ADO's changes back into the ticket files, as edits people review.

For every :class:`~ticketops.plan.Held` change that is ``ahead`` (a state ADO's pull request
completion set) or under the ``report`` policy (a person's edit kept in ADO), the ticket file's
front matter value is changed to ADO's, in place: only that value's characters, found by the
node positions ``desired/yamldoc.py`` keeps (``authoring.replace_value``); the file is never
re-serialised. A state maps back to a status only when exactly one status maps to it; otherwise
the proposal is refused, naming the candidates. Multi-line and merged fields (description,
acceptance criteria, tags) are not proposed: they are named so a person can copy them by hand.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ticketops.desired.authoring import Edit, replace_value
from ticketops.model.config import BoardConfig
from ticketops.model.errors import ValidationFailed
from ticketops.plan import FieldChange, Held
from ticketops.plan import fields as f


@dataclass(frozen=True)
class Change:
    """One front matter value to change, and where ADO's value came from."""

    field: str  # the ticket file's name: status, title, ...
    value: str | int
    change: FieldChange


@dataclass(frozen=True)
class Proposal:
    key: str
    path: str  # repo-relative, e.g. .tickets/PAY-1.md
    before: str
    after: str
    changes: tuple[Change, ...] = ()
    refused: tuple[str, ...] = field(default=())  # why a change could not be proposed

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """The change as a unified diff (``a/`` and ``b/`` paths, as ``git diff`` prints)."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            f"a/{self.path}",
            f"b/{self.path}",
        )
        return "".join(x if x.endswith("\n") else x + "\n\\ No newline at end of file\n" for x in lines)

    def edit(self) -> Edit:
        return Edit(self.path, self.before, self.after, None)


def status_for(config: BoardConfig, state: str, path: str) -> str:
    """The one status mapped to ``state``, or raise ValueError naming the candidates."""
    candidates = [s.name for s in config.effective_statuses if s.state.lower() == state.lower()]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ValueError(
            f"{path}: no status maps to ADO state {state!r}; set `status:` by hand (or map it in statuses)"
        )
    raise ValueError(
        f"{path}: ADO state {state!r} is mapped by {len(candidates)} statuses ({', '.join(candidates)}); "
        "not guessing: set `status:` by hand"
    )


def _ticket_value(config: BoardConfig, c: FieldChange, path: str) -> tuple[str, str | int]:
    """``(front matter field, value)`` for ADO's value ``c.old``; ValueError when not proposable."""
    live = c.old
    if c.field == f.STATE:
        return "status", status_for(config, str(live), path)
    if c.field in (f.TITLE, f.AREA_PATH, f.PRIORITY) and live not in (None, ""):
        name = {f.TITLE: "title", f.AREA_PATH: "area_path", f.PRIORITY: "priority"}[c.field]
        return name, live if isinstance(live, int) else str(live)
    if c.field == f.ASSIGNED_TO and live:
        return "assignee", str(live)
    what = "emptied in ADO" if live in (None, "") else "a multi-line or merged field"
    raise ValueError(f"{path}: {c.label} is {what}; not proposed, copy it from ADO by hand if wanted")


def propose(config: BoardConfig, held: Held, text: str, path: str) -> Proposal:
    """The ticket file ``text`` with ADO's values for ``held``'s ahead/report changes."""
    after = text
    done: list[Change] = []
    refused: list[str] = []
    for c in held.proposals():
        try:
            name, value = _ticket_value(config, c, path)
            after = replace_value(path, after, name, value).after
        except ValueError as e:
            refused.append(str(e))
            continue
        except ValidationFailed as e:
            refused.append("; ".join(str(p) for p in e.problems))
            continue
        done.append(Change(name, value, c))
    return Proposal(held.key, path, text, after, tuple(done), tuple(refused))


def describe(p: Proposal) -> list[str]:
    """One line per change: ``PAY-1 status: in-review -> done (ADO: state Closed, pull request 4
    completed by alice@contoso.com at ...)``."""
    out = []
    for ch in p.changes:
        c = ch.change
        source = f"state {c.old}" if c.field == f.STATE else f"{c.label} {c.old}"
        how = f"pull request {c.pull_request} completed" if c.hold == "ahead" else "changed"
        who = f" by {c.by}" if c.by else ""
        when = f" at {c.at}" if c.at else ""
        out.append(f"{p.key} {ch.field}: -> {ch.value} (ADO: {source}; {how}{who}{when})")
    return out
