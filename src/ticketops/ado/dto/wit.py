"""Work item tracking DTOs: work items, patches, types, states, comments, updates."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, JsonValue, field_validator, model_serializer

from ticketops.ado.dto.common import AdoModel, IdentityRef

# A field value as ADO sends it. Identity fields (System.AssignedTo, ...) are IdentityRef.
FieldValue = str | int | float | bool | IdentityRef | list[JsonValue] | dict[str, JsonValue] | None
RelationAttr = str | int | float | bool | None

_IDENTITY_KEYS = frozenset({"displayName", "uniqueName", "descriptor"})


def _identity_dicts(fields: object) -> object:
    """Turn identity-shaped objects into :class:`IdentityRef` so typed accessors work."""
    if not isinstance(fields, dict):
        return fields
    out: dict[str, object] = {}
    for key, value in fields.items():
        if isinstance(value, dict) and _IDENTITY_KEYS & value.keys():
            value = IdentityRef.model_validate(value)
        out[key] = value
    return out


class PatchOp(BaseModel):
    """One JSON Patch operation: ``{"op", "path", "value"}`` (``value`` omitted for remove)."""

    model_config = ConfigDict(frozen=True)

    op: Literal["add", "remove", "replace", "test", "move", "copy"]
    path: str
    value: JsonValue = None
    from_: str | None = None

    @model_serializer
    def _wire(self) -> dict[str, JsonValue]:
        out: dict[str, JsonValue] = {"op": self.op, "path": self.path}
        if self.from_ is not None:
            out["from"] = self.from_
        if self.op not in ("remove", "move", "copy"):
            out["value"] = self.value
        return out

    @classmethod
    def test_rev(cls, rev: int) -> PatchOp:
        """The optimistic-concurrency guard: put it first in an update."""
        return cls(op="test", path="/rev", value=rev)

    @classmethod
    def set_field(cls, name: str, value: JsonValue) -> PatchOp:
        return cls(op="add", path=f"/fields/{name}", value=value)

    @classmethod
    def update_field(cls, name: str, value: JsonValue) -> PatchOp:
        """Set a field of an existing work item to exactly ``value``.

        ``System.Tags`` needs ``replace``: ADO merges an ``add`` into the tags already there (the
        spec example httpExamples/wit/workItems/PATCH__wit_workitems__taskId_9.json adds
        "Tag1; Tag2" to an item tagged "Tag0" and answers "Tag0; Tag1; Tag2"), so a tag could
        never be taken off with ``add``. Other fields keep ``add``, which sets them.
        """
        return cls(op="replace" if name == "System.Tags" else "add", path=f"/fields/{name}", value=value)


class Relation(AdoModel):
    rel: str
    url: str
    attributes: dict[str, RelationAttr] = Field(default_factory=dict)


class WorkItem(AdoModel):
    id: int
    rev: int
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    relations: list[Relation] = Field(default_factory=list)
    multiline_fields_format: dict[str, str] = Field(default_factory=dict)
    url: str = ""

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, v: object) -> object:
        return {} if v is None else _identity_dicts(v)

    @field_validator("relations", mode="before")
    @classmethod
    def _relations(cls, v: object) -> object:
        return [] if v is None else v

    @field_validator("multiline_fields_format", mode="before")
    @classmethod
    def _formats(cls, v: object) -> object:
        return {} if v is None else v

    def field(self, name: str) -> FieldValue:
        return self.fields.get(name)

    def field_str(self, name: str) -> str | None:
        """A field as text: strings as-is, numbers/bools via ``str``, identities by unique name."""
        value = self.fields.get(name)
        if value is None:
            return None
        if isinstance(value, IdentityRef):
            return str(value) or None
        if isinstance(value, (list, dict)):
            return None
        return value if isinstance(value, str) else str(value)

    def field_int(self, name: str) -> int | None:
        value = self.fields.get(name)
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        return None

    def identity(self, name: str) -> IdentityRef | None:
        """An identity field; old servers send ``"Name <user@x>"`` strings, parsed here too."""
        value = self.fields.get(name)
        if isinstance(value, IdentityRef):
            return value
        if isinstance(value, str) and value:
            if value.endswith(">") and "<" in value:
                display, _, rest = value.rpartition("<")
                return IdentityRef(display_name=display.strip() or None, unique_name=rest[:-1].strip())
            return IdentityRef(unique_name=value)
        return None

    @property
    def tags(self) -> list[str]:
        """``System.Tags`` (``"a; b"``) as a list, in ADO's order, without empties."""
        raw = self.field_str("System.Tags") or ""
        return [t.strip() for t in raw.split(";") if t.strip()]

    @property
    def work_item_type(self) -> str | None:
        return self.field_str("System.WorkItemType")

    @property
    def state(self) -> str | None:
        return self.field_str("System.State")

    @property
    def title(self) -> str | None:
        return self.field_str("System.Title")

    def format_of(self, name: str) -> str:
        """``"markdown"`` or ``"html"`` for a long-text field (HTML unless ADO says otherwise)."""
        for key, fmt in self.multiline_fields_format.items():
            if key.lower() == name.lower():
                return fmt.lower()
        return "html"


