"""The pure planner: pairing, diffing, states, drift, conflicts, orphans, blocked tickets."""

from __future__ import annotations

import pytest
from plan_builders import AGILE_STORY, desired, item_for, live, ticket

from ticketops.live.reader import identities_needed
from ticketops.model.errors import ConfigError, Problem
from ticketops.model.live import FieldAuthors, Identity, StateInfo, WorkItemTypeInfo
from ticketops.plan import (
    Blocked,
    Conflict,
    CreateWorkItem,
    Orphan,
    Plan,
    Prune,
    Unpaired,
    UpdateWorkItem,
    make_plan,
    render_text,
)
from ticketops.plan import fields as f


def only(plan: Plan, kind: type) -> list:
    return [a for a in plan.actions if isinstance(a, kind)]


def change(action: UpdateWorkItem, field: str):
    return next((c for c in action.changes if c.field == field), None)


# ---- create ------------------------------------------------------------------------------
def test_new_ticket_is_created_with_both_marker_tags_and_walks_to_its_state() -> None:
    t = ticket(
        "PAY-1",
        status="in-progress",
        assignee="Alice@Contoso.com",
        priority=1,
        tags=("api",),
        acceptance_criteria=("works", "is <fast>"),
    )
    plan = make_plan(desired(t), live())
    (create,) = plan.actions
    assert isinstance(create, CreateWorkItem)
    assert create.work_item_type == "User Story"
    tags = create.field(f.TAGS).new
    assert tags == "api; ticketops; ticketops:PAY-1"
    assert create.field(f.ASSIGNED_TO).new == "alice@contoso.com"
    assert create.field(f.PRIORITY).new == 1
    assert create.field(f.DESCRIPTION).format == "markdown"
    assert create.field(f.DESCRIPTION).new == "Spec for PAY-1."
    assert create.field(f.ACCEPTANCE_CRITERIA).new == "<ul><li>\u2610 works</li><li>\u2610 is &lt;fast&gt;</li></ul>"
    assert create.state_path == ("Active",)  # starts in New, then one step
    assert plan.has_changes


def test_new_ticket_in_the_initial_state_needs_no_walk() -> None:
    plan = make_plan(desired(ticket("PAY-1")), live())
    assert only(plan, CreateWorkItem)[0].state_path == ()


def test_done_ticket_walks_every_intermediate_state() -> None:
    plan = make_plan(desired(ticket("PAY-1", status="done")), live())
    assert only(plan, CreateWorkItem)[0].state_path == ("Active", "Resolved", "Closed")


# ---- converged and updates -------------------------------------------------------------------
def test_converged_item_has_no_diff_despite_cosmetic_differences() -> None:
    t = ticket("PAY-1", assignee="bob@contoso.com", tags=("Backend",), body="Line one\r\nline two  \r\n\r\n")
    it = item_for(
        t,
        7,
        description="Line one\nline two",
        assignee="BOB@contoso.com",
        tags=("backend", "TicketOps", "ticketops:pay-1"),
    )
    plan = make_plan(desired(t), live(it))
    assert plan.actions == ()
    assert [(s.key, s.id) for s in plan.synced] == [("PAY-1", 7)]
    assert not plan.has_changes


def test_title_change_is_an_update_from_the_live_revision() -> None:
    t = ticket("PAY-1", title="New title")
    it = item_for(t, 7, rev=12, title="Old title")
    (upd,) = make_plan(desired(t), live(it)).actions
    assert isinstance(upd, UpdateWorkItem)
    assert (upd.id, upd.rev) == (7, 12)
    assert [(c.field, c.old, c.new, c.drift) for c in upd.changes] == [(f.TITLE, "Old title", "New title", False)]


def test_tags_are_additive_and_minus_removes_a_tag() -> None:
    t = ticket("PAY-1", tags=("api", "-legacy"))
    it = item_for(t, 7, tags=("ticketops", "ticketops:PAY-1", "api", "legacy", "people-added"))
    (upd,) = make_plan(desired(t), live(it)).actions
    c = change(upd, f.TAGS)
    assert c.new == "ticketops; ticketops:PAY-1; api; people-added"


