"""WIQL, work item types and states, updates, revisions, comments, fields."""

from __future__ import annotations

import base64

from ticketops.emulator.clock import iso
from ticketops.emulator.db.records import Comment, WorkItem
from ticketops.emulator.errors import AdoError, bad_request, work_item_type_missing
from ticketops.emulator.fields import FIELDS
from ticketops.emulator.fields import field as field_def
from ticketops.emulator.processes import WorkItemTypeDef
from ticketops.emulator.router import Ctx, EmuRequest, EmuResponse, Route, listing
from ticketops.emulator.routes.wit import expand_of
from ticketops.emulator.views_wit import comment_json, field_ref_json, revision_json, state_json, type_json, update_json
from ticketops.emulator.wiql import parse
from ticketops.emulator.wiql_eval import Env, resolve_field, run

COMMENTS_VERSION = "7.1-preview.4"
COMMENTS_PAGE = 200


def wiql(ctx: Ctx) -> EmuResponse:
    body = ctx.req.json()
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        raise bad_request('The body must be {"query": "SELECT ... FROM WorkItems ..."}.')
    query = parse(body["query"])
    # After every ChangedDate already handed out: an asOf behind a write the query already sees
    # would make a watermark taken from it see that write again, pass after pass.
    now = ctx.db.stamper.current()
    env = Env(ctx.project, ctx.user, now, ctx.req.q_bool("timePrecision"))
    top = ctx.req.q_int("$top")
    items = run(query, ctx.db.wit, env, top)
    base = ctx.org_base
    out: dict[str, object] = {
        "queryType": "flat",
        "queryResultType": "workItem",
        "asOf": iso(now),
        "columns": [field_ref_json(resolve_field(c).ref, base) for c in query.columns],
    }
    if query.order:
        out["sortColumns"] = [
            {"field": field_ref_json(resolve_field(n).ref, base), "descending": d} for n, d in query.order
        ]
    out["workItems"] = [{"id": it.id, "url": f"{base}/_apis/wit/workItems/{it.id}"} for it in items]
    return EmuResponse.json(out)


def _type(ctx: Ctx) -> WorkItemTypeDef:
    project = ctx.need_project()
    wit = project.template.type(ctx.param("type"))
    if wit is None:
        raise work_item_type_missing(ctx.param("type"), project.name)
    return wit


def types_list(ctx: Ctx) -> EmuResponse:
    project = ctx.need_project()
    return listing([type_json(t, ctx.project_base, ctx.org_base) for t in project.template.types])


def type_get(ctx: Ctx) -> EmuResponse:
    return EmuResponse.json(type_json(_type(ctx), ctx.project_base, ctx.org_base))


def type_states(ctx: Ctx) -> EmuResponse:
    return listing(state_json(_type(ctx)))


def _item(ctx: Ctx) -> WorkItem:
    return ctx.db.wit.get(int(ctx.param("id")))


def _page(req: EmuRequest, items: list[object]) -> list[object]:
    skip = req.q_int("$skip", 0) or 0
    top = req.q_int("$top")
    return items[skip : skip + top if top is not None else None]


def updates_list(ctx: Ctx) -> EmuResponse:
    item = _item(ctx)
    return listing(_page(ctx.req, [update_json(item, u, ctx.org_base) for u in item.updates]))


def updates_get(ctx: Ctx) -> EmuResponse:
    item = _item(ctx)
    n = int(ctx.param("n"))
    for u in item.updates:
        if u.rev == n:
            return EmuResponse.json(update_json(item, u, ctx.org_base))
    raise bad_request(f"Work item {item.id} has no update {n}.", "WorkItemUpdateNotFoundException")


def revisions_list(ctx: Ctx) -> EmuResponse:
    item = _item(ctx)
    expand = expand_of(ctx.req.q("$expand"))
    return listing(_page(ctx.req, [revision_json(item, r, ctx.org_base, expand) for r in item.revisions]))


def revisions_get(ctx: Ctx) -> EmuResponse:
    item = _item(ctx)
    n = int(ctx.param("n"))
    expand = expand_of(ctx.req.q("$expand"))
    for r in item.revisions:
        if r.rev == n:
            return EmuResponse.json(revision_json(item, r, ctx.org_base, expand))
    raise bad_request(f"Work item {item.id} has no revision {n}.", "WorkItemRevisionNotFoundException")


def _comments_op(req: EmuRequest) -> str:
    return "Comments_Get Comments Batch" if req.q("ids") else "Comments_Get Comments"


