"""Work items: create, update, get, list, batch, delete."""

from __future__ import annotations

from ticketops.emulator.clock import parse_iso
from ticketops.emulator.db.patch import parse_patch
from ticketops.emulator.db.records import Revision, WorkItem
from ticketops.emulator.errors import bad_request, field_not_found, work_item_missing, work_item_type_missing
from ticketops.emulator.fields import field as field_def
from ticketops.emulator.router import Ctx, EmuResponse, Route, listing
from ticketops.emulator.views_wit import work_item_json

PATCH = "application/json-patch+json"
BATCH_LIMIT = 200
EXPANDS = ("none", "relations", "fields", "links", "all")
ERROR_POLICIES = ("fail", "omit")


def expand_of(raw: object) -> str:
    value = str(raw or "none").lower()
    if value not in EXPANDS:
        raise bad_request(f"'{raw}' is not a valid $expand; use None, Relations, Fields, Links or All.")
    return value


def fields_of(raw: object, expand: str) -> list[str] | None:
    if raw in (None, "", []):
        return None
    if isinstance(raw, str):
        names = [s.strip() for s in raw.split(",")]
    elif isinstance(raw, list | tuple):
        names = [str(s) for s in raw]
    else:
        raise bad_request(f"'{raw}' is not a list of field names")
    if expand != "none":
        raise bad_request("The expand parameter can not be used with the fields parameter.")
    for n in names:
        if field_def(n) is None:
            raise field_not_found(n)
    return names


def _ids(raw: object) -> list[int]:
    if isinstance(raw, list):
        values = raw
    elif isinstance(raw, str) and raw.strip():
        values = [s.strip() for s in raw.split(",")]
    else:
        raise bad_request(
            "The ids parameter is required: a comma-separated list of work item ids.", "ArgumentNullException"
        )
    try:
        ids = [int(v) for v in values]
    except (TypeError, ValueError) as e:
        raise bad_request(f"The ids parameter must list whole numbers, not {raw!r}.") from e
    if len(ids) > BATCH_LIMIT:
        raise bad_request(
            f"VS403474: You requested {len(ids)} work items; at most {BATCH_LIMIT} can be read in one call.",
            "VssPropertyValidationException",
        )
    return ids


def _flag(ctx: Ctx, name: str) -> bool:
    return ctx.req.q_bool(name)


def create(ctx: Ctx) -> EmuResponse:
    project = ctx.need_project()
    type_name = ctx.param("type")
    wit = project.template.type(type_name)
    if wit is None:
        raise work_item_type_missing(type_name, project.name)
    ops = parse_patch(ctx.req.json())
    item = ctx.db.wit.create(
        project, wit, ops, ctx.user, validate_only=_flag(ctx, "validateOnly"), bypass_rules=_flag(ctx, "bypassRules")
    )
    expand = expand_of(ctx.req.q("$expand") or "relations")
    return EmuResponse.json(work_item_json(item, ctx.org_base, expand=expand, links=True))


def update(ctx: Ctx) -> EmuResponse:
    item = ctx.db.wit.get(int(ctx.param("id")))
    ops = parse_patch(ctx.req.json())
    item = ctx.db.wit.apply(
        item, ops, ctx.user, validate_only=_flag(ctx, "validateOnly"), bypass_rules=_flag(ctx, "bypassRules")
    )
    expand = expand_of(ctx.req.q("$expand") or "relations")
    return EmuResponse.json(work_item_json(item, ctx.org_base, expand=expand, links=True))


def _as_of(item: WorkItem, raw: str | None) -> Revision | None:
    if not raw:
        return None
    ts = parse_iso(raw)
    if ts is None:
        raise bad_request(f"'{raw}' is not a date for asOf.")
    snap = None
    for r in item.revisions:
        changed = r.fields.get("System.ChangedDate")
        if isinstance(changed, float) and changed <= ts:
            snap = r
    if snap is None:
        raise work_item_missing(item.id)
    return snap


def get(ctx: Ctx) -> EmuResponse:
    item = ctx.db.wit.get(int(ctx.param("id")))
    expand = expand_of(ctx.req.q("$expand"))
    fields = fields_of(ctx.req.q("fields"), expand)
    snap = _as_of(item, ctx.req.q("asOf"))
    return EmuResponse.json(work_item_json(item, ctx.org_base, expand=expand, fields=fields, links=True, snapshot=snap))


def _many(
    ctx: Ctx, ids: list[int], expand: str, fields: list[str] | None, policy: str, as_of: str | None
) -> EmuResponse:
    if policy not in ERROR_POLICIES:
        raise bad_request(f"'{policy}' is not an errorPolicy; use Fail or Omit.")
    out: list[object] = []
    for i in ids:
        item = ctx.db.wit.find(i)
        if item is None:
            if policy == "fail":
                raise work_item_missing(i)
            out.append(None)
            continue
        out.append(work_item_json(item, ctx.org_base, expand=expand, fields=fields, snapshot=_as_of(item, as_of)))
    return listing(out)


def list_items(ctx: Ctx) -> EmuResponse:
    ids = _ids(ctx.req.q("ids"))
    expand = expand_of(ctx.req.q("$expand"))
    fields = fields_of(ctx.req.q("fields"), expand)
    policy = (ctx.req.q("errorPolicy") or "fail").lower()
    return _many(ctx, ids, expand, fields, policy, ctx.req.q("asOf"))


def batch(ctx: Ctx) -> EmuResponse:
    body = ctx.req.json()
    if not isinstance(body, dict):
        raise bad_request("The body must be an object: {ids, fields, $expand, errorPolicy}.")
    ids = _ids(body.get("ids"))
    expand = expand_of(body.get("$expand"))
    fields = fields_of(body.get("fields"), expand)
    policy = str(body.get("errorPolicy") or "fail").lower()
    as_of = body.get("asOf")
    return _many(ctx, ids, expand, fields, policy, as_of if isinstance(as_of, str) else None)


def delete(ctx: Ctx) -> EmuResponse:
    item = ctx.db.wit.get(int(ctx.param("id")))
    ctx.db.wit.delete(item)
    return EmuResponse.json({"id": item.id, "code": 200, "url": f"{ctx.project_base}/_apis/wit/recyclebin/{item.id}"})


ROUTES = [
    Route("POST", "wit/workitems/${type}", "Work Items_Create", create, "project", write=True, content_type=PATCH),
    Route("PATCH", "wit/workitems/{id:int}", "Work Items_Update", update, "project?", write=True, content_type=PATCH),
    Route("GET", "wit/workitems/{id:int}", "Work Items_Get Work Item", get, "project?"),
    Route("DELETE", "wit/workitems/{id:int}", "Work Items_Delete", delete, "project?", write=True),
    Route("GET", "wit/workitems", "Work Items_List", list_items, "project?"),
    Route("POST", "wit/workitemsbatch", "Work Items_Get Work Items Batch", batch, "project?"),
]
