"""The plan is data: a sorted tuple of actions, each a frozen pydantic model.

:data:`Action` is the closed union of every kind (work item steps here, git steps in
:mod:`ticketops.plan.git_actions`), discriminated by ``kind``: a plan read back from JSON gets
the right classes, and code that dispatches on an action (``match``, ending in
``assert_never``) is checked by mypy to handle every kind.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from ticketops.plan.base import ActionBase, FieldChange, Step, _Frozen, key_order
from ticketops.plan.git_actions import (
    CreateBranch,
    CreatePullRequest,
    LinkPullRequest,
    PullRequestClosed,
    PushSpec,
    UpdatePullRequest,
)

__all__ = [
    "Action",
    "ActionBase",
    "Blocked",
    "Conflict",
    "CreateWorkItem",
    "FieldChange",
    "Held",
    "Orphan",
    "Plan",
    "Prune",
    "Step",
    "Synced",
    "Unpaired",
    "UpdateWorkItem",
    "key_order",
    "sort_actions",
]


class Conflict(ActionBase):
    """Several work items claim the same ticket; that key gets no writes."""

    kind: Literal["conflict"] = "conflict"
    ids: tuple[int, ...]
    reason: str
    ERROR: ClassVar[bool] = True
    RANK: ClassVar[int] = 0


class Blocked(ActionBase):
    """A ticket-level error found before any write (unknown assignee, unreachable state,
    invalid ticket file...). The ticket's item, if any, is left alone."""

    kind: Literal["blocked"] = "blocked"
    id: int | None = None
    reason: str
    ERROR: ClassVar[bool] = True
    RANK: ClassVar[int] = 1


class CreateWorkItem(ActionBase):
    """Create the ticket's work item, marked with both ownership tags in the create call,
    then walk ``state_path`` from the type's initial state."""

    kind: Literal["create"] = "create"
    work_item_type: str
    initial_state: str
    path: str  # the ticket file, recorded in the audit line
    fields: tuple[FieldChange, ...]
    state_path: tuple[str, ...] = ()
    CHANGES: ClassVar[bool] = True
    RANK: ClassVar[int] = 10

    def field(self, ref: str) -> FieldChange | None:
        return next((f for f in self.fields if f.field == ref), None)


class UpdateWorkItem(ActionBase):
    """Update one item from revision ``rev``; state changes walk ``state_path``."""

    kind: Literal["update"] = "update"
    id: int
    rev: int
    path: str
    changes: tuple[FieldChange, ...]
    state_path: tuple[str, ...] = ()
    # Paired by the ticket's `id:` and not marked yet: this update adds the marker tags (adopts it).
    adopting: bool = False
    CHANGES: ClassVar[bool] = True
    RANK: ClassVar[int] = 20

    @property
    def drift(self) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.drift)


class Held(ActionBase):
    """Differences shown, never written (plan/ownership.py): a state ADO's pull request completion
    moved at or past the ticket's (``ahead``), and fields whose policy is ``report`` or ``ignore``.
    ``ticketops pull`` proposes the ``ahead`` and ``report`` ones for the ticket file."""

    kind: Literal["held"] = "held"
    id: int
    rev: int
    path: str
    changes: tuple[FieldChange, ...]
    RANK: ClassVar[int] = 25

    @property
    def ahead(self) -> bool:
        return any(c.hold == "ahead" for c in self.changes)

    def proposals(self) -> tuple[FieldChange, ...]:
        """The changes ``ticketops pull`` proposes for the ticket file."""
        return tuple(c for c in self.changes if c.hold in ("ahead", "report"))


class Orphan(ActionBase):
    """A marked item whose ticket file is gone: reported and left alone."""

    kind: Literal["orphan"] = "orphan"
    id: int
    title: str
    state: str
    RANK: ClassVar[int] = 30


class Unpaired(ActionBase):
    """An item marked ``ticketops`` that names no ticket (its ``ticketops:KEY`` tag is gone) and
    holds none back: reported, left alone. ``key`` is the ticket its history names, else ``#id``."""

    kind: Literal["unpaired"] = "unpaired"
    id: int
    title: str
    state: str
    reason: str
    RANK: ClassVar[int] = 35


class Prune(ActionBase):
    """With ``--prune``: move an orphan to the type's Removed-category state. Never delete."""

    kind: Literal["prune"] = "prune"
    id: int
    rev: int
    title: str
    from_state: str
    state_path: tuple[str, ...]
    CHANGES: ClassVar[bool] = True
    RANK: ClassVar[int] = 30


Action = Annotated[
    Conflict
    | Blocked
    | CreateWorkItem
    | UpdateWorkItem
    | Held
    | Orphan
    | Unpaired
    | Prune
    | CreateBranch
    | PushSpec
    | CreatePullRequest
    | UpdatePullRequest
    | LinkPullRequest
    | PullRequestClosed,
    Field(discriminator="kind"),
]


class Synced(_Frozen):
    """A ticket whose work item already matches."""

    key: str
    id: int
    rev: int


class Plan(_Frozen):
    project: str
    work_item_type: str
    commit: str | None
    actions: tuple[Action, ...] = ()
    synced: tuple[Synced, ...] = ()
    other_boards: dict[str, int] = Field(default_factory=dict)  # items of other boards (board -> count), left alone

    @property
    def changes(self) -> tuple[Action, ...]:
        """The actions that would write to ADO."""
        return tuple(a for a in self.actions if a.CHANGES)

    @property
    def errors(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.ERROR)

    @property
    def has_changes(self) -> bool:
        return any(a.CHANGES for a in self.actions)

    def with_actions(self, extra: tuple[Action, ...] | list[Action]) -> Plan:
        """This plan plus ``extra`` actions (later steps: branches, pushes, pull requests), sorted."""
        return self.model_copy(update={"actions": sort_actions((*self.actions, *extra))})

    def only(self, keys: frozenset[str]) -> Plan:
        """This plan limited to the tickets ``keys`` (``--target``); everything else is left out,
        neither written nor reported."""
        return self.model_copy(
            update={
                "actions": tuple(a for a in self.actions if a.key in keys),
                "synced": tuple(s for s in self.synced if s.key in keys),
            }
        )

    def for_key(self, key: str) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.key == key)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for a in self.actions:
            out[a.kind] = out.get(a.kind, 0) + 1
        out["synced"] = len(self.synced)
        return out


def sort_actions(actions: list[Action] | tuple[Action, ...]) -> tuple[Action, ...]:
    return tuple(sorted(actions, key=lambda a: a.sort_key()))