def comments_list(ctx: Ctx) -> EmuResponse:
    item = _item(ctx)
    visible = [c for c in item.comments if ctx.req.q_bool("includeDeleted") or not c.is_deleted]
    ids = ctx.req.q("ids")
    if ids:
        wanted = {int(x) for x in ids.split(",") if x.strip().isdigit()}
        visible = [c for c in visible if c.id in wanted]
    order = (ctx.req.q("order") or "desc").lower()
    visible.sort(key=lambda c: c.id, reverse=order != "asc")
    start = _token_offset(ctx.req.q("continuationToken"))
    top = ctx.req.q_int("$top", COMMENTS_PAGE) or COMMENTS_PAGE
    page = visible[start : start + top]
    url = f"{ctx.project_base}/_apis/wit/workItems/{item.id}/comments"
    out: dict[str, object] = {
        "totalCount": len(visible),
        "count": len(page),
        "comments": [comment_json(c, ctx.project_base, ctx.org_base) for c in page],
        "url": url,
    }
    headers = {}
    if start + top < len(visible):
        token = _token(start + top)
        out["continuationToken"] = token
        out["nextPage"] = f"{url}?continuationToken={token}&$top={top}&api-version={COMMENTS_VERSION}"
        headers["x-ms-continuationtoken"] = token
    return EmuResponse.json(out, headers=headers)


def comments_add(ctx: Ctx) -> EmuResponse:
    item = _item(ctx)
    body = ctx.req.json()
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise bad_request("A comment needs a non-empty 'text'.")
    fmt = (ctx.req.q("format") or "html").lower()  # ADO's default: a comment without format= is HTML
    if fmt not in ("markdown", "html"):
        raise bad_request(f"'{fmt}' is not a comment format; use markdown or html.")
    comment = ctx.db.wit.add_comment(item, text, ctx.user, fmt)
    return EmuResponse.json(comment_json(comment, ctx.project_base, ctx.org_base))


def comments_get(ctx: Ctx) -> EmuResponse:
    item = _item(ctx)
    cid = int(ctx.param("cid"))
    found: Comment | None = next((c for c in item.comments if c.id == cid), None)
    if found is None:
        raise AdoError(
            404,
            "CommentNotFoundException",
            f"Comment {cid} does not exist on work item {item.id}.",
            namespace="Microsoft.TeamFoundation.WorkItemTracking.Server",
        )
    return EmuResponse.json(comment_json(found, ctx.project_base, ctx.org_base))


def fields_list(ctx: Ctx) -> EmuResponse:
    return listing(
        [
            {**field_ref_json(f.ref, ctx.org_base), "type": f.type, "readOnly": f.read_only or f.system_only}
            for f in FIELDS
        ]
    )


def field_get(ctx: Ctx) -> EmuResponse:
    f = field_def(ctx.param("name"))
    if f is None:
        raise AdoError(
            404,
            "WorkItemTrackingFieldDefinitionNotFoundException",
            f"TF51535: Cannot find field {ctx.param('name')}.",
            namespace="Microsoft.TeamFoundation.WorkItemTracking.Server",
        )
    return EmuResponse.json(
        {**field_ref_json(f.ref, ctx.org_base), "type": f.type, "readOnly": f.read_only or f.system_only}
    )


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _token_offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        return int(text.removeprefix("o:"))
    except (ValueError, UnicodeDecodeError) as e:
        raise bad_request(f"'{token}' is not a continuation token this server issued.") from e


ROUTES = [
    Route("POST", "wit/wiql", "Wiql_Query By Wiql", wiql, "team?"),
    Route("GET", "wit/workitemtypes", "Work Item Types_List", types_list, "project"),
    Route("GET", "wit/workitemtypes/{type}", "Work Item Types_Get", type_get, "project"),
    Route("GET", "wit/workitemtypes/{type}/states", "Work Item Type States_List", type_states, "project"),
    Route("GET", "wit/workItems/{id:int}/updates", "Updates_List", updates_list, "project?"),
    Route("GET", "wit/workItems/{id:int}/updates/{n:int}", "Updates_Get", updates_get, "project?"),
    Route("GET", "wit/workItems/{id:int}/revisions", "Revisions_List", revisions_list, "project?"),
    Route("GET", "wit/workItems/{id:int}/revisions/{n:int}", "Revisions_Get", revisions_get, "project?"),
    Route(
        "GET", "wit/workItems/{id:int}/comments", _comments_op, comments_list, "project", api_version=COMMENTS_VERSION
    ),
    Route(
        "POST",
        "wit/workItems/{id:int}/comments",
        "Comments_Add Comment",
        comments_add,
        "project",
        api_version=COMMENTS_VERSION,
        write=True,
    ),
    Route(
        "GET",
        "wit/workItems/{id:int}/comments/{cid:int}",
        "Comments_Get Comment",
        comments_get,
        "project",
        api_version=COMMENTS_VERSION,
    ),
    Route("GET", "wit/fields", "Fields_List", fields_list, "project?"),
    Route("GET", "wit/fields/{name}", "Fields_Get", field_get, "project?"),
]