def test_a_removed_common_marker_tag_is_put_back() -> None:
    t = ticket("PAY-1")
    it = item_for(t, 7, tags=("ticketops:PAY-1",))
    (upd,) = make_plan(desired(t), live(it)).actions
    assert change(upd, f.TAGS).new == "ticketops:PAY-1; ticketops"


def test_unset_priority_and_area_path_are_left_alone() -> None:
    t = ticket("PAY-1")
    it = item_for(t, 7, priority=4, area_path="Payments\\Team B")
    assert make_plan(desired(t), live(it)).actions == ()


def test_area_path_compares_case_and_separator_insensitively() -> None:
    t = ticket("PAY-1", area_path="Payments/Team A")
    assert make_plan(desired(t), live(item_for(t, 7, area_path="payments\\team a"))).actions == ()
    (upd,) = make_plan(desired(t), live(item_for(t, 7, area_path="Payments"))).actions
    assert change(upd, f.AREA_PATH).new == "Payments\\Team A"  # written as ADO spells it (it refuses "/")


def test_unassigning_in_the_ticket_clears_the_field() -> None:
    t = ticket("PAY-1")
    (upd,) = make_plan(desired(t), live(item_for(t, 7, assignee="carol@contoso.com"))).actions
    c = change(upd, f.ASSIGNED_TO)
    assert (c.old, c.new) == ("carol@contoso.com", None)


def test_an_html_item_compares_in_html_and_a_changed_body_is_written_as_markdown_when_supported() -> None:
    t = ticket("PAY-1", body="Hello *world*\n")
    adopted = item_for(t, 7, description="<p>Hello <em>world</em></p>", description_format="html")
    assert make_plan(desired(t), live(adopted)).actions == ()  # same text: left as people wrote it
    changed = ticket("PAY-1", body="Hello *there*\n")
    (upd,) = make_plan(desired(changed), live(adopted)).actions
    c = change(upd, f.DESCRIPTION)
    assert (c.new, c.format) == ("Hello *there*", "markdown")


def test_one_adopted_html_item_does_not_turn_new_descriptions_into_html() -> None:
    old, new = ticket("PAY-1", body="Old text\n"), ticket("PAY-2", body="New **markdown** spec\n")
    adopted = item_for(old, 7, description="<p>Old text</p>", description_format="html")
    (create,) = make_plan(desired(old, new), live(adopted)).actions
    assert isinstance(create, CreateWorkItem) and create.key == "PAY-2"
    assert (create.field(f.DESCRIPTION).new, create.field(f.DESCRIPTION).format) == (
        "New **markdown** spec",
        "markdown",
    )


def test_a_markdown_item_whose_text_differs_only_in_html_rendering_is_still_rewritten() -> None:
    t = ticket("PAY-1", body="Hello *world*\n")
    it = item_for(t, 7, description="Hello _world_", description_format="markdown")
    (upd,) = make_plan(desired(t), live(it)).actions
    assert change(upd, f.DESCRIPTION).new == "Hello *world*"  # Markdown items compare by their text


def test_html_fallback_compares_rendered_html() -> None:
    t = ticket("PAY-1", body="Hello *world*\n\n- a\n- b\n")
    it = item_for(
        t, 7, description="<p>Hello <em>world</em></p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>", description_format="html"
    )
    assert make_plan(desired(t), live(it, markdown=False)).actions == ()
    t2 = ticket("PAY-1", body="Changed")
    (upd,) = make_plan(desired(t2), live(it, markdown=False)).actions
    assert (change(upd, f.DESCRIPTION).new, change(upd, f.DESCRIPTION).format) == ("<p>Changed</p>", "html")


