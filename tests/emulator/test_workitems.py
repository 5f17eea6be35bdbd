"""Work items over the wire: create, update by JSON Patch, rules, identities, tags, history."""

from __future__ import annotations

from collections.abc import Callable

from ticketops.emulator import Emulator

F = "/fields/"


def test_create_sets_system_fields_and_starts_in_the_initial_state(ado, emu: Emulator) -> None:
    body = ado.story("Pay by card", ado.field("System.Description", "<p>spec</p>"))
    f = body["fields"]
    assert body["id"] == 1 and body["rev"] == 1
    assert f["System.State"] == "New" and f["System.Reason"] == "New"
    assert f["System.WorkItemType"] == "User Story"
    assert f["System.TeamProject"] == f["System.AreaPath"] == f["System.IterationPath"] == "Payments"
    assert f["System.CreatedBy"]["uniqueName"] == "ticketops@contoso.com"
    assert f["System.CreatedDate"] == f["System.ChangedDate"]
    assert f["System.CreatedDate"].endswith("Z") and "T" in f["System.CreatedDate"]
    assert body["url"].endswith("/_apis/wit/workItems/1")
    assert "_links" in body
    assert emu.db.get_work_item(1).fields["System.Title"] == "Pay by card"


def test_each_write_adds_one_rev_and_a_later_changed_date(ado, invariants: Callable[[], None], clock) -> None:
    item = ado.story("Rev counting")
    seen = [item["fields"]["System.ChangedDate"]]
    for i in range(3):
        r = ado.update(item["id"], [ado.op("test", "/rev", i + 1), ado.field("System.Title", f"title {i}")])
        assert r.status_code == 200, r.text
        assert r.json()["rev"] == i + 2
        seen.append(r.json()["fields"]["System.ChangedDate"])
        invariants()
    # The manual clock never moves here, yet every ChangedDate is strictly later.
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_failed_rev_test_is_412_and_changes_nothing(ado, emu: Emulator) -> None:
    item = ado.story("Concurrency")
    r = ado.update(item["id"], [ado.op("test", "/rev", 7), ado.field("System.Title", "lost update")])
    assert r.status_code == 412
    err = r.json()
    assert err["typeKey"] == "TestPatchOperationFailedException"
    assert err["message"].startswith("VS403351")
    assert (
        err["$id"] == "1"
        and err["innerException"] is None
        and err["typeName"].endswith(", Microsoft.VisualStudio.Services.WebApi")
    )
    assert emu.db.get_work_item(item["id"]).fields["System.Title"] == "Concurrency"
    assert emu.db.get_work_item(item["id"]).rev == 1


def test_patch_needs_the_json_patch_content_type(ado) -> None:
    item = ado.story()
    r = ado.send("PATCH", f"/Payments/_apis/wit/workitems/{item['id']}", [ado.field("System.Title", "x")])
    assert r.status_code == 415
    assert "application/json-patch+json" in r.json()["message"]


def test_tags_are_trimmed_deduplicated_and_sorted_like_ado(ado, emu: Emulator) -> None:
    item = ado.story("Tags", ado.field("System.Tags", " zeta;Alpha ; alpha;; beta "))
    assert item["fields"]["System.Tags"] == "Alpha; beta; zeta"
    # The project remembers the first casing it saw: "ALPHA" comes back as "Alpha".
    other = ado.story("More tags", ado.field("System.Tags", "ALPHA; gamma"))
    assert other["fields"]["System.Tags"] == "Alpha; gamma"
    r = ado.update(item["id"], [ado.op("remove", F + "System.Tags")])
    assert "System.Tags" not in r.json()["fields"]


def test_identity_fields_take_an_email_and_come_back_as_identity_refs(ado) -> None:
    item = ado.story("Assigned", ado.field("System.AssignedTo", "Alice@Contoso.com"))
    ref = item["fields"]["System.AssignedTo"]
    assert ref["uniqueName"] == "alice@contoso.com"
    assert ref["displayName"] == "Alice Archer"
    assert set(ref) >= {"displayName", "uniqueName", "id", "descriptor", "url", "imageUrl", "_links"}
    by_name = ado.update(item["id"], [ado.field("System.AssignedTo", "Bob Baker <bob@contoso.com>")])
    assert by_name.json()["fields"]["System.AssignedTo"]["uniqueName"] == "bob@contoso.com"
    cleared = ado.update(item["id"], [ado.field("System.AssignedTo", "")])
    assert "System.AssignedTo" not in cleared.json()["fields"]


