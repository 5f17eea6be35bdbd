"""Which differences are written and which are only shown: ADO's own automation, and who owns
each field (model/ownership.py). Pure.

- ``ahead``: the item's last state change was made by ADO's pull request completion
  ("Complete linked work items after merging"), the item is still in that state, and that state
  is at or past the ticket's (by state category: Proposed < InProgress < Resolved < Completed).
  Never reverted, never drift; ``ticketops pull`` proposes it for the ticket. A state a person
  moved, or moved backwards, is drift as before.
- ``report``: a difference whose live value a person set in ADO (drift) is shown, not put back.
  The ticket's own changes are still written: when the ticket asks for a value other than the one
  ticketops last wrote (read from the item's history), git changed it, and git's change wins.
- ``ignore``: after the create, ticketops never writes the field.
"""

from __future__ import annotations

from collections.abc import Mapping

from ticketops.model.live import LiveWorkItem, StateAutomation, WorkItemTypeInfo, split_tags
from ticketops.model.ownership import FieldPolicy, PolicyField, policy_of
from ticketops.model.ticket import Ticket
from ticketops.plan import fields as f
from ticketops.plan.base import FieldChange

# ADO reference name -> the ticket file's name for it (the keys of ``fields:`` / ``policy:``).
POLICY_NAMES: dict[str, PolicyField] = {
    f.TITLE: "title",
    f.STATE: "status",
    f.ASSIGNED_TO: "assignee",
    f.PRIORITY: "priority",
    f.TAGS: "tags",
    f.AREA_PATH: "area_path",
    f.DESCRIPTION: "description",
    f.ACCEPTANCE_CRITERIA: "acceptance_criteria",
}
_CATEGORY_RANK = {"Proposed": 0, "InProgress": 1, "Resolved": 2, "Completed": 3}


def field_policy(ref: str, board: Mapping[PolicyField, FieldPolicy], ticket: Ticket) -> FieldPolicy:
    name = POLICY_NAMES.get(ref)
    return policy_of(name, board, ticket.policy) if name is not None else "revert"


def is_ahead(type_info: WorkItemTypeInfo, live_state: str, target: str, auto: StateAutomation | None) -> bool:
    """``live_state`` was set by a pull request completion and is at or past ``target``."""
    if auto is None or auto.state.lower() != live_state.lower():
        return False
    have, want = type_info.find_state(live_state), type_info.find_state(target)
    if have is None or want is None or have.category not in _CATEGORY_RANK or want.category not in _CATEGORY_RANK:
        return False
    return _CATEGORY_RANK[have.category] >= _CATEGORY_RANK[want.category]


def split(
    ticket: Ticket,
    item: LiveWorkItem,
    changes: tuple[FieldChange, ...],
    type_info: WorkItemTypeInfo,
    board: Mapping[PolicyField, FieldPolicy],
    auto: StateAutomation | None,
    written_before: Mapping[str, str] | None = None,
) -> tuple[tuple[FieldChange, ...], tuple[FieldChange, ...]]:
    """``(written, held)``: every change carries the policy that applied; held ones say why."""
    written: list[FieldChange] = []
    held: list[FieldChange] = []
    for c in changes:
        policy = field_policy(c.field, board, ticket)
        c = c.model_copy(update={"policy": policy})
        if policy == "ignore" and not (c.field == f.TAGS and not item.marker_keys):  # marker tags always go on
            held.append(c.model_copy(update={"hold": "ignore", "drift": False}))
        elif c.field == f.STATE and auto is not None and is_ahead(type_info, item.state, str(c.new), auto):
            held.append(
                c.model_copy(
                    update={
                        "hold": "ahead",
                        "drift": False,
                        "by": auto.by,
                        "at": auto.date,
                        "pull_request": auto.pull_request,
                    }
                )
            )
        elif policy == "report" and c.drift and not _ticket_changed(c, written_before or {}):
            held.append(c.model_copy(update={"hold": "report", "by": item.changed_by, "at": item.changed_date}))
        else:
            written.append(c)
    return tuple(written), tuple(held)


def _ticket_changed(c: FieldChange, written_before: Mapping[str, str]) -> bool:
    """The ticket asks for another value than ticketops last wrote: it changed in git. Unknown
    (no ticketops write of the field in the history) is not a change: the edit stays reported."""
    last = written_before.get(c.field)
    if last is None:
        return False
    if c.field == f.TAGS:
        return {t.lower() for t in split_tags(str(c.new or ""))} != {t.lower() for t in split_tags(last)}
    if c.field in f.LONG_TEXT_FIELDS:
        return f.normalize_html(str(c.new or "")) != f.normalize_html(last)
    return str(c.new if c.new is not None else "").strip().lower() != last.strip().lower()
