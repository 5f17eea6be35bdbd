"""The plan is data: a sorted tuple of actions.

Every action is a frozen pydantic model with a ``kind`` literal, a ticket ``key`` and a
``step`` (work item, branch, spec push, pull request, links), so a plan sorts by key and then
by step. New kinds (branch, push, pull request...) subclass :class:`Action`; subclasses
register themselves by ``kind`` so a plan read back from JSON gets the right classes, and
:data:`WorkItemAction` is the discriminated union of the kinds defined here.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, field_validator

from ticketops.plan.fields import label


class Step(IntEnum):
    """Order of the steps for one ticket. Gaps leave room for later steps."""

    WORK_ITEM = 10
    BRANCH = 20
    SPEC_PUSH = 30
    PULL_REQUEST = 40
    LINKS = 50


_KEY_SORT_RE = re.compile(r"^(?P<prefix>.*?)-(?P<num>\d+)$")


def key_order(key: str) -> tuple[str, int, str]:
    """``PAY-2`` before ``PAY-10``: prefix, then number."""
    m = _KEY_SORT_RE.match(key)
    return (m.group("prefix"), int(m.group("num")), key) if m else (key, -1, key)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


FieldValue = int | str | None


class FieldChange(_Frozen):
    """One managed field going from ``old`` (live) to ``new`` (the exact value written).

    ``new=None`` clears the field. ``drift`` is set when the live value was last changed by
    someone other than ticketops, so the change puts back a person's edit in ADO.
    ``format`` is the format a long-text field is written in.
    """

    field: str
    old: FieldValue = None
    new: FieldValue = None
    drift: bool = False
    format: Literal["markdown", "html"] | None = None

    @property
    def label(self) -> str:
        return label(self.field)


_REGISTRY: dict[str, type[Action]] = {}


class Action(_Frozen):
    """Base of every plan action."""

    kind: str
    key: str
    step: int = Step.WORK_ITEM

    # Does executing it change ADO? Is it an error the user must fix?
    CHANGES: ClassVar[bool] = False
    ERROR: ClassVar[bool] = False
    RANK: ClassVar[int] = 50  # order among actions of the same key and step

    @classmethod
    def __pydantic_init_subclass__(cls, **kw: Any) -> None:
        super().__pydantic_init_subclass__(**kw)
        kind = cls.model_fields["kind"].default
        if isinstance(kind, str):
            _REGISTRY[kind] = cls

    def sort_key(self) -> tuple[Any, ...]:
        return (key_order(self.key), self.step, self.RANK, self.kind)


def action_from_dict(data: dict[str, Any]) -> Action:
    """Rebuild an action from its JSON form, by ``kind``."""
    cls = _REGISTRY.get(str(data.get("kind")))
    if cls is None:
        raise ValueError(f"unknown action kind {data.get('kind')!r}; known: {sorted(_REGISTRY)}")
    return cls.model_validate(data)


class Conflict(Action):
    """Several work items claim the same ticket; that key gets no writes."""

    kind: Literal["conflict"] = "conflict"
    ids: tuple[int, ...]
    reason: str
    ERROR: ClassVar[bool] = True
    RANK: ClassVar[int] = 0


class Blocked(Action):
    """A ticket-level error found before any write (unknown assignee, unreachable state,
    invalid ticket file...). The ticket's item, if any, is left alone."""

    kind: Literal["blocked"] = "blocked"
    id: int | None = None
    reason: str
    ERROR: ClassVar[bool] = True
    RANK: ClassVar[int] = 1


class CreateWorkItem(Action):
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


class UpdateWorkItem(Action):
    """Update one item from revision ``rev``; state changes walk ``state_path``."""

    kind: Literal["update"] = "update"
    id: int
    rev: int
    path: str
    changes: tuple[FieldChange, ...]
    state_path: tuple[str, ...] = ()
    CHANGES: ClassVar[bool] = True
    RANK: ClassVar[int] = 20

    @property
    def drift(self) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.drift)


class Orphan(Action):
    """A marked item whose ticket file is gone: reported and left alone."""

    kind: Literal["orphan"] = "orphan"
    id: int
    title: str
    state: str
    RANK: ClassVar[int] = 30


class Unpaired(Action):
    """An item marked ``ticketops`` that names no ticket (its ``ticketops:KEY`` tag is gone) and
    holds none back: reported, left alone. ``key`` is the ticket its history names, else ``#id``."""

    kind: Literal["unpaired"] = "unpaired"
    id: int
    title: str
    state: str
    reason: str
    RANK: ClassVar[int] = 35


class Prune(Action):
    """With ``--prune``: move an orphan to the type's Removed-category state. Never delete."""

    kind: Literal["prune"] = "prune"
    id: int
    rev: int
    title: str
    from_state: str
    state_path: tuple[str, ...]
    CHANGES: ClassVar[bool] = True
    RANK: ClassVar[int] = 30


WorkItemAction = Annotated[
    Conflict | Blocked | CreateWorkItem | UpdateWorkItem | Orphan | Prune | Unpaired,
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
    actions: tuple[SerializeAsAny[Action], ...] = ()
    synced: tuple[Synced, ...] = ()

    @field_validator("actions", mode="before")
    @classmethod
    def _by_kind(cls, v: Any) -> Any:
        return tuple(action_from_dict(a) if isinstance(a, dict) else a for a in v)

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