def test_unknown_identity_is_a_rule_error(ado) -> None:
    r = ado.create(
        "Payments", "User Story", [ado.field("System.Title", "x"), ado.field("System.AssignedTo", "nobody@contoso.com")]
    )
    assert r.status_code == 400
    err = r.json()
    assert err["typeKey"] == "RuleValidationException"
    assert err["message"].startswith("TF401320")
    rules = err["customProperties"]["RuleValidationErrors"]
    assert rules[0]["fieldReferenceName"] == "System.AssignedTo"
    assert "unknown identity" in rules[0]["errorMessage"]


def test_title_is_required_and_at_most_255_characters(ado) -> None:
    missing = ado.create("Payments", "User Story", [ado.field("System.Description", "no title")])
    assert missing.status_code == 400
    assert missing.json()["customProperties"]["RuleValidationErrors"][0]["fieldReferenceName"] == "System.Title"
    empty = ado.create("Payments", "User Story", [ado.field("System.Title", "   ")])
    assert empty.status_code == 400
    too_long = ado.create("Payments", "User Story", [ado.field("System.Title", "x" * 256)])
    assert too_long.status_code == 400
    assert "InvalidTooLong" in too_long.json()["message"]
    assert ado.create("Payments", "User Story", [ado.field("System.Title", "x" * 255)]).status_code == 200


def test_title_length_counts_utf16_code_units_as_ado_does(ado) -> None:
    emoji = "\U0001f600"  # one Python character, two .NET chars
    too_long = ado.create("Payments", "User Story", [ado.field("System.Title", emoji * 128)])  # 256 units
    assert too_long.status_code == 400 and "InvalidTooLong" in too_long.json()["message"]
    assert "256 characters" in too_long.json()["message"]
    ok = ado.create("Payments", "User Story", [ado.field("System.Title", "x" + emoji * 127)])  # 255 units
    assert ok.status_code == 200 and ok.json()["fields"]["System.Title"] == "x" + emoji * 127


def test_every_rule_error_is_reported_at_once(ado) -> None:
    r = ado.create(
        "Payments",
        "User Story",
        [
            ado.field("System.Title", ""),
            ado.field("Microsoft.VSTS.Common.Priority", 9),
            ado.field("System.AreaPath", "Payments\\Nope"),
        ],
    )
    assert r.status_code == 400
    fields = {e["fieldReferenceName"] for e in r.json()["customProperties"]["RuleValidationErrors"]}
    assert fields == {"System.Title", "Microsoft.VSTS.Common.Priority", "System.AreaPath"}


def test_unknown_field_is_tf51535(ado) -> None:
    r = ado.create("Payments", "User Story", [ado.field("System.Title", "x"), ado.field("Custom.Nope", 1)])
    assert r.status_code == 400
    assert r.json()["message"] == "TF51535: Cannot find field Custom.Nope."


def test_read_only_fields_need_bypass_rules(ado) -> None:
    item = ado.story()
    r = ado.update(item["id"], [ado.field("System.CreatedDate", "2020-01-01T00:00:00Z")])
    assert r.status_code == 400 and "ReadOnly" in r.json()["message"]
    ok = ado.update(item["id"], [ado.field("System.CreatedDate", "2020-01-01T00:00:00Z")], {"bypassRules": "true"})
    assert ok.status_code == 200
    assert ok.json()["fields"]["System.CreatedDate"] == "2020-01-01T00:00:00.000Z"


def test_state_must_exist_and_new_items_start_in_the_initial_state(ado) -> None:
    r = ado.create("Payments", "User Story", [ado.field("System.Title", "x"), ado.field("System.State", "Active")])
    assert r.status_code == 400
    assert (
        "cannot move from '(new item)' to 'Active'"
        in r.json()["customProperties"]["RuleValidationErrors"][0]["errorMessage"]
    )
    item = ado.story()
    bad = ado.update(item["id"], [ado.field("System.State", "Doing")])
    assert bad.status_code == 400
    assert bad.json()["customProperties"]["RuleValidationErrors"][0]["fieldReferenceName"] == "System.State"


