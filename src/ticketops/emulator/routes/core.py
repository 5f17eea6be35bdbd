"""Core and identity: projects, connection data ("who am I"), identities search, Graph users."""

from __future__ import annotations

import base64

from ticketops.emulator.errors import bad_request
from ticketops.emulator.identity import User, graph_user, ims_identity
from ticketops.emulator.router import Ctx, EmuResponse, Route, listing
from ticketops.emulator.views_git import project_json

PROJECTS_PAGE = 100


def _offset_token(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode()


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode())
    except (ValueError, UnicodeDecodeError) as e:
        raise bad_request(f"'{token}' is not a continuation token this server issued.") from e


def _project_offset(token: str | None) -> int:
    """Projects - List takes an integer continuation token ("continuationToken: integer, int32"
    in the 7.1 spec), and answers with one in ``x-ms-continuationtoken``; anything else is a 400."""
    if not token:
        return 0
    try:
        offset = int(token)
    except ValueError:
        offset = -1
    if offset < 0:
        raise bad_request(f"The value '{token}' of query parameter continuationToken is not a valid integer.")
    return offset


def projects_list(ctx: Ctx) -> EmuResponse:
    projects = sorted(ctx.db.projects.values(), key=lambda p: p.name.lower())
    start = _project_offset(ctx.req.q("continuationToken")) + (ctx.req.q_int("$skip", 0) or 0)
    top = ctx.req.q_int("$top", PROJECTS_PAGE) or PROJECTS_PAGE
    page = projects[start : start + top]
    headers = {}
    if start + top < len(projects):
        headers["x-ms-continuationtoken"] = str(start + top)
    return listing([project_json(p, ctx.org_base) for p in page], headers)


def project_get(ctx: Ctx) -> EmuResponse:
    with_capabilities = ctx.req.q_bool("includeCapabilities")
    if ctx.req.q_bool("includeHistory"):  # project history is not modelled: refuse, never answer without it
        raise bad_request(
            "The ADO emulator does not keep project history; includeHistory=true is not supported.",
            "EmulatorUnsupportedParameterException",
        )
    project = ctx.db.project(ctx.param("project"))
    return EmuResponse.json(project_json(project, ctx.org_base, full=True, capabilities=with_capabilities))


def connection_data(ctx: Ctx) -> EmuResponse:
    me = ims_identity(ctx.user)
    return EmuResponse.json(
        {
            "authenticatedUser": me,
            "authorizedUser": me,
            "instanceId": ctx.db.org_id,
            "deploymentId": ctx.db.org_id,
            "deploymentType": "hosted",
            "locationServiceData": {
                "serviceOwner": "00025394-6065-48ca-87d9-7f5672854ef7",
                "defaultAccessMappingMoniker": "PublicAccessMapping",
                "lastChangeId": 1,
                "lastChangeId64": 1,
            },
        }
    )


def identities(ctx: Ctx) -> EmuResponse:
    q = ctx.req.q
    if (q("queryMembership") or "None").lower() != "none":  # memberships are not modelled: refuse
        raise bad_request(
            f"The ADO emulator does not model group memberships; queryMembership={q('queryMembership')} "
            "is not supported (None is).",
            "EmulatorUnsupportedParameterException",
        )
    found: list[User] = []
    if q("identityIds"):
        found = [u for i in (q("identityIds") or "").split(",") if (u := ctx.db.users.by_id(i.strip()))]
    elif q("subjectDescriptors") or q("descriptors"):
        raw = q("subjectDescriptors") or q("descriptors") or ""
        found = [u for d in raw.split(",") if (u := ctx.db.users.by_descriptor(d.strip()))]
    elif q("searchFilter") is not None:
        value = (q("filterValue") or "").strip().lower()
        if not value:
            raise bad_request("filterValue is required with searchFilter.", "ArgumentNullException")
        kind = (q("searchFilter") or "").lower()
        if kind not in ("general", "mailaddress", "accountname", "displayname"):
            raise bad_request(
                f"'{q('searchFilter')}' is not a search filter; use General, MailAddress, AccountName or DisplayName."
            )
        found = [u for u in ctx.db.users.all() if value in (u.email, u.display_name.lower())]
    else:
        raise bad_request(
            "Give one of descriptors, identityIds, subjectDescriptors or searchFilter+filterValue.",
            "ArgumentNullException",
        )
    return listing([ims_identity(u) for u in found])


def graph_users(ctx: Ctx) -> EmuResponse:
    users = ctx.db.users.all()
    start = _offset(ctx.req.q("continuationToken"))
    page = users[start : start + PROJECTS_PAGE]
    headers = {}
    if start + PROJECTS_PAGE < len(users):
        headers["x-ms-continuationtoken"] = _offset_token(start + PROJECTS_PAGE)
    return listing([graph_user(u, ctx.org_base) for u in page], headers)


ROUTES = [
    Route("GET", "projects", "Projects_List", projects_list, "org"),
    Route("GET", "projects/{project}", "Projects_Get", project_get, "org"),
    Route("GET", "connectionData", "Connection Data_Get", connection_data, "org", api_version="7.1-preview.1"),
    Route("GET", "identities", "Identities_Read Identities", identities, "org"),
    Route("GET", "graph/users", "Users_List", graph_users, "org", api_version="7.1-preview.1"),
]