# ---- states ----------------------------------------------------------------------------
def test_state_change_walks_allowed_transitions() -> None:
    t = ticket("PAY-1", status="done")
    (upd,) = make_plan(desired(t), live(item_for(t, 7, state="New"))).actions
    assert upd.state_path == ("Active", "Resolved", "Closed")
    assert (change(upd, f.STATE).old, change(upd, f.STATE).new) == ("New", "Closed")


def test_unreachable_state_blocks_only_that_ticket() -> None:
    one_way = AGILE_STORY.model_copy(update={"transitions": {"": ("New",), "New": ("Active",), "Active": ()}})
    t1 = ticket("PAY-1", status="backlog")
    t2 = ticket("PAY-2", title="Renamed")
    plan = make_plan(
        desired(t1, t2), live(item_for(t1, 1, state="Active"), item_for(t2, 2, title="x"), type_info=one_way)
    )
    blocked = only(plan, Blocked)
    assert [(b.key, b.id) for b in blocked] == [("PAY-1", 1)]
    assert "'New' cannot be reached from 'Active'" in blocked[0].reason
    assert [u.key for u in only(plan, UpdateWorkItem)] == ["PAY-2"]


def test_config_states_missing_from_the_type_stop_the_plan_with_the_real_states() -> None:
    scrum_pbi = WorkItemTypeInfo(
        name="User Story",
        states=tuple(StateInfo(name=n) for n in ("New", "Approved", "Committed", "Done", "Removed")),
        initial_state="New",
    )
    with pytest.raises(ConfigError) as e:
        make_plan(desired(ticket("PAY-1")), live(type_info=scrum_pbi))
    msg = str(e.value)
    assert "New, Approved, Committed, Done, Removed" in msg
    assert "in-progress -> 'Active'" in msg and "Nothing was written" in msg


# ---- identities -------------------------------------------------------------------------
def test_unknown_assignee_is_blocked_before_any_write_and_others_still_planned() -> None:
    t1 = ticket("PAY-1", assignee="zed@contoso.com")
    t2 = ticket("PAY-2")
    ids = {"zed@contoso.com": None}
    plan = make_plan(desired(t1, t2), live(identities=ids))
    assert [a.kind for a in plan.actions] == ["blocked", "create"]
    assert "zed@contoso.com is not a user" in plan.actions[0].reason
    assert ".tickets/PAY-1.md" in plan.actions[0].reason


def test_identities_are_only_needed_for_creates_and_changed_assignees() -> None:
    t1 = ticket("PAY-1", assignee="alice@contoso.com")
    t2 = ticket("PAY-2", assignee="bob@contoso.com")
    t3 = ticket("PAY-3", assignee="carol@contoso.com")
    items = (item_for(t1, 1), item_for(t2, 2, assignee="erin@contoso.com"))
    assert identities_needed(desired(t1, t2, t3), items) == {"bob@contoso.com", "carol@contoso.com"}
    assert identities_needed(desired(t1), (item_for(t1, 1),)) == frozenset()


# ---- drift ------------------------------------------------------------------------------
def test_fields_last_changed_by_someone_else_are_marked_as_drift() -> None:
    t = ticket("PAY-1", title="Spec title", status="in-progress")
    it = item_for(t, 7, title="Edited in ADO", state="Resolved", tags=("ticketops", "ticketops:PAY-1", "x"))
    authors = {7: FieldAuthors(id=7, external=frozenset({f.TITLE}))}
    (upd,) = make_plan(desired(t), live(it), authors=authors).actions
    assert change(upd, f.TITLE).drift is True
    assert change(upd, f.STATE).drift is False
    assert [c.field for c in upd.drift] == [f.TITLE]


