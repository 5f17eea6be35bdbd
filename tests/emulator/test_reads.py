"""Bulk reads, work item types and states, comments."""

from __future__ import annotations

from ticketops.emulator import Emulator


def test_workitemsbatch_returns_only_the_fields_asked_for(ado) -> None:
    a = ado.story("One", ado.field("System.Tags", "x"))["id"]
    b = ado.story("Two")["id"]
    r = ado.post(
        "/Payments/_apis/wit/workitemsbatch", {"ids": [b, a], "fields": ["System.Id", "System.Title", "System.Tags"]}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    assert [v["id"] for v in body["value"]] == [b, a]
    assert body["value"][0]["fields"] == {"System.Id": b, "System.Title": "Two"}
    assert body["value"][1]["fields"] == {"System.Id": a, "System.Title": "One", "System.Tags": "x"}
    assert "_links" not in body["value"][0]


def test_batch_expand_relations_and_error_policy(ado) -> None:
    parent = ado.story("P")
    child = ado.story(
        "C", ado.op("add", "/relations/-", {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": parent["url"]})
    )
    r = ado.post(
        "/Payments/_apis/wit/workitemsbatch", {"ids": [child["id"], 404], "$expand": "Relations", "errorPolicy": "Omit"}
    )
    assert r.status_code == 200
    values = r.json()["value"]
    assert values[0]["relations"][0]["url"] == parent["url"] and values[1] is None
    fail = ado.post("/Payments/_apis/wit/workitemsbatch", {"ids": [child["id"], 404]})
    assert fail.status_code == 404 and "404" in fail.json()["message"]
    both = ado.post(
        "/Payments/_apis/wit/workitemsbatch", {"ids": [child["id"]], "fields": ["System.Title"], "$expand": "all"}
    )
    assert both.status_code == 400


def test_more_than_200_ids_is_vs403474(ado, emu: Emulator) -> None:
    for i in range(201):
        emu.db.create_work_item("Payments", "Task", {"System.Title": f"t{i}"})
    ids = list(range(1, 202))
    r = ado.post("/Payments/_apis/wit/workitemsbatch", {"ids": ids, "fields": ["System.Id"]})
    assert r.status_code == 400 and r.json()["message"].startswith("VS403474")
    g = ado.get("/Payments/_apis/wit/workitems", {"ids": ",".join(map(str, ids))})
    assert g.status_code == 400 and g.json()["message"].startswith("VS403474")
    ok = ado.get("/Payments/_apis/wit/workitems", {"ids": ",".join(map(str, ids[:200])), "fields": "System.Title"})
    assert ok.status_code == 200 and ok.json()["count"] == 200


def test_get_list_by_ids_and_as_of(ado, clock) -> None:
    item = ado.story("v1")
    clock.advance(3600)
    ado.update(item["id"], [ado.field("System.Title", "v2")])
    r = ado.get("/Payments/_apis/wit/workitems", {"ids": str(item["id"])})
    assert r.json()["value"][0]["fields"]["System.Title"] == "v2"
    old = ado.get(f"/Payments/_apis/wit/workitems/{item['id']}", {"asOf": "2026-01-01T00:30:00Z"}).json()
    assert old["rev"] == 1 and old["fields"]["System.Title"] == "v1"


def test_work_item_types_and_states(ado) -> None:
    types = ado.get("/Payments/_apis/wit/workitemtypes").json()
    names = [t["name"] for t in types["value"]]
    assert {"Epic", "Feature", "User Story", "Task", "Bug"} <= set(names)
    assert types["count"] == len(names)
    story = ado.get("/Payments/_apis/wit/workitemtypes/User Story").json()
    assert story["referenceName"] == "Microsoft.VSTS.WorkItemTypes.UserStory"
    assert story["transitions"][""] == [{"to": "New", "actions": None}]
    assert {t["to"] for t in story["transitions"]["New"]} == {"New", "Active", "Resolved", "Closed", "Removed"}
    states = ado.get("/Payments/_apis/wit/workitemtypes/User Story/states").json()
    assert [(s["name"], s["category"]) for s in states["value"]] == [
        ("New", "Proposed"),
        ("Active", "InProgress"),
        ("Resolved", "Resolved"),
        ("Closed", "Completed"),
        ("Removed", "Removed"),
    ]
    assert all(s["color"] for s in states["value"])
    req = ado.get("/Compliance/_apis/wit/workitemtypes/Requirement").json()
    assert {t["to"] for t in req["transitions"]["Proposed"]} == {"Proposed", "Active", "Removed"}
    pbi = ado.get("/Ledger/_apis/wit/workitemtypes/Product Backlog Item/states").json()
    assert [s["name"] for s in pbi["value"]] == ["New", "Approved", "Committed", "Done", "Removed"]
    basic = ado.get("/Helpdesk/_apis/wit/workitemtypes/Issue/states").json()
    assert [s["name"] for s in basic["value"]] == ["To Do", "Doing", "Done"]
    assert ado.get("/Helpdesk/_apis/wit/workitemtypes/Bug").status_code == 404


def test_comments_need_the_preview_version_and_page_with_a_token(ado, emu: Emulator) -> None:
    item = ado.story()
    path = f"/Payments/_apis/wit/workItems/{item['id']}/comments"
    plain = ado.post(path, {"text": "hi"})
    assert plain.status_code == 400 and plain.json()["typeKey"] == "VssInvalidPreviewVersionException"
    for i in range(5):
        r = ado.post(path, {"text": f"comment {i}"}, version="7.1-preview.4")
        assert r.status_code == 200, r.text
    assert r.json()["text"] == "comment 4" and r.json()["createdBy"]["uniqueName"] == "ticketops@contoso.com"
    stored = emu.db.get_work_item(item["id"])
    assert stored.fields["System.CommentCount"] == 5 and stored.rev == 6
    assert "System.History" not in stored.fields
    first = ado.get(path, {"$top": 2, "order": "asc"}, version="7.1-preview.4")
    body = first.json()
    assert body["totalCount"] == 5 and body["count"] == 2
    assert [c["text"] for c in body["comments"]] == ["comment 0", "comment 1"]
    token = body["continuationToken"]
    assert first.headers["x-ms-continuationtoken"] == token
    texts = [c["text"] for c in body["comments"]]
    while token:
        page = ado.get(path, {"$top": 2, "order": "asc", "continuationToken": token}, version="7.1-preview.4").json()
        texts += [c["text"] for c in page["comments"]]
        token = page.get("continuationToken")
    assert texts == [f"comment {i}" for i in range(5)]
    newest_first = ado.get(path, version="7.1-preview.4").json()
    assert newest_first["comments"][0]["text"] == "comment 4"
    by_ids = ado.get(path, {"ids": str(body["comments"][0]["id"])}, version="7.1-preview.4").json()
    assert [c["text"] for c in by_ids["comments"]] == ["comment 0"]


def test_a_comment_without_format_is_html_as_in_ado(ado, emu: Emulator) -> None:
    item = ado.story()
    path = f"/Payments/_apis/wit/workItems/{item['id']}/comments"
    plain = ado.post(path, {"text": "<p>Use the <b>HSM</b></p>"}, version="7.1-preview.4")
    assert plain.status_code == 200 and plain.json()["format"] == "html"
    md = ado.post(path, {"text": "Use the **HSM**"}, {"format": "markdown"}, version="7.1-preview.4")
    assert md.json()["format"] == "markdown"
    assert ado.post(path, {"text": "x"}, {"format": "rtf"}, version="7.1-preview.4").status_code == 400
    listed = ado.get(path, {"order": "asc"}, version="7.1-preview.4").json()["comments"]
    assert [c["format"] for c in listed] == ["html", "markdown"]
    # A person's comment, seeded: HTML unless said otherwise, as in the web UI.
    assert emu.db.add_comment(item["id"], "<p>ok</p>", by="dave@contoso.com").format == "html"
    assert emu.db.add_comment(item["id"], "*ok*", by="dave@contoso.com", fmt="markdown").format == "markdown"


def test_a_person_commenting_shows_up(ado, emu: Emulator) -> None:
    item = ado.story()
    emu.db.add_comment(item["id"], "Looks good", by="dave@contoso.com")
    page = ado.get(f"/Payments/_apis/wit/workItems/{item['id']}/comments", version="7.1-preview.4").json()
    assert page["comments"][0]["createdBy"]["uniqueName"] == "dave@contoso.com"


def test_fields_list(ado) -> None:
    fields = ado.get("/Payments/_apis/wit/fields").json()
    refs = {f["referenceName"] for f in fields["value"]}
    assert {"System.Title", "System.Tags", "Microsoft.VSTS.Common.AcceptanceCriteria"} <= refs
