"""Work item tracking wire shapes: work items, revisions, updates, comments, types."""

from __future__ import annotations

from ticketops.emulator.clock import iso
from ticketops.emulator.db.records import Comment, FieldValue, Relation, Revision, Update, WorkItem
from ticketops.emulator.fields import FIELDS
from ticketops.emulator.fields import field as field_def
from ticketops.emulator.identity import User, identity_ref
from ticketops.emulator.processes import WorkItemTypeDef

MAX_DATE = "9999-01-01T00:00:00Z"


def value_json(ref: str, value: FieldValue, base: str) -> object:
    if isinstance(value, User):
        return identity_ref(value, base)
    f = field_def(ref)
    if f is not None and f.type == "dateTime" and isinstance(value, (int, float)):
        return iso(float(value))
    return value


def fields_json(
    item_id: int, rev: int, fields: dict[str, FieldValue], base: str, only: list[str] | None
) -> dict[str, object]:
    if only is None:
        return {ref: value_json(ref, v, base) for ref, v in fields.items()}
    out: dict[str, object] = {}
    for name in only:
        f = field_def(name)
        ref = f.ref if f else name
        if ref == "System.Id":
            out[ref] = item_id
        elif ref == "System.Rev":
            out[ref] = rev
        elif ref in fields:
            out[ref] = value_json(ref, fields[ref], base)
    return out


def relation_json(rel: Relation) -> dict[str, object]:
    return {"rel": rel.rel, "url": rel.url, "attributes": dict(rel.attributes)}


def item_url(base: str, item_id: int) -> str:
    return f"{base}/_apis/wit/workItems/{item_id}"


def links_json(item: WorkItem, base: str) -> dict[str, object]:
    url = item_url(base, item.id)
    return {
        "self": {"href": url},
        "workItemUpdates": {"href": f"{url}/updates"},
        "workItemRevisions": {"href": f"{url}/revisions"},
        "workItemComments": {"href": f"{url}/comments"},
        "html": {"href": f"{base}/{item.project.name}/_workitems/edit/{item.id}"},
        "workItemType": {"href": f"{base}/{item.project.id}/_apis/wit/workItemTypes/{item.type.name}"},
        "fields": {"href": f"{base}/_apis/wit/fields"},
    }


def work_item_json(
    item: WorkItem,
    base: str,
    *,
    expand: str = "none",
    fields: list[str] | None = None,
    links: bool = False,
    snapshot: Revision | None = None,
) -> dict[str, object]:
    """``expand``: none | relations | fields | links | all (case-insensitive)."""
    expand = expand.lower()
    rev = snapshot.rev if snapshot else item.rev
    stored = snapshot.fields if snapshot else item.fields
    rels = snapshot.relations if snapshot else item.relations
    formats = snapshot.formats if snapshot else item.formats
    shown = fields_json(item.id, rev, stored, base, fields)
    if fields is None and expand in ("fields", "all"):
        shown = {"System.Id": item.id, "System.Rev": rev, **shown}  # expanded fields include the computed ones
    out: dict[str, object] = {"id": item.id, "rev": rev, "fields": shown}
    if formats and fields is None:
        out["multilineFieldsFormat"] = dict(formats)
    if expand in ("relations", "all") and rels:
        out["relations"] = [relation_json(r) for r in rels]
    if links or expand in ("links", "all"):
        out["_links"] = revision_links(item, snapshot.rev, base) if snapshot else links_json(item, base)
    out["url"] = item_url(base, item.id)
    return out


def update_json(item: WorkItem, upd: Update, base: str) -> dict[str, object]:
    url = item_url(base, item.id)
    out: dict[str, object] = {
        "id": upd.rev,
        "workItemId": item.id,
        "rev": upd.rev,
        "revisedBy": identity_ref(upd.by, base),
        "revisedDate": iso(upd.date),
    }
    changes: dict[str, object] = {"System.Id": {"newValue": item.id}} if upd.rev == 1 else {}
    for ref, (old, new) in upd.fields.items():
        entry: dict[str, object] = {}
        if old is not None:
            entry["oldValue"] = value_json(ref, old, base)
        if new is not None:
            entry["newValue"] = value_json(ref, new, base)
        changes[ref] = entry
    out["fields"] = changes
    rels: dict[str, object] = {}
    for key, lst in (("added", upd.added), ("removed", upd.removed), ("updated", upd.updated)):
        if lst:
            rels[key] = [relation_json(r) for r in lst]
    if rels:
        out["relations"] = rels
    out["_links"] = {
        "self": {"href": f"{url}/updates/{upd.rev}"},
        "workItemUpdates": {"href": f"{url}/updates"},
        "parent": {"href": url},
    }
    out["url"] = f"{url}/updates/{upd.rev}"
    return out


def revision_json(item: WorkItem, snap: Revision, base: str, expand: str) -> dict[str, object]:
    out = work_item_json(item, base, expand=expand, snapshot=snap, links=True)
    out["url"] = f"{item_url(base, item.id)}/revisions/{snap.rev}"
    return out


def revision_links(item: WorkItem, rev: int, base: str) -> dict[str, object]:
    url = item_url(base, item.id)
    return {
        "self": {"href": f"{url}/revisions/{rev}"},
        "workItemRevisions": {"href": f"{url}/revisions"},
        "parent": {"href": url},
    }


def comment_json(c: Comment, project_base: str, base: str) -> dict[str, object]:
    return {
        "workItemId": c.work_item_id,
        "id": c.id,
        "version": c.version,
        "text": c.text,
        "renderedText": c.text,
        "format": c.format,
        "createdBy": identity_ref(c.created_by, base),
        "createdDate": iso(c.created_date),
        "modifiedBy": identity_ref(c.modified_by, base),
        "modifiedDate": iso(c.modified_date),
        "isDeleted": c.is_deleted,
        "mentions": [],
        "reactions": [],
        "url": f"{project_base}/_apis/wit/workItems/{c.work_item_id}/comments/{c.id}",
    }


def field_ref_json(ref: str, base: str) -> dict[str, object]:
    f = field_def(ref)
    return {
        "referenceName": f.ref if f else ref,
        "name": f.name if f else ref,
        "url": f"{base}/_apis/wit/fields/{f.ref if f else ref}",
    }


def state_json(wit: WorkItemTypeDef) -> list[dict[str, object]]:
    return [{"name": s.name, "color": s.color, "category": s.category} for s in wit.states]


def type_json(wit: WorkItemTypeDef, project_base: str, base: str) -> dict[str, object]:
    url = f"{project_base}/_apis/wit/workItemTypes/{wit.name}"
    fields = [
        {
            "helpText": "",
            "alwaysRequired": f.ref == "System.Title",
            "defaultValue": None,
            "referenceName": f.ref,
            "name": f.name,
            "url": f"{base}/_apis/wit/fields/{f.ref}",
        }
        for f in FIELDS
    ]
    return {
        "name": wit.name,
        "referenceName": wit.reference_name,
        "description": wit.description,
        "color": wit.color,
        "icon": {"id": wit.icon, "url": f"{base}/_apis/wit/workItemIcons/{wit.icon}?color={wit.color}&v=2"},
        "isDisabled": False,
        "xmlForm": "",
        "fields": fields,
        "fieldInstances": fields,
        "transitions": wit.transitions_json(),
        "states": state_json(wit),
        "_links": {"self": {"href": url}},
        "url": url,
    }