# ---- conflicts, orphans, invalid tickets -------------------------------------------------------
def test_two_items_with_the_same_marker_are_a_conflict_naming_both() -> None:
    t1, t2 = ticket("PAY-1"), ticket("PAY-2", title="Changed")
    items = (item_for(t1, 5, title="a"), item_for(t1, 9, title="b"), item_for(t2, 6, title="old"))
    plan = make_plan(desired(t1, t2), live(*items))
    (conflict,) = only(plan, Conflict)
    assert conflict.key == "PAY-1" and conflict.ids == (5, 9)
    assert "#5, #9" in conflict.reason
    assert [a.key for a in plan.actions if a.CHANGES] == ["PAY-2"]


def test_item_marked_for_two_tickets_is_a_conflict_for_both() -> None:
    t1, t2 = ticket("PAY-1"), ticket("PAY-2")
    both = item_for(t1, 5, tags=("ticketops", "ticketops:PAY-1", "ticketops:PAY-2"))
    plan = make_plan(desired(t1, t2), live(both))
    assert [(a.kind, a.key) for a in plan.actions] == [("conflict", "PAY-1"), ("conflict", "PAY-2")]
    assert not plan.has_changes


def test_orphan_is_reported_and_left_alone_unless_pruned() -> None:
    gone = ticket("PAY-9")
    it = item_for(gone, 40, state="Active")
    plan = make_plan(desired(), live(it))
    (orphan,) = plan.actions
    assert isinstance(orphan, Orphan) and (orphan.key, orphan.id) == ("PAY-9", 40)
    assert not plan.has_changes
    pruned = make_plan(desired(), live(it), prune=True)
    (prune,) = pruned.actions
    assert isinstance(prune, Prune) and prune.state_path == ("Removed",)
    assert make_plan(desired(), live(item_for(gone, 40, state="Removed")), prune=True).actions == ()


def test_prune_without_a_removed_state_is_blocked() -> None:
    basic = WorkItemTypeInfo(
        name="Issue", initial_state="To Do", states=tuple(StateInfo(name=n) for n in ("To Do", "Doing", "Done"))
    )
    gone = ticket("PAY-9")
    it = item_for(gone, 40, state="Doing")
    plan = make_plan(
        desired(
            statuses=[
                {"name": "todo", "state": "To Do"},
                {"name": "doing", "state": "Doing", "start": True, "review": True},
                {"name": "done", "state": "Done", "done": True},
            ]
        ),
        live(it, type_info=basic),
        prune=True,
    )
    (b,) = plan.actions
    assert isinstance(b, Blocked) and "no state in the Removed category" in b.reason


def test_invalid_ticket_file_blocks_its_key_and_its_item_is_not_an_orphan() -> None:
    bad = ticket("PAY-3")
    problem = Problem(".tickets/PAY-3.md", 4, 1, "status: 'doing' is not a status")
    plan = make_plan(
        desired(ticket("PAY-1"), problems=(problem,), invalid=frozenset({"PAY-3"})), live(item_for(bad, 33)), prune=True
    )
    blocked = only(plan, Blocked)
    assert [(b.key, b.id) for b in blocked] == [("PAY-3", 33)]
    assert ".tickets/PAY-3.md:4:1: status" in blocked[0].reason and "#33 left alone" in blocked[0].reason
    assert not only(plan, Prune) and not only(plan, Orphan)


# ---- order and round trip ----------------------------------------------------------------
def test_actions_sort_by_key_number_then_step() -> None:
    plan = make_plan(desired(*(ticket(f"PAY-{n}") for n in (10, 2, 1))), live())
    assert [a.key for a in plan.actions] == ["PAY-1", "PAY-2", "PAY-10"]


def test_plan_json_round_trips_by_kind() -> None:
    t = ticket("PAY-1", title="x")
    plan = make_plan(desired(t, ticket("PAY-2")), live(item_for(t, 1, title="y"), item_for(ticket("PAY-7"), 7)))
    again = Plan.model_validate_json(plan.model_dump_json())
    assert again == plan
    assert isinstance(again.actions[0], UpdateWorkItem)  # each action comes back as its own kind


