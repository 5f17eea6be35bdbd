"""Work item tracking through the SDK: every WIT operation ticketops itself uses."""

from __future__ import annotations

import pytest
from azure.devops.exceptions import AzureDevOpsServiceError
from azure.devops.v7_1.work_item_tracking.models import (
    CommentCreate,
    JsonPatchOperation,
    Wiql,
    WorkItemBatchGetRequest,
)

from support.sdk import Sdk

P = "Payments"


def op(kind: str, path: str, value: object = None) -> JsonPatchOperation:
    return JsonPatchOperation(op=kind, path=path, value=value)


def create(sdk: Sdk, title: str, *extra: JsonPatchOperation, kind: str = "User Story"):  # type: ignore[no-untyped-def]
    return sdk.wit.create_work_item([op("add", "/fields/System.Title", title), *extra], P, kind)


def test_projects(sdk: Sdk) -> None:
    projects = sdk.core.get_projects()
    assert sorted(p.name for p in projects) == ["Compliance", "Helpdesk", "Ledger", "Payments"]
    one = sdk.core.get_project(P, include_capabilities=True)
    assert one.name == P
    assert one.capabilities["processTemplate"]["templateName"] == "Agile"


def test_types_and_states(sdk: Sdk) -> None:
    names = [t.name for t in sdk.wit.get_work_item_types(P)]
    assert "User Story" in names and "Bug" in names
    story = sdk.wit.get_work_item_type(P, "User Story")
    assert story.name == "User Story"
    states = [s.name for s in sdk.wit.get_work_item_type_states(P, "User Story")]
    assert states[:2] == ["New", "Active"] and "Closed" in states


def test_create_then_update_guarded_by_test_rev(sdk: Sdk) -> None:
    item = create(sdk, "Pay by card", op("add", "/fields/System.Tags", "ticketops; PAY-1"))
    assert item.id > 0 and item.rev == 1
    assert item.fields["System.Title"] == "Pay by card"
    updated = sdk.wit.update_work_item(
        [op("test", "/rev", item.rev), op("add", "/fields/System.State", "Active")], item.id, P
    )
    assert updated.rev == 2 and updated.fields["System.State"] == "Active"


def test_a_stale_rev_is_a_412(sdk: Sdk) -> None:
    item = create(sdk, "Stale")
    sdk.wit.update_work_item([op("add", "/fields/System.Title", "moved on")], item.id, P)
    with pytest.raises(AzureDevOpsServiceError) as err:
        sdk.wit.update_work_item([op("test", "/rev", 1), op("add", "/fields/System.Title", "late")], item.id, P)
    assert err.value.type_key == "TestPatchOperationFailedException"
    assert sdk.emu.log.records[-1].status == 412
    assert sdk.wit.get_work_item(item.id, P).fields["System.Title"] == "moved on"


def test_wiql(sdk: Sdk) -> None:
    a, b = create(sdk, "first"), create(sdk, "second")
    result = sdk.wit.query_by_wiql(
        Wiql(query="SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project ORDER BY [System.Id]"),
        team_context=_team(P),
    )
    assert [r.id for r in result.work_items] == [a.id, b.id]
    assert result.as_of is not None


def _team(project: str):  # type: ignore[no-untyped-def]
    from azure.devops.v7_1.work_item_tracking.models import TeamContext

    return TeamContext(project=project)


def test_batch_get_and_expand_relations(sdk: Sdk) -> None:
    parent = create(sdk, "Epic-ish", kind="Feature")
    child = create(
        sdk,
        "child",
        op("add", "/relations/-", {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": parent.url}),
    )
    got = sdk.wit.get_work_items_batch(
        WorkItemBatchGetRequest(ids=[child.id, parent.id, 999999], error_policy="omit", expand="relations"), P
    )
    assert [w.id if w else None for w in got] == [child.id, parent.id, None]
    rels = got[0].relations
    assert [r.rel for r in rels] == ["System.LinkTypes.Hierarchy-Reverse"]
    assert rels[0].url.endswith(f"/workItems/{parent.id}")
    single = sdk.wit.get_work_item(child.id, P, expand="Relations")
    assert [r.rel for r in single.relations] == ["System.LinkTypes.Hierarchy-Reverse"]
    listed = sdk.wit.get_work_items([parent.id, child.id], P, fields=["System.Title"])
    assert [w.fields["System.Title"] for w in listed] == ["Epic-ish", "child"]


def test_relations_add_and_remove(sdk: Sdk) -> None:
    a, b = create(sdk, "a"), create(sdk, "b")
    linked = sdk.wit.update_work_item(
        [op("add", "/relations/-", {"rel": "System.LinkTypes.Related", "url": b.url, "attributes": {"comment": "x"}})],
        a.id,
        P,
        expand="Relations",
    )
    assert [(r.rel, r.attributes.get("comment")) for r in linked.relations] == [("System.LinkTypes.Related", "x")]
    unlinked = sdk.wit.update_work_item([op("remove", "/relations/0")], a.id, P, expand="Relations")
    assert not unlinked.relations


def test_updates_and_revisions(sdk: Sdk) -> None:
    item = create(sdk, "v1")
    sdk.wit.update_work_item([op("add", "/fields/System.Title", "v2")], item.id, P)
    updates = sdk.wit.get_updates(item.id, P)
    assert [u.rev for u in updates] == [1, 2]
    assert updates[1].fields["System.Title"].old_value == "v1"
    assert updates[1].fields["System.Title"].new_value == "v2"
    revisions = sdk.wit.get_revisions(item.id, P)
    assert [r.fields["System.Title"] for r in revisions] == ["v1", "v2"]


def test_comments(sdk: Sdk) -> None:
    item = create(sdk, "talk")
    first = sdk.wit.add_comment(CommentCreate(text="hello"), P, item.id)
    sdk.wit.add_work_item_comment(CommentCreate(text="**again**"), P, item.id, "markdown")
    page = sdk.wit.get_comments(P, item.id)
    assert page.total_count == 2
    assert sorted(c.text for c in page.comments) == ["**again**", "hello"]
    batch = sdk.wit.get_comments_batch(P, item.id, [first.id])
    assert [c.text for c in batch.comments] == ["hello"]


def test_identities(sdk: Sdk) -> None:
    found = sdk.identity.read_identities(
        search_filter="General", filter_value="bob@contoso.com", query_membership="None"
    )
    assert [i.properties["Mail"]["$value"] for i in found] == ["bob@contoso.com"]


def test_tags_add_merges_replace_sets_remove_clears(sdk: Sdk) -> None:
    """As the spec example PATCH__wit_workitems__taskId_9.json shows: `add` on System.Tags merges
    ("Tag1; Tag2" added to an item tagged "Tag0" answers "Tag0; Tag1; Tag2"); `replace` sets the
    whole list, so it is how a tag is taken off; `remove` clears the field."""
    item = create(sdk, "Tagged", op("add", "/fields/System.Tags", "Tag0"))
    merged = sdk.wit.update_work_item([op("add", "/fields/System.Tags", "Tag1; Tag2")], item.id, P)
    assert merged.fields["System.Tags"] == "Tag0; Tag1; Tag2"
    replaced = sdk.wit.update_work_item([op("replace", "/fields/System.Tags", "Tag0; Tag2")], item.id, P)
    assert replaced.fields["System.Tags"] == "Tag0; Tag2"
    cleared = sdk.wit.update_work_item([op("remove", "/fields/System.Tags")], item.id, P)
    assert "System.Tags" not in cleared.fields
