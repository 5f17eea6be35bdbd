"""The live state: what ADO holds right now, as read by ``ticketops.live``.

These models are the boundary between the ADO wire format (the ``ado`` layer's DTOs) and the
pure planner. They hold normalised-enough values (emails lower-cased, tags as ADO lists them)
for the planner to compare; the planner owns the finer normalisation rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ticketops.model.ticket import KEY_RE

# The lease work item of a board without linked repositories (lease/item.py): never a
# ticket's item, never imported. A lease item replaced by a newer one carries the retired tag.
# Both are reserved in tickets, so they are defined next to that check (model/ticket.py).
from ticketops.model.ticket import LEASE_TAG as LEASE_TAG
from ticketops.model.ticket import RETIRED_LEASE_TAG as RETIRED_LEASE_TAG

# The ownership marker: every item ticketops creates carries both tags, set in the create call.
COMMON_TAG = "ticketops"
KEY_TAG_PREFIX = "ticketops:"
_KEY_TAG_RE = re.compile(r"^ticketops:(?P<key>.+)$", re.IGNORECASE)

# The fields ticketops manages (ADO reference names), in the order plans show them.
TITLE = "System.Title"
STATE = "System.State"
ASSIGNED_TO = "System.AssignedTo"
DESCRIPTION = "System.Description"
ACCEPTANCE_CRITERIA = "Microsoft.VSTS.Common.AcceptanceCriteria"
PRIORITY = "Microsoft.VSTS.Common.Priority"
TAGS = "System.Tags"
AREA_PATH = "System.AreaPath"
HISTORY = "System.History"
MANAGED_FIELDS: tuple[str, ...] = (
    TITLE,
    STATE,
    ASSIGNED_TO,
    PRIORITY,
    TAGS,
    AREA_PATH,
    DESCRIPTION,
    ACCEPTANCE_CRITERIA,
)

# Every write ticketops makes sets System.History to an audit line naming its source commit;
# that is also how drift is told apart from ticketops' own changes.
AUDIT_PREFIX = "ticketops: synced from "


def audit_line(commit: str | None, path: str) -> str:
    """``ticketops: synced from commit abc1234def56 (.tickets/PAY-1.md)``."""
    source = f"commit {commit[:12]}" if commit else "the working tree (uncommitted)"
    return f"{AUDIT_PREFIX}{source} ({path})"


# Category names ADO gives states (``GET .../workitemtypes/{type}/states``).
StateCategory = Literal["Proposed", "InProgress", "Resolved", "Completed", "Removed"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


BOARD_TAG_PREFIX = "ticketops-board:"


def board_tag(board: str) -> str:
    """``ticketops-board:payments-web``: the tag that says which board an item belongs to."""
    return f"{BOARD_TAG_PREFIX}{board}"


def boards_of(tags: tuple[str, ...]) -> frozenset[str]:
    """The board ids an item's ``ticketops-board:`` tags name (lower-cased)."""
    n = len(BOARD_TAG_PREFIX)
    return frozenset(t.strip()[n:].lower() for t in tags if t.strip().lower().startswith(BOARD_TAG_PREFIX))


def key_tag(key: str) -> str:
    """The per-ticket marker tag, e.g. ``ticketops:PAY-1``."""
    return f"{KEY_TAG_PREFIX}{key}"