def test_agile_allows_any_move_and_stamps_state_dates(ado) -> None:
    item = ado.story()
    closed = ado.update(item["id"], [ado.field("System.State", "closed")])
    assert closed.status_code == 200
    f = closed.json()["fields"]
    assert f["System.State"] == "Closed"  # canonical casing
    assert f["System.Reason"] == "Moved to state Closed"
    assert (
        f["Microsoft.VSTS.Common.ClosedDate"] == f["System.ChangedDate"] == f["Microsoft.VSTS.Common.StateChangeDate"]
    )
    assert f["Microsoft.VSTS.Common.ClosedBy"]["uniqueName"] == "ticketops@contoso.com"
    reopened = ado.update(item["id"], [ado.field("System.State", "New")]).json()["fields"]
    assert "Microsoft.VSTS.Common.ClosedDate" not in reopened


def test_cmmi_requirement_must_walk_its_workflow(ado, invariants) -> None:
    item = ado.story("Audit trail", project="Compliance", wit="Requirement")
    assert item["fields"]["System.State"] == "Proposed"
    jump = ado.update(item["id"], [ado.field("System.State", "Closed")], project="Compliance")
    assert jump.status_code == 400
    assert jump.json()["typeKey"] == "RuleValidationException"
    for state in ("Active", "Resolved", "Closed"):
        r = ado.update(item["id"], [ado.field("System.State", state)], project="Compliance")
        assert r.status_code == 200, r.text
        invariants()
    assert r.json()["rev"] == 4


def test_scrum_and_basic_requirement_types_and_states(ado) -> None:
    pbi = ado.story("PBI", project="Ledger", wit="Product Backlog Item")
    assert pbi["fields"]["System.State"] == "New" and pbi["fields"]["System.Reason"] == "New backlog item"
    issue = ado.story("Issue", project="Helpdesk", wit="Issue")
    assert issue["fields"]["System.State"] == "To Do"
    no_issue_in_scrum = ado.create("Ledger", "Issue", [ado.field("System.Title", "x")])
    assert no_issue_in_scrum.status_code == 404
    assert no_issue_in_scrum.json()["typeKey"] == "WorkItemTypeNotFoundException"
    assert no_issue_in_scrum.json()["message"] == (
        "VS402323: Work item type Issue does not exist in project Ledger or you do not have permission to access it."
    )
    assert no_issue_in_scrum.json()["typeName"].startswith("Microsoft.TeamFoundation.WorkItemTracking.Server.")
    assert ado.create("Helpdesk", "Bug", [ado.field("System.Title", "x")]).status_code == 404
    assert ado.get("/Helpdesk/_apis/wit/workitemtypes/Bug").json()["message"].startswith("VS402323: Work item type Bug")


def test_history_is_recorded_in_that_revision_only(ado) -> None:
    item = ado.story()
    with_note = ado.update(
        item["id"], [ado.field("System.Title", "t2"), ado.field("System.History", "Why it changed")]
    ).json()
    assert with_note["fields"]["System.History"] == "Why it changed"
    later = ado.update(item["id"], [ado.field("System.Title", "t3")]).json()
    assert "System.History" not in later["fields"]
    updates = ado.get(f"/Payments/_apis/wit/workItems/{item['id']}/updates").json()
    assert updates["count"] == 3
    assert updates["value"][1]["fields"]["System.History"] == {"newValue": "Why it changed"}
    assert updates["value"][2]["fields"]["System.Title"] == {"oldValue": "t2", "newValue": "t3"}


def test_a_patch_that_changes_nothing_makes_no_revision(ado) -> None:
    item = ado.story("Same")
    r = ado.update(item["id"], [ado.op("test", "/rev", 1), ado.field("System.Title", "Same")])
    assert r.status_code == 200 and r.json()["rev"] == 1


