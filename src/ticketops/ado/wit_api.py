"""Work item tracking calls: WIQL, batched reads, create/update, types, comments, history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import JsonValue

from ticketops.ado import routes
from ticketops.ado.base import ApiBase
from ticketops.ado.dto.common import ListEnvelope
from ticketops.ado.dto.wit import (
    Comment,
    CommentList,
    PatchOp,
    WiqlResult,
    WorkItem,
    WorkItemState,
    WorkItemType,
    WorkItemUpdate,
    wire_ops,
)
from ticketops.ado.errors import BadRequest
from ticketops.ado.requester import UnexpectedResponse
from ticketops.ado.wiql import WIQL_MAX_CHARS

BATCH_MAX_IDS = 200  # workitemsbatch and GET workitems?ids= refuse more (VS403474)
HISTORY_PAGE = 200
Expand = Literal["none", "relations", "fields", "links", "all"]


def _chunks(ids: Sequence[int], size: int) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


class WorkItemsApi(ApiBase):
    def wiql(self, project: str, query: str, *, top: int | None = None) -> list[int]:
        """Run a WIQL query; the ids of the matching work items, in the query's order."""
        return self.wiql_result(project, query, top=top).ids

    def wiql_result(
        self, project: str, query: str, *, top: int | None = None, time_precision: bool = False
    ) -> WiqlResult:
        """Run a WIQL query; its work item refs and ``asOf`` (the server's time of the query).

        ``time_precision`` compares dates to the millisecond; without it ADO compares WIQL dates
        at day precision and refuses a literal with a time of day.
        """
        if len(query) > WIQL_MAX_CHARS:
            raise BadRequest(
                f"the WIQL query is {len(query)} characters; Azure DevOps accepts at most {WIQL_MAX_CHARS}",
                operation=routes.WIQL.operation,
            )
        params = {"$top": top, "timePrecision": True if time_precision else None}
        response = self._req.call(routes.WIQL, path={"project": project}, params=params, body={"query": query})
        return response.parse(WiqlResult)

    def get_work_items(
        self,
        project: str,
        ids: Iterable[int],
        *,
        fields: Sequence[str] | None = None,
        expand: Expand | None = None,
    ) -> list[WorkItem]:
        """Read many work items with ``workitemsbatch`` (<= 200 ids a call, calls in parallel).

        Results are sorted by id; ids that do not exist (or are not visible) are left out
        rather than failing the whole read, so compare the result with what you asked for.
        """
        if fields and expand and expand != "none":
            raise ValueError("Azure DevOps does not accept fields and $expand together; pick one")
        unique = sorted(set(ids))
        if not unique:
            return []

        def fetch(chunk: list[int]) -> list[WorkItem | None]:
            body: dict[str, JsonValue] = {"ids": list(chunk), "errorPolicy": "omit"}
            if fields:
                body["fields"] = list(fields)
            if expand:
                body["$expand"] = expand
            response = self._req.call(routes.WORK_ITEMS_BATCH, path={"project": project}, body=body)
            return response.parse(ListEnvelope[WorkItem | None]).value

        pages = self._fan_out(fetch, _chunks(unique, BATCH_MAX_IDS))
        found = {wi.id: wi for page in pages for wi in page if wi is not None}
        return [found[i] for i in unique if i in found]

    def get_work_item(self, project: str, id: int, *, expand: Expand | None = None) -> WorkItem:
        params = {"$expand": expand}
        return self._req.call(routes.WORK_ITEM_GET, path={"project": project, "id": id}, params=params).parse(WorkItem)

    def create_work_item(self, project: str, type: str, ops: list[PatchOp], *, validate_only: bool = False) -> WorkItem:
        """Create a work item. Never retried when the outcome is unknown (``OutcomeUnknown``)."""
        params = {"validateOnly": True if validate_only else None}
        response = self._req.call(
            routes.WORK_ITEM_CREATE, path={"project": project, "type": type}, params=params, body=wire_ops(ops)
        )
        return response.parse(WorkItem)

    def update_work_item(self, project: str, id: int, ops: list[PatchOp], *, validate_only: bool = False) -> WorkItem:
        """Patch a work item. Put :meth:`PatchOp.test_rev` first to make it safe to retry."""
        guarded = bool(ops) and ops[0].op == "test" and ops[0].path == "/rev"
        params = {"validateOnly": True if validate_only else None}
        response = self._req.call(
            routes.WORK_ITEM_UPDATE,
            path={"project": project, "id": id},
            params=params,
            body=wire_ops(ops),
            safe=guarded,
        )
        return response.parse(WorkItem)

    def list_work_item_types(self, project: str) -> list[WorkItemType]:
        return self._list(routes.WORK_ITEM_TYPES, WorkItemType, path={"project": project})

    def get_work_item_type(self, project: str, type: str) -> WorkItemType:
        return self._req.call(routes.WORK_ITEM_TYPE, path={"project": project, "type": type}).parse(WorkItemType)

    def get_work_item_type_states(self, project: str, type: str) -> list[WorkItemState]:
        return self._list(routes.WORK_ITEM_TYPE_STATES, WorkItemState, path={"project": project, "type": type})

    def get_comments(self, project: str, id: int) -> list[Comment]:
        """Every comment of a work item, following ``continuationToken`` to the end."""
        out: list[Comment] = []
        token: str | None = None
        seen: set[str] = set()
        while True:
            response = self._req.call(
                routes.COMMENTS_LIST, path={"project": project, "workItemId": id}, params={"continuationToken": token}
            )
            page = response.parse(CommentList)
            out.extend(page.comments)
            token = page.continuation_token or response.continuation_token
            if not token:
                return out
            if token in seen:
                raise UnexpectedResponse(
                    "the server repeated a continuation token", operation=routes.COMMENTS_LIST.operation
                )
            seen.add(token)

    def add_comment(self, project: str, id: int, text: str, *, markdown: bool = False) -> Comment:
        """Add a comment (HTML by default; ``markdown=True`` asks ADO to store Markdown)."""
        params = {"format": "markdown" if markdown else None}
        response = self._req.call(
            routes.COMMENT_ADD, path={"project": project, "workItemId": id}, params=params, body={"text": text}
        )
        return response.parse(Comment)

    def get_updates(self, project: str, id: int) -> list[WorkItemUpdate]:
        return self._list_skip_top(
            routes.UPDATES_LIST, WorkItemUpdate, path={"project": project, "id": id}, page_size=HISTORY_PAGE
        )

    def get_revisions(self, project: str, id: int, *, expand: Expand | None = None) -> list[WorkItem]:
        return self._list_skip_top(
            routes.REVISIONS_LIST,
            WorkItem,
            path={"project": project, "id": id},
            params={"$expand": expand},
            page_size=HISTORY_PAGE,
        )
