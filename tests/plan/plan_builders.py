"""Builders for pure planner tests: configs, tickets and live items without any I/O (imported by
tests/plan as `plan_builders`; conftest.py puts this folder on sys.path)."""

from __future__ import annotations

from typing import Any

from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.errors import Problem
from ticketops.model.live import Identity, LiveState, LiveWorkItem, StateInfo, WorkItemTypeInfo
from ticketops.model.ticket import Ticket
from ticketops.plan.fields import render_acceptance_criteria

USERS = ("alice@contoso.com", "bob@contoso.com", "carol@contoso.com")

AGILE_STORY = WorkItemTypeInfo(
    name="User Story",
    states=(
        StateInfo(name="New", category="Proposed"),
        StateInfo(name="Active", category="InProgress"),
        StateInfo(name="Resolved", category="Resolved"),
        StateInfo(name="Closed", category="Completed"),
        StateInfo(name="Removed", category="Removed"),
    ),
    transitions={
        "": ("New",),
        "New": ("Active", "Removed"),
        "Active": ("New", "Resolved", "Removed"),
        "Resolved": ("Active", "Closed"),
        "Closed": ("Active",),
        "Removed": ("New",),
    },
    initial_state="New",
)


def config(**kw: Any) -> BoardConfig:
    base: dict[str, Any] = {"organization_url": "https://dev.azure.com/contoso", "project": "Payments"}
    base.update(kw)
    return BoardConfig.model_validate(base)


def ticket(key: str, **kw: Any) -> Ticket:
    data: dict[str, Any] = {
        "key": key,
        "title": f"Ticket {key}",
        "status": "backlog",
        "path": f".tickets/{key}.md",
        "blob_id": "0" * 40,
        "body": f"Spec for {key}.\n",
    }
    data.update(kw)
    return Ticket.model_validate(data)


def desired(
    *tickets: Ticket,
    problems: tuple[Problem, ...] = (),
    invalid: frozenset[str] = frozenset(),
    commit: str | None = "abc1234def5678",
    **cfg: Any,
) -> DesiredState:
    return DesiredState(
        config=config(**cfg),
        tickets=tuple(sorted(tickets, key=lambda t: t.key)),
        commit=commit,
        problems=problems,
        invalid_keys=invalid,
    )


def item_for(t: Ticket, id: int, *, rev: int = 3, state: str | None = None, **kw: Any) -> LiveWorkItem:
    """A live item that matches ``t`` exactly (as ticketops would have written it)."""
    cfg = config()
    data: dict[str, Any] = {
        "id": id,
        "rev": rev,
        "type": "User Story",
        "key": t.key,
        "title": t.title,
        "state": state or cfg.status(t.status).state,
        "assignee": t.assignee,
        "description": t.body.strip("\n"),
        "description_format": "markdown",
        "acceptance_criteria": render_acceptance_criteria(t.acceptance_criteria),
        "priority": t.priority if t.priority is not None else 2,
        "tags": ("ticketops", f"ticketops:{t.key}", *t.wanted_tags),
        "area_path": t.area_path or "Payments",
    }
    data.update(kw)
    return LiveWorkItem.model_validate(data)


def live(
    *items: LiveWorkItem,
    type_info: WorkItemTypeInfo = AGILE_STORY,
    markdown: bool = True,
    identities: dict[str, Identity | None] | None = None,
) -> LiveState:
    ids = identities if identities is not None else {u: Identity(email=u, id=f"id-{u}") for u in USERS}
    return LiveState(items=items, type_info=type_info, identities=ids, markdown_supported=markdown)