def test_validate_only_checks_without_saving(ado, emu: Emulator) -> None:
    item = ado.story("Keep me")
    r = ado.update(item["id"], [ado.field("System.Title", "Would change")], {"validateOnly": "true"})
    assert r.status_code == 200
    assert r.json()["fields"]["System.Title"] == "Would change" and r.json()["rev"] == 1
    assert emu.db.get_work_item(item["id"]).fields["System.Title"] == "Keep me"
    bad = ado.update(item["id"], [ado.field("System.State", "Nope")], {"validateOnly": "true"})
    assert bad.status_code == 400
    created = ado.create("Payments", "User Story", [ado.field("System.Title", "dry run")], {"validateOnly": "true"})
    assert created.status_code == 200
    assert len(emu.db.work_items("Payments")) == 1


def test_missing_item_is_tf401232(ado) -> None:
    r = ado.get("/Payments/_apis/wit/workitems/999")
    assert r.status_code == 404
    assert r.json()["typeKey"] == "WorkItemUnauthorizedAccessException"
    assert r.json()["message"].startswith("TF401232")
    assert ado.update(999, [ado.field("System.Title", "x")]).status_code == 404


def test_copy_and_move_are_refused(ado) -> None:
    item = ado.story()
    r = ado.update(item["id"], [{"op": "copy", "from": "/fields/System.Title", "path": "/fields/System.Description"}])
    assert r.status_code == 400


def test_markdown_description(ado) -> None:
    item = ado.story(
        "md",
        ado.field("System.Description", "# Spec\n\n- a"),
        ado.op("add", "/multilineFieldsFormat/System.Description", "Markdown"),
    )
    assert item["multilineFieldsFormat"] == {"System.Description": "markdown"}
    assert item["fields"]["System.Description"] == "# Spec\n\n- a"
    got = ado.get(f"/Payments/_apis/wit/workitems/{item['id']}").json()
    assert got["multilineFieldsFormat"] == {"System.Description": "markdown"}
    # Changing the format without a value for the field is refused (VS403319).
    r = ado.update(item["id"], [ado.op("add", "/multilineFieldsFormat/System.Description", "Html")])
    assert r.status_code == 400 and r.json()["message"].startswith("VS403319")


def test_a_server_without_markdown_rejects_the_format_op(clock) -> None:
    import httpx

    with (
        Emulator(clock=clock, markdown_supported=False) as emu,
        httpx.Client(transport=emu.transport, base_url=emu.url) as c,
    ):
        ops = [
            {"op": "add", "path": "/fields/System.Title", "value": "x"},
            {"op": "add", "path": "/fields/System.Description", "value": "# md"},
            {"op": "add", "path": "/multilineFieldsFormat/System.Description", "value": "Markdown"},
        ]
        r = c.post(
            "/Payments/_apis/wit/workitems/$User Story",
            params={"api-version": "7.1"},
            json=ops,
            headers={"Content-Type": "application/json-patch+json"},
        )
        assert r.status_code == 400
        html = c.post(
            "/Payments/_apis/wit/workitems/$User Story",
            params={"api-version": "7.1"},
            json=ops[:2],
            headers={"Content-Type": "application/json-patch+json"},
        )
        assert html.status_code == 200 and "multilineFieldsFormat" not in html.json()