def marker_keys(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Every ticket key named by a ``ticketops:KEY`` tag (upper-cased, sorted, unique)."""
    keys: set[str] = set()
    for tag in tags:
        m = _KEY_TAG_RE.match(tag.strip())
        if m and KEY_RE.match(m.group("key").strip().upper()):
            keys.add(m.group("key").strip().upper())
    return tuple(sorted(keys))


def split_tags(value: str | None) -> tuple[str, ...]:
    """``"a; b;c"`` -> ``("a", "b", "c")``: ADO keeps tags in one ``;``-separated string."""
    if not value:
        return ()
    return tuple(t.strip() for t in value.split(";") if t.strip())


class LiveWorkItem(_Frozen):
    """One work item as ADO reports it, reduced to the fields ticketops manages."""

    id: int
    rev: int
    type: str
    key: str | None = None  # from the ``ticketops:KEY`` tag; None when absent or ambiguous
    title: str = ""
    state: str = ""
    assignee: str | None = None  # lower-cased uniqueName/email of System.AssignedTo
    description: str = ""
    description_format: Literal["markdown", "html"] = "html"
    acceptance_criteria: str = ""
    priority: int | None = None
    tags: tuple[str, ...] = ()  # as ADO lists them
    area_path: str | None = None
    changed_date: str | None = None
    changed_by: str | None = None
    url: str | None = None
    # For an item with the common tag but no ``ticketops:KEY`` tag (someone removed it): the
    # key(s) its history says it belonged to (empty: ticketops never wrote it). Set by the reader.
    recovered_keys: tuple[str, ...] = ()

    @field_validator("assignee")
    @classmethod
    def _lower(cls, v: str | None) -> str | None:
        return v.strip().lower() if v and v.strip() else None

    @cached_property
    def marker_keys(self) -> tuple[str, ...]:
        """All keys the item's marker tags name (more than one is a conflict)."""
        return marker_keys(self.tags)

    @property
    def has_common_tag(self) -> bool:
        return any(t.lower() == COMMON_TAG for t in self.tags)

    @property
    def lost_marker(self) -> bool:
        """Marked ``ticketops`` but naming no ticket: its ``ticketops:KEY`` tag was removed."""
        return self.has_common_tag and not self.marker_keys


class StateInfo(_Frozen):
    name: str
    category: str = "InProgress"


class WorkItemTypeInfo(_Frozen):
    """A work item type's states and allowed transitions (``""`` = creation)."""

    name: str
    states: tuple[StateInfo, ...]
    transitions: dict[str, tuple[str, ...]] = Field(default_factory=dict)  # "" = creation
    initial_state: str
    # Reference names of the fields the type has; None when the server did not say.
    fields: frozenset[str] | None = None

    def __hash__(self) -> int:
        return hash((self.name, self.states, self.initial_state))

    @property
    def state_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.states)

    def find_state(self, name: str) -> StateInfo | None:
        """The state called ``name`` (ADO state names compare case-insensitively)."""
        for s in self.states:
            if s.name.lower() == name.lower():
                return s
        return None

    def removed_state(self) -> StateInfo | None:
        return next((s for s in self.states if s.category == "Removed"), None)

    def has_field(self, ref: str) -> bool:
        return self.fields is None or ref in self.fields


class Identity(_Frozen):
    """A person ADO knows, found by email through the identities API."""

    email: str
    id: str
    display_name: str = ""

    @field_validator("email")
    @classmethod
    def _lower(cls, v: str) -> str:
        return v.strip().lower()


class StateAutomation(_Frozen):
    """A state change ADO made itself: a pull request completed with "Complete linked work items
    after merging" (``completionOptions.transitionWorkItems``). Read from the item's ``/updates``:
    the revision, who made it (the identity that completed the pull request) and its history."""

    rev: int
    state: str
    by: str  # unique name (else display name) of the identity that made the revision
    by_id: str | None = None
    date: str | None = None
    pull_request: int


class FieldAuthors(_Frozen):
    """Who last changed each managed field of one item, from its ``/updates``.

    ``external`` names the fields (ADO reference names) whose last change was made by someone
    other than ticketops: their difference from the ticket is drift.
    """

    id: int
    external: frozenset[str] = frozenset()
    # The item's last state change, when ADO's pull request completion made it (else None).
    automation: StateAutomation | None = None
    # The value ticketops itself last wrote to each managed field, as text (identities by unique
    # name): a ticket asking for another value changed in git, and that change is written even
    # under the ``report`` policy.
    written: dict[str, str] = Field(default_factory=dict)


class LiveState(_Frozen):
    """Everything the planner needs to know about ADO, read once per pass."""

    items: tuple[LiveWorkItem, ...]
    type_info: WorkItemTypeInfo
    # email -> Identity, or None when the identities API does not know that person.
    identities: dict[str, Identity | None] = Field(default_factory=dict)
    markdown_supported: bool = True
    # Types other than ``type_info`` that tickets (``type:``) or live items use, by lower-case
    # name; a name mapped to None does not exist in the project (``project_types`` lists those that do).
    other_types: dict[str, WorkItemTypeInfo | None] = Field(default_factory=dict)
    project_types: tuple[str, ...] = ()
    # Marked items that belong to another board of the same project (board id -> count): left
    # out of ``items``, so they are never paired, pruned or changed; reported in the plan.
    other_boards: dict[str, int] = Field(default_factory=dict)

    @field_validator("identities", mode="after")
    @classmethod
    def _lower_keys(cls, v: Mapping[str, Identity | None]) -> dict[str, Identity | None]:
        return {k.strip().lower(): i for k, i in v.items()}

    def __hash__(self) -> int:
        return hash((self.items, self.type_info))

    def type_named(self, name: str | None) -> WorkItemTypeInfo | None:
        """The type called ``name`` (None: the board's type); None when it does not exist."""
        if name is None or name.strip().lower() == self.type_info.name.lower():
            return self.type_info
        return self.other_types.get(name.strip().lower())

    def item(self, id: int) -> LiveWorkItem:
        for it in self.items:
            if it.id == id:
                return it
        raise KeyError(id)