class WorkItemRef(AdoModel):
    id: int
    url: str | None = None


class WiqlResult(AdoModel):
    work_items: list[WorkItemRef] = Field(default_factory=list)
    as_of: datetime | None = None  # the server's time when it ran the query

    @property
    def ids(self) -> list[int]:
        return [ref.id for ref in self.work_items]


class WorkItemState(AdoModel):
    name: str
    color: str | None = None
    category: str | None = None


class WorkItemType(AdoModel):
    name: str
    reference_name: str | None = None
    is_disabled: bool = False
    states: list[WorkItemState] = Field(default_factory=list)
    # from state -> states it may move to; the "" key holds the initial state(s)
    transitions: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("transitions", mode="before")
    @classmethod
    def _targets(cls, v: object) -> object:
        if not isinstance(v, dict):
            return {} if v is None else v
        out: dict[str, list[str]] = {}
        for source, targets in v.items():
            names = []
            for t in targets or []:
                names.append(t.get("to") if isinstance(t, dict) else t)
            out[str(source)] = [n for n in names if isinstance(n, str)]
        return out

    @field_validator("states", mode="before")
    @classmethod
    def _states(cls, v: object) -> object:
        return [] if v is None else v

    @property
    def initial_states(self) -> list[str]:
        return self.transitions.get("", [])


class Comment(AdoModel):
    id: int = Field(validation_alias=AliasChoices("id", "commentId"))
    work_item_id: int | None = None
    version: int | None = None
    text: str = ""
    format: str | None = None
    rendered_text: str | None = None
    created_by: IdentityRef | None = None
    created_date: str | None = None
    modified_date: str | None = None
    is_deleted: bool = False
    url: str | None = None


class CommentList(AdoModel):
    comments: list[Comment] = Field(default_factory=list)
    continuation_token: str | None = None
    total_count: int | None = None


class FieldChange(AdoModel):
    old_value: FieldValue = None
    new_value: FieldValue = None

    @field_validator("old_value", "new_value", mode="before")
    @classmethod
    def _identity(cls, v: object) -> object:
        wrapped = _identity_dicts({"v": v})
        return wrapped["v"] if isinstance(wrapped, dict) else v


class RelationChanges(AdoModel):
    added: list[Relation] = Field(default_factory=list)
    removed: list[Relation] = Field(default_factory=list)
    updated: list[Relation] = Field(default_factory=list)


class WorkItemUpdate(AdoModel):
    """One entry of ``.../updates``: what changed in one revision."""

    id: int
    work_item_id: int | None = None
    rev: int | None = None
    revised_by: IdentityRef | None = None
    revised_date: str | None = None
    fields: dict[str, FieldChange] = Field(default_factory=dict)
    relations: RelationChanges | None = None


def wire_ops(ops: list[PatchOp]) -> JsonValue:
    """Serialize patch operations for the request body."""
    return [op.model_dump() for op in ops]