def test_identity_keys_are_case_insensitive() -> None:
    t = ticket("PAY-1", assignee="dave@contoso.com")
    ids = {"Dave@Contoso.com": Identity(email="dave@contoso.com", id="d")}
    (create,) = make_plan(desired(t), live(identities=ids)).actions
    assert create.field(f.ASSIGNED_TO).new == "dave@contoso.com"


# ---- items whose ticketops:KEY tag was removed ---------------------------------------------
def _lost(t, id: int, recovered: tuple[str, ...]):
    return item_for(t, id, key=None, tags=("ticketops",), recovered_keys=recovered)


def test_an_item_that_lost_its_key_tag_blocks_its_ticket_instead_of_a_second_create() -> None:
    t1, t2 = ticket("PAY-1"), ticket("PAY-2")
    plan = make_plan(desired(t1, t2), live(_lost(t1, 1, ("PAY-1",))))
    (blocked,) = only(plan, Blocked)
    assert (blocked.key, blocked.id) == ("PAY-1", 1)
    assert "lost its tag ticketops:PAY-1; re-add it (or remove the `ticketops` tag)" in blocked.reason
    assert [a.key for a in only(plan, CreateWorkItem)] == ["PAY-2"]  # the others go on


def test_a_lost_tag_while_another_item_carries_it_is_a_conflict_naming_both() -> None:
    t = ticket("PAY-1")
    plan = make_plan(desired(t), live(_lost(t, 1, ("PAY-1",)), item_for(t, 5)))
    (conflict,) = only(plan, Conflict)
    assert conflict.ids == (1, 5) and "#1 lost its tag ticketops:PAY-1 while #5 carries it" in conflict.reason
    assert only(plan, UpdateWorkItem) == [] and plan.synced == ()


def test_an_item_that_lost_several_key_tags_is_refused_for_each_of_them() -> None:
    t1, t2 = ticket("PAY-1"), ticket("PAY-2")
    plan = make_plan(desired(t1, t2), live(_lost(t1, 1, ("PAY-1", "PAY-2"))))
    assert [(b.key, b.id) for b in only(plan, Blocked)] == [("PAY-1", 1), ("PAY-2", 1)]
    assert "lost its tags ticketops:PAY-1, ticketops:PAY-2 (it carried several)" in only(plan, Blocked)[0].reason
    assert only(plan, CreateWorkItem) == []


def test_a_marked_item_ticketops_never_wrote_is_reported_and_creates_go_on() -> None:
    t = ticket("PAY-1")
    stray = item_for(ticket("PAY-9", title="Someone's item"), 3, key=None, tags=("ticketops", "infra"))
    plan = make_plan(desired(t), live(stray))
    (unpaired,) = only(plan, Unpaired)
    assert (unpaired.key, unpaired.id, unpaired.title) == ("#3", 3, "Someone's item")
    assert "history shows no ticketops write" in unpaired.reason
    assert not plan.errors and [a.key for a in only(plan, CreateWorkItem)] == ["PAY-1"]
    assert "? #3         unpaired #3" in render_text(plan) and "1 unpaired" in render_text(plan)


def test_a_lost_tag_whose_ticket_file_is_gone_is_unpaired_not_pruned() -> None:
    gone = ticket("PAY-7")
    plan = make_plan(
        desired(ticket("PAY-1", id=8)), live(_lost(gone, 1, ("PAY-7",)), item_for(ticket("PAY-1"), 8)), prune=True
    )
    (unpaired,) = only(plan, Unpaired)
    assert unpaired.key == "PAY-7" and "ticket PAY-7 does not exist" in unpaired.reason
    assert only(plan, Prune) == []


def test_a_ticket_that_names_the_item_by_id_pairs_with_it_and_puts_the_tags_back() -> None:
    t = ticket("PAY-1", id=1)
    (upd,) = make_plan(desired(t), live(_lost(t, 1, ("PAY-1",)))).actions
    assert isinstance(upd, UpdateWorkItem) and upd.id == 1
    assert change(upd, f.TAGS).new == "ticketops; ticketops:PAY-1"
