"""Work item relations: ``/relations/-`` adds, ``/relations/<n>`` removes or edits.

Links between work items are two-sided: adding ``Hierarchy-Reverse`` (child -> parent) on one
item puts ``Hierarchy-Forward`` on the other, as ADO does. An item has at most one parent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ticketops.emulator.db.patch import PatchOp
from ticketops.emulator.db.records import Relation, WorkItem
from ticketops.emulator.errors import AdoError, bad_request

FORWARD, REVERSE, RELATED = (
    "System.LinkTypes.Hierarchy-Forward",
    "System.LinkTypes.Hierarchy-Reverse",
    "System.LinkTypes.Related",
)
INVERSE = {
    FORWARD: REVERSE,
    REVERSE: FORWARD,
    RELATED: RELATED,
    "System.LinkTypes.Dependency-Forward": "System.LinkTypes.Dependency-Reverse",
    "System.LinkTypes.Dependency-Reverse": "System.LinkTypes.Dependency-Forward",
}
OTHER_RELS = ("ArtifactLink", "Hyperlink", "AttachedFile")
_CANONICAL = {r.lower(): r for r in (*INVERSE, *OTHER_RELS)}
WORK_ITEM_URL_RE = re.compile(r"/_apis/wit/workItems/(\d+)/?$", re.IGNORECASE)


def _error(message: str) -> AdoError:
    return bad_request(message, "WorkItemLinkInvalidException")


@dataclass
class RelationDraft:
    """The relations of one work item while a patch is applied."""

    item_id: int  # -1 for a new item
    relations: list[Relation]
    added: list[Relation] = field(default_factory=list)
    removed: list[Relation] = field(default_factory=list)
    updated: list[Relation] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.updated)


def linked_id(rel: Relation) -> int | None:
    """The other work item's id when ``rel`` links two work items."""
    if rel.rel not in INVERSE:
        return None
    m = WORK_ITEM_URL_RE.search(rel.url)
    return int(m.group(1)) if m else None


def apply_relation_op(op: PatchOp, draft: RelationDraft, lookup: Callable[[int], WorkItem | None]) -> None:
    parts = op.parts
    if op.op == "test":
        raise _error(f"The 'test' operation is not supported on '{op.path}'.")
    if len(parts) == 2 and parts[1] == "-":
        if op.op != "add":
            raise _error(f"Use 'add' with '{op.path}' to add a relation.")
        _add(op.value, draft, lookup)
        return
    index = _index(parts, draft, op.path)
    if len(parts) == 2:
        if op.op == "remove":
            draft.removed.append(draft.relations.pop(index))
        else:  # replace or add at an index: a new value for that relation
            old = draft.relations.pop(index)
            draft.removed.append(old)
            _add(op.value, draft, lookup, at=index)
        return
    if parts[2] != "attributes":
        raise _error(f"The path '{op.path}' is not supported.")
    _edit_attributes(op, parts[3:], draft.relations[index])
    draft.updated.append(draft.relations[index])


def _index(parts: list[str], draft: RelationDraft, path: str) -> int:
    if not parts[1].isdigit() or int(parts[1]) >= len(draft.relations):
        raise _error(
            f"The relation index in '{path}' is out of range: the work item has {len(draft.relations)} relations."
        )
    return int(parts[1])


def _edit_attributes(op: PatchOp, rest: list[str], rel: Relation) -> None:
    if not rest:
        if op.op == "remove" or not isinstance(op.value, dict):
            raise _error("Relation attributes must be an object.")
        rel.attributes.update(op.value)
        return
    if op.op == "remove":
        rel.attributes.pop(rest[0], None)
    else:
        rel.attributes[rest[0]] = op.value


def _add(value: object, draft: RelationDraft, lookup: Callable[[int], WorkItem | None], at: int | None = None) -> None:
    if not isinstance(value, dict) or not isinstance(value.get("rel"), str) or not isinstance(value.get("url"), str):
        raise _error("A relation needs a 'rel' and a 'url'.")
    rel_name = _CANONICAL.get(value["rel"].lower())
    if rel_name is None:
        raise _error(f"The link type '{value['rel']}' is not valid. Known link types: {sorted(_CANONICAL.values())}.")
    attrs = value.get("attributes") or {}
    if not isinstance(attrs, dict):
        raise _error("Relation attributes must be an object.")
    rel = Relation(rel_name, value["url"], dict(attrs))
    _validate(rel, draft, lookup)
    if at is None:
        draft.relations.append(rel)
    else:
        draft.relations.insert(at, rel)
    draft.added.append(rel)


def _validate(rel: Relation, draft: RelationDraft, lookup: Callable[[int], WorkItem | None]) -> None:
    if any(r.key() == rel.key() for r in draft.relations):
        raise _error(f"Relation already exists: {rel.rel} {rel.url}")
    if rel.rel == "ArtifactLink":
        if not rel.url.lower().startswith("vstfs:///"):
            raise _error(f"An ArtifactLink url must be a vstfs:/// artifact URI, not '{rel.url}'.")
        if not isinstance(rel.attributes.get("name"), str):
            raise _error("An ArtifactLink needs attributes.name (the link type, for example 'Pull Request').")
        return
    if rel.rel in OTHER_RELS:
        return
    target_id = linked_id(rel)
    if target_id is None:
        raise _error(f"A {rel.rel} url must be a work item url (.../_apis/wit/workItems/<id>), not '{rel.url}'.")
    if target_id == draft.item_id:
        raise _error("A work item cannot be linked to itself.")
    target = lookup(target_id)
    if target is None:
        raise _error(f"TF401232: Work item {target_id} does not exist, or you do not have permissions to read it.")
    if rel.rel == REVERSE and any(r.rel == REVERSE for r in draft.relations):
        raise _error("A work item can have only one parent (System.LinkTypes.Hierarchy-Reverse).")
    if rel.rel == FORWARD and any(r.rel == REVERSE for r in target.relations):
        raise _error(f"Work item {target_id} already has a parent; a work item can have only one parent.")
    rel.attributes.setdefault("isLocked", False)
