"""The planner's side of import (pure, no I/O): a ticket's ``type:`` picks the work item type
(states checked per type), and ``id:`` pairs a ticket with an existing item that carries no
marker yet, and never lets that ticket be created anew."""

from __future__ import annotations

from typing import Any

from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.live import LiveState, LiveWorkItem, StateInfo, WorkItemTypeInfo
from ticketops.model.ticket import Ticket
from ticketops.plan import Blocked, CreateWorkItem, UpdateWorkItem, make_plan

CONFIG = BoardConfig(organization_url="https://dev.azure.com/contoso", project="Payments")


def _type(name: str, *states: tuple[str, str]) -> WorkItemTypeInfo:
    names = [s for s, _ in states]
    return WorkItemTypeInfo(
        name=name,
        states=tuple(StateInfo(name=s, category=c) for s, c in states),
        transitions={"": (names[0],), **{s: tuple(n for n in names if n != s) for s in names}},
        initial_state=names[0],
    )


STORY = _type(
    "User Story",
    ("New", "Proposed"),
    ("Active", "InProgress"),
    ("Resolved", "Resolved"),
    ("Closed", "Completed"),
    ("Removed", "Removed"),
)
BUG = _type("Bug", ("New", "Proposed"), ("Active", "InProgress"), ("Resolved", "Resolved"), ("Closed", "Completed"))
TASK = _type("Task", ("New", "Proposed"), ("Active", "InProgress"), ("Closed", "Completed"), ("Removed", "Removed"))


def ticket(key: str, **kw: Any) -> Ticket:
    data = {
        "key": key,
        "title": f"Ticket {key}",
        "status": "backlog",
        "path": f".tickets/{key}.md",
        "blob_id": "0" * 40,
        "body": "",
    }
    data.update(kw)
    return Ticket.model_validate(data)


def item(
    id: int,
    *,
    key: str | None = None,
    type: str = "User Story",
    state: str = "New",
    title: str = "",
    tags: tuple[str, ...] = (),
) -> LiveWorkItem:
    marks = ("ticketops", f"ticketops:{key}") if key else ()
    return LiveWorkItem(
        id=id, rev=3, type=type, title=title, state=state, tags=marks + tags, description_format="markdown"
    )


def plan(tickets: list[Ticket], items: list[LiveWorkItem], **others: WorkItemTypeInfo | None) -> Any:
    desired = DesiredState(config=CONFIG, tickets=tuple(sorted(tickets, key=lambda t: t.key)), commit="c" * 40)
    live = LiveState(
        items=tuple(items),
        type_info=STORY,
        other_types={k.lower(): v for k, v in others.items()},
        project_types=("Bug", "Task", "User Story"),
    )
    return make_plan(desired, live)


def only(p: Any) -> Any:
    assert len(p.actions) == 1, p.actions
    return p.actions[0]


def test_a_ticket_with_id_pairs_the_unmarked_item_and_adopts_it() -> None:
    p = plan([ticket("ADO-7", id=7, title="Same")], [item(7, title="Same")])
    action = only(p)
    assert isinstance(action, UpdateWorkItem) and action.id == 7
    assert [c.field for c in action.changes] == ["System.Tags"]
    assert "ticketops:ADO-7" in str(action.changes[0].new)


def test_a_ticket_with_id_is_never_created_when_its_item_is_missing() -> None:
    action = only(plan([ticket("ADO-7", id=7)], []))
    assert isinstance(action, Blocked) and "#7" in action.reason and "was not found" in action.reason


def test_id_of_an_item_that_belongs_to_another_ticket_is_refused() -> None:
    action = next(a for a in plan([ticket("ADO-7", id=7)], [item(7, key="PAY-1")]).actions if a.key == "ADO-7")
    assert isinstance(action, Blocked) and "belongs to ticket PAY-1" in action.reason


def test_id_that_disagrees_with_the_marker_is_refused() -> None:
    action = only(plan([ticket("ADO-7", id=7, title="Ticket ADO-7")], [item(9, key="ADO-7", title="Ticket ADO-7")]))
    assert isinstance(action, Blocked) and "#9 carries its marker" in action.reason


def test_two_tickets_with_the_same_id_are_both_refused() -> None:
    p = plan([ticket("ADO-7", id=7), ticket("COPY-1", id=7)], [item(7)])
    assert {a.key for a in p.actions} == {"ADO-7", "COPY-1"}
    assert all(isinstance(a, Blocked) and "all say `id: 7`" in a.reason for a in p.actions)


def test_a_marked_item_with_matching_id_is_just_in_sync() -> None:
    p = plan([ticket("ADO-7", id=7, title="T")], [item(7, key="ADO-7", title="T")])
    assert p.actions == () and [s.key for s in p.synced] == ["ADO-7"]


def test_type_picks_the_work_item_type_for_create_and_states() -> None:
    action = only(plan([ticket("BUG-1", type="Bug", status="in-progress")], [], bug=BUG))
    assert isinstance(action, CreateWorkItem) and action.work_item_type == "Bug" and action.state_path == ("Active",)


def test_a_status_whose_state_the_type_lacks_blocks_that_ticket() -> None:
    action = only(plan([ticket("T-1", type="Task", status="in-review")], [], task=TASK))
    assert isinstance(action, Blocked)
    assert "maps to state 'Resolved', which work item type 'Task' does not have" in action.reason


def test_an_unknown_type_blocks_with_the_project_types() -> None:
    action = only(plan([ticket("T-1", type="Bugg")], [], bugg=None))
    assert isinstance(action, Blocked)
    assert "'Bugg'" in action.reason and "Bug, Task, User Story" in action.reason


def test_an_item_of_another_type_than_the_ticket_says_is_refused() -> None:
    action = only(plan([ticket("ADO-7", title="T")], [item(7, key="ADO-7", type="Bug", title="T")], bug=BUG))
    assert isinstance(action, Blocked) and "set `type: Bug`" in action.reason


def test_orphans_prune_with_their_own_type() -> None:
    desired = DesiredState(config=CONFIG, tickets=(), commit="c" * 40)
    live = LiveState(
        items=(item(5, key="OLD-1", type="Bug", state="Active"),), type_info=STORY, other_types={"bug": BUG}
    )
    action = only(make_plan(desired, live, prune=True))
    assert isinstance(action, Blocked) and "work item type 'Bug' has no state in the Removed category" in action.reason
