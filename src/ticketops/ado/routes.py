"""Every ADO operation the client calls: method, path template, api-version and retry safety.

Templates are the spec's (``/{organization}/...``); ``{organization}`` is the configured base
URL. ``safe`` means replaying the request can never do something twice, so it may be retried
when the outcome is unknown; ``read`` means it is allowed in read-only mode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ticketops.ado.urls import seg

API = "7.1"
COMMENTS_API = "7.1-preview.4"
CONNECTION_DATA_API = "7.1-preview.1"

_PARAM_RE = re.compile(r"\{([A-Za-z]+)\}")


@dataclass(frozen=True)
class Route:
    name: str  # short, stable key for stats ("wit.workitemsbatch")
    method: str
    template: str  # path template as in the spec, starting with /{organization}
    api_version: str = API
    safe: bool = True
    read: bool = True
    identities: bool = False  # served by the identities host (vssps) on Services
    content_type: str = "application/json"

    @property
    def operation(self) -> str:
        """``METHOD /template``: how errors name the call (never with a query string)."""
        return f"{self.method} {self.template}"

    @property
    def stats_key(self) -> str:
        return f"{self.method} {self.name}"

    def path(self, **args: str | int) -> str:
        """The path below the base URL, every argument percent-encoded as one segment."""
        body = self.template.removeprefix("/{organization}")

        def fill(m: re.Match[str]) -> str:
            key = m.group(1)
            if key not in args:
                raise KeyError(f"route {self.name} needs {key}")
            return seg(args[key])

        return _PARAM_RE.sub(fill, body).lstrip("/")


def _write(
    name: str,
    method: str,
    template: str,
    *,
    safe: bool = False,
    api_version: str = API,
    content_type: str = "application/json",
) -> Route:
    return Route(name, method, template, api_version, safe=safe, read=False, content_type=content_type)


_P = "/{organization}/{project}/_apis"
_REPO = _P + "/git/repositories/{repositoryId}"
_PR = _REPO + "/pullRequests/{pullRequestId}"

# ---- work items ------------------------------------------------------------------------------
WIQL = Route("wit.wiql", "POST", _P + "/wit/wiql")
WORK_ITEMS_BATCH = Route("wit.workitemsbatch", "POST", _P + "/wit/workitemsbatch")
WORK_ITEM_GET = Route("wit.workitem", "GET", _P + "/wit/workitems/{id}")
WORK_ITEM_CREATE = _write(
    "wit.workitem.create", "POST", _P + "/wit/workitems/${type}", content_type="application/json-patch+json"
)
WORK_ITEM_UPDATE = _write(
    "wit.workitem.update", "PATCH", _P + "/wit/workitems/{id}", content_type="application/json-patch+json"
)
WORK_ITEM_TYPES = Route("wit.workitemtypes", "GET", _P + "/wit/workitemtypes")
WORK_ITEM_TYPE = Route("wit.workitemtype", "GET", _P + "/wit/workitemtypes/{type}")
WORK_ITEM_TYPE_STATES = Route("wit.workitemtype.states", "GET", _P + "/wit/workitemtypes/{type}/states")
COMMENTS_LIST = Route("wit.comments", "GET", _P + "/wit/workItems/{workItemId}/comments", COMMENTS_API)
COMMENT_ADD = _write("wit.comment.add", "POST", _P + "/wit/workItems/{workItemId}/comments", api_version=COMMENTS_API)
UPDATES_LIST = Route("wit.updates", "GET", _P + "/wit/workItems/{id}/updates")
REVISIONS_LIST = Route("wit.revisions", "GET", _P + "/wit/workItems/{id}/revisions")

# ---- core and identities -------------------------------------------------------------------
PROJECTS_LIST = Route("core.projects", "GET", "/{organization}/_apis/projects")
PROJECT_GET = Route("core.project", "GET", "/{organization}/_apis/projects/{projectId}")
CONNECTION_DATA = Route("core.connectiondata", "GET", "/{organization}/_apis/connectionData", CONNECTION_DATA_API)
IDENTITIES = Route("ims.identities", "GET", "/{organization}/_apis/identities", identities=True)

# ---- git -------------------------------------------------------------------------------------
REPOSITORIES = Route("git.repositories", "GET", _P + "/git/repositories")
REPOSITORY = Route("git.repository", "GET", _REPO)
REFS_LIST = Route("git.refs", "GET", _REPO + "/refs")
# A POST that only reads: the metadata of many files in one request (Items - Get Items Batch).
ITEMS_BATCH = Route("git.itemsbatch", "POST", _REPO + "/itemsbatch")
REFS_UPDATE = _write("git.refs.update", "POST", _REPO + "/refs")
PUSH_CREATE = _write("git.push", "POST", _REPO + "/pushes")
ITEM_GET = Route("git.item", "GET", _REPO + "/items")
COMMIT_GET = Route("git.commit", "GET", _REPO + "/commits/{commitId}")
PULL_REQUEST_CREATE = _write("git.pullrequest.create", "POST", _REPO + "/pullrequests")
PULL_REQUESTS = Route("git.pullrequests", "GET", _REPO + "/pullrequests")
PULL_REQUEST = Route("git.pullrequest", "GET", _REPO + "/pullrequests/{pullRequestId}")
PULL_REQUEST_BY_ID = Route("git.pullrequest.byid", "GET", _P + "/git/pullrequests/{pullRequestId}")
PULL_REQUEST_UPDATE = _write("git.pullrequest.update", "PATCH", _REPO + "/pullrequests/{pullRequestId}")
REVIEWER_PUT = _write("git.reviewer.put", "PUT", _PR + "/reviewers/{reviewerId}", safe=True)
REVIEWERS = Route("git.reviewers", "GET", _PR + "/reviewers")
PR_WORK_ITEMS = Route("git.pullrequest.workitems", "GET", _PR + "/workitems")