def test_expand_controls_relations_and_links(ado) -> None:
    parent = ado.story("Parent")
    child = ado.story(
        "Child", ado.op("add", "/relations/-", {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": parent["url"]})
    )
    plain = ado.get(f"/Payments/_apis/wit/workitems/{child['id']}").json()
    assert "relations" not in plain and "_links" in plain
    rels = ado.get(f"/Payments/_apis/wit/workitems/{child['id']}", {"$expand": "Relations"}).json()
    assert rels["relations"][0]["rel"] == "System.LinkTypes.Hierarchy-Reverse"
    only = ado.get(f"/Payments/_apis/wit/workitems/{child['id']}", {"fields": "System.Title,System.Id"}).json()
    assert only["fields"] == {"System.Title": "Child", "System.Id": child["id"]}
    bad = ado.get(f"/Payments/_apis/wit/workitems/{child['id']}", {"fields": "System.Title", "$expand": "all"})
    assert bad.status_code == 400


def test_links_are_two_sided_and_removed_by_index(ado, emu: Emulator, invariants) -> None:
    parent = ado.story("Parent")
    child = ado.story(
        "Child",
        ado.op(
            "add",
            "/relations/-",
            {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": parent["url"], "attributes": {"comment": "part of"}},
        ),
    )
    assert child["fields"]["System.Parent"] == parent["id"]
    mirrored = emu.db.get_work_item(parent["id"])
    assert [r.rel for r in mirrored.relations] == ["System.LinkTypes.Hierarchy-Forward"]
    assert mirrored.rev == 2
    invariants()
    second = ado.story("Other parent")
    two_parents = ado.update(
        child["id"],
        [ado.op("add", "/relations/-", {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": second["url"]})],
    )
    assert two_parents.status_code == 400
    pr_link = {
        "rel": "ArtifactLink",
        "url": "vstfs:///Git/PullRequestId/p%2Fr%2F1",
        "attributes": {"name": "Pull Request"},
    }
    r = ado.update(
        child["id"],
        [
            ado.op("add", "/relations/-", pr_link),
            ado.op("add", "/relations/-", {"rel": "Hyperlink", "url": "https://x"}),
        ],
    )
    assert [x["rel"] for x in r.json()["relations"]] == [
        "System.LinkTypes.Hierarchy-Reverse",
        "ArtifactLink",
        "Hyperlink",
    ]
    dup = ado.update(child["id"], [ado.op("add", "/relations/-", pr_link)])
    assert dup.status_code == 400
    removed = ado.update(child["id"], [ado.op("remove", "/relations/0")]).json()
    assert [x["rel"] for x in removed["relations"]] == ["ArtifactLink", "Hyperlink"]
    assert "System.Parent" not in removed["fields"]
    assert emu.db.get_work_item(parent["id"]).relations == []
    assert ado.update(child["id"], [ado.op("remove", "/relations/5")]).status_code == 400
    invariants()


def test_artifact_links_must_be_vstfs_uris_with_a_name(ado) -> None:
    item = ado.story()
    r = ado.update(
        item["id"],
        [
            ado.op(
                "add",
                "/relations/-",
                {"rel": "ArtifactLink", "url": "https://x", "attributes": {"name": "Pull Request"}},
            )
        ],
    )
    assert r.status_code == 400
    r = ado.update(item["id"], [ado.op("add", "/relations/-", {"rel": "ArtifactLink", "url": "vstfs:///Git/Ref/x"})])
    assert r.status_code == 400


def test_revisions_are_snapshots(ado) -> None:
    item = ado.story("v1")
    ado.update(item["id"], [ado.field("System.Title", "v2")])
    revs = ado.get(f"/Payments/_apis/wit/workItems/{item['id']}/revisions").json()
    assert [r["fields"]["System.Title"] for r in revs["value"]] == ["v1", "v2"]
    one = ado.get(f"/Payments/_apis/wit/workItems/{item['id']}/revisions/1").json()
    assert one["rev"] == 1 and one["fields"]["System.Title"] == "v1"
    upd = ado.get(f"/Payments/_apis/wit/workItems/{item['id']}/updates/2").json()
    assert upd["rev"] == 2 and upd["fields"]["System.Rev"] == {"oldValue": 1, "newValue": 2}


def test_a_person_editing_in_the_ui_bumps_rev_and_is_the_changer(ado, emu: Emulator) -> None:
    item = ado.story("From the API")
    emu.db.update_work_item("Payments", item["id"], {"System.Title": "Edited by hand"}, by="carol@contoso.com")
    got = ado.get(f"/Payments/_apis/wit/workitems/{item['id']}").json()
    assert got["rev"] == 2
    assert got["fields"]["System.ChangedBy"]["uniqueName"] == "carol@contoso.com"
    assert got["fields"]["System.Title"] == "Edited by hand"


def test_delete_hides_the_item(ado) -> None:
    item = ado.story()
    r = ado.client.delete(f"/Payments/_apis/wit/workitems/{item['id']}", params={"api-version": "7.1"})
    assert r.status_code == 200
    assert ado.get(f"/Payments/_apis/wit/workitems/{item['id']}").status_code == 404
