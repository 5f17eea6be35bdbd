"""Git over the wire: repositories, refs, pushes and items, backed by real bare repositories."""

from __future__ import annotations

import base64

import pygit2
import pytest

from ticketops.emulator import Emulator

ZERO = "0" * 40
REPO = "/Payments/_apis/git/repositories/payments-api"


def tip(ado, branch: str = "main") -> str:
    refs = ado.get(f"{REPO}/refs", {"filter": f"heads/{branch}"}).json()["value"]
    match = [r for r in refs if r["name"] == f"refs/heads/{branch}"]
    return match[0]["objectId"] if match else ZERO


def push(ado, branch: str, old: str, changes: list[dict], comment: str = "change") -> object:
    return ado.post(
        f"{REPO}/pushes",
        {
            "refUpdates": [{"name": f"refs/heads/{branch}", "oldObjectId": old}],
            "commits": [{"comment": comment, "changes": changes}],
        },
    )


def add_file(path: str, content: str, kind: str = "add") -> dict:
    return {"changeType": kind, "item": {"path": path}, "newContent": {"content": content, "contentType": "rawtext"}}


def test_repositories_by_project_name_and_id(ado, emu: Emulator) -> None:
    listed = ado.get("/Payments/_apis/git/repositories").json()
    assert [r["name"] for r in listed["value"]] == ["payments-api", "payments-web"]
    repo = listed["value"][0]
    assert repo["defaultBranch"] == "refs/heads/main"
    assert repo["project"]["name"] == "Payments"
    by_id = ado.get(f"/Payments/_apis/git/repositories/{repo['id']}").json()
    assert by_id["name"] == "payments-api"
    org_level = ado.get(f"/_apis/git/repositories/{repo['id']}").json()
    assert org_level["id"] == repo["id"]
    missing = ado.get("/Payments/_apis/git/repositories/nope")
    assert missing.status_code == 404 and missing.json()["message"].startswith("TF401019")
    assert len(ado.get("/_apis/git/repositories").json()["value"]) == 5


def test_push_makes_real_commits_and_items_report_real_blob_ids(ado, emu: Emulator) -> None:
    main = tip(ado)
    r = push(
        ado,
        "feature/PAY-1-card",
        main,
        [add_file("/.tickets/PAY-1.md", "---\ntitle: Card\n---\nSpec\n")],
        "PAY-1: ticket",
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["refUpdates"][0]["oldObjectId"] == ZERO  # a new branch, based on main
    new = body["refUpdates"][0]["newObjectId"]
    assert body["commits"][0]["parents"] == [main]
    git = emu.db.repo("Payments", "payments-api")
    commit = git.get(new)
    assert (commit.tree / ".tickets/PAY-1.md").data == b"---\ntitle: Card\n---\nSpec\n"
    item = ado.get(
        f"{REPO}/items",
        {
            "path": "/.tickets/PAY-1.md",
            "versionDescriptor.version": "feature/PAY-1-card",
            "versionDescriptor.versionType": "branch",
            "includeContent": "true",
            "$format": "json",
        },
    ).json()
    assert item["objectId"] == str(pygit2.hash(b"---\ntitle: Card\n---\nSpec\n"))
    assert item["gitObjectType"] == "blob" and item["commitId"] == new and item["path"] == "/.tickets/PAY-1.md"
    assert item["content"] == "---\ntitle: Card\n---\nSpec\n"
    no_content = ado.get(
        f"{REPO}/items",
        {
            "path": "/.tickets/PAY-1.md",
            "versionDescriptor.version": new,
            "versionDescriptor.versionType": "commit",
            "$format": "json",
        },
    ).json()
    assert "content" not in no_content and no_content["objectId"] == item["objectId"]
    missing = ado.get(f"{REPO}/items", {"path": "/nope.md", "$format": "json"})
    assert missing.status_code == 404 and missing.json()["message"].startswith("TF401174")
    no_branch = ado.get(f"{REPO}/items", {"path": "/README.md", "versionDescriptor.version": "gone", "$format": "json"})
    assert no_branch.status_code == 404


def test_edit_delete_and_base64_content(ado) -> None:
    r = push(
        ado,
        "main",
        tip(ado),
        [
            {
                "changeType": "add",
                "item": {"path": "/bin/logo.png"},
                "newContent": {
                    "content": base64.b64encode(b"\x89PNG\x00\x01").decode(),
                    "contentType": "Base64Encoded",
                },
            }
        ],
    )
    assert r.status_code == 201, r.text
    r = push(
        ado,
        "main",
        tip(ado),
        [add_file("/README.md", "# new\n", "edit"), {"changeType": "delete", "item": {"path": "/bin/logo.png"}}],
    )
    assert r.status_code == 201, r.text
    readme = ado.get(f"{REPO}/items", {"path": "/README.md", "includeContent": "true", "$format": "json"}).json()
    assert readme["content"] == "# new\n"
    assert ado.get(f"{REPO}/items", {"path": "/bin/logo.png", "$format": "json"}).status_code == 404


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (add_file("/README.md", "again"), "already exists"),
        (add_file("/missing.md", "x", "edit"), "does not exist"),
        ({"changeType": "delete", "item": {"path": "/missing.md"}}, "does not exist"),
        (
            {"changeType": "add", "item": {"path": "/x"}, "newContent": {"content": "x", "contentType": "utf8"}},
            "contentType",
        ),
    ],
)
def test_bad_changes_are_400_and_move_nothing(ado, change: dict, message: str) -> None:
    before = tip(ado)
    r = push(ado, "main", before, [change])
    assert r.status_code == 400 and message in r.json()["message"]
    assert tip(ado) == before


def test_stale_push_is_409_tf401028(ado) -> None:
    old = tip(ado)
    assert push(ado, "main", old, [add_file("/a.md", "a")]).status_code == 201
    stale = push(ado, "main", old, [add_file("/b.md", "b")])
    assert stale.status_code == 409 and stale.json()["message"].startswith("TF401028")
    new_branch_exists = push(ado, "main", ZERO, [add_file("/c.md", "c")])
    assert new_branch_exists.status_code == 409


def test_refs_filter_is_a_prefix_without_refs_and_pages_with_a_token(ado) -> None:
    main = tip(ado)
    for name in ("feature/b", "feature/a", "feature/c", "fix/z"):
        r = ado.post(f"{REPO}/refs", [{"name": f"refs/heads/{name}", "oldObjectId": ZERO, "newObjectId": main}])
        assert r.json()["value"][0]["success"] is True
    names = [r["name"] for r in ado.get(f"{REPO}/refs", {"filter": "heads/feature"}).json()["value"]]
    assert names == ["refs/heads/feature/a", "refs/heads/feature/b", "refs/heads/feature/c"]
    # ADO adds "refs/" itself: a filter that repeats it matches nothing
    for repeated in ("refs/heads/feature", "refs/heads/main", "/refs/heads/main"):
        assert ado.get(f"{REPO}/refs", {"filter": repeated}).json() == {"count": 0, "value": []}
    contains = [r["name"] for r in ado.get(f"{REPO}/refs", {"filter": "heads/", "filterContains": "Z"}).json()["value"]]
    assert contains == ["refs/heads/fix/z"]
    first = ado.get(f"{REPO}/refs", {"filter": "heads/", "$top": 2})
    assert [r["name"] for r in first.json()["value"]] == ["refs/heads/feature/a", "refs/heads/feature/b"]
    token = first.headers["x-ms-continuationtoken"]
    rest = ado.get(f"{REPO}/refs", {"filter": "heads/", "$top": 10, "continuationToken": token})
    assert [r["name"] for r in rest.json()["value"]] == ["refs/heads/feature/c", "refs/heads/fix/z", "refs/heads/main"]
    assert "x-ms-continuationtoken" not in rest.headers


def test_ref_updates_answer_200_with_a_status_per_ref(ado, emu: Emulator) -> None:
    main = tip(ado)
    body = [
        {"name": "refs/heads/ok", "oldObjectId": ZERO, "newObjectId": main},
        {"name": "refs/heads/main", "oldObjectId": "1" * 40, "newObjectId": main},
        {"name": "refs/heads/bad..name", "oldObjectId": ZERO, "newObjectId": main},
        {"name": "refs/heads/MAIN", "oldObjectId": ZERO, "newObjectId": main},
        {"name": "refs/heads/nothing", "oldObjectId": ZERO, "newObjectId": "2" * 40},
    ]
    r = ado.post(f"{REPO}/refs", body)
    assert r.status_code == 200
    got = [(v["name"], v["success"], v["updateStatus"]) for v in r.json()["value"]]
    assert got == [
        ("refs/heads/ok", True, "succeeded"),
        ("refs/heads/main", False, "staleOldObjectId"),
        ("refs/heads/bad..name", False, "invalidRefName"),
        ("refs/heads/MAIN", False, "refNameConflict"),
        ("refs/heads/nothing", False, "unresolvableToCommit"),
    ]
    deleted = ado.post(f"{REPO}/refs", [{"name": "refs/heads/ok", "oldObjectId": main, "newObjectId": ZERO}]).json()
    assert deleted["value"][0]["success"] is True
    assert emu.db.repo("Payments", "payments-api").references.get("refs/heads/ok") is None


def test_policy_knob_fails_ref_updates_and_pushes(ado, emu: Emulator) -> None:
    emu.db.fail_ref_updates("feature/*", "createBranchPermissionRequired")
    emu.db.fail_ref_updates("refs/heads/main", "rejectedByPolicy")
    main = tip(ado)
    r = ado.post(f"{REPO}/refs", [{"name": "refs/heads/feature/x", "oldObjectId": ZERO, "newObjectId": main}])
    assert r.status_code == 200
    assert (r.json()["value"][0]["success"], r.json()["value"][0]["updateStatus"]) == (
        False,
        "createBranchPermissionRequired",
    )
    blocked = push(ado, "main", main, [add_file("/x.md", "x")])
    assert blocked.status_code == 403 and "TF402455" in blocked.json()["message"]
    assert tip(ado) == main


def test_commit_get(ado) -> None:
    main = tip(ado)
    c = ado.get(f"{REPO}/commits/{main}").json()
    assert c["commitId"] == main and c["comment"] == "Initial commit" and c["parents"] == []
    assert ado.get(f"{REPO}/commits/{'3' * 40}").status_code == 404


def test_folder_listing_and_raw_download(ado) -> None:
    push(ado, "main", tip(ado), [add_file("/docs/a.md", "A"), add_file("/docs/b.md", "B")])
    listing = ado.get(f"{REPO}/items", {"scopePath": "/docs", "recursionLevel": "OneLevel"}).json()
    assert [i["path"] for i in listing["value"]] == ["/docs", "/docs/a.md", "/docs/b.md"]
    raw = ado.get(f"{REPO}/items", {"path": "/docs/a.md"}, headers={"Accept": "application/octet-stream"})
    assert raw.status_code == 200 and raw.content == b"A"


def test_a_person_pushing_moves_the_branch(ado, emu: Emulator) -> None:
    before = tip(ado)
    new = emu.db.push_files("Payments", "payments-api", "main", {"notes.txt": "by hand"}, by="erin@contoso.com")
    assert tip(ado) == new != before
    assert emu.db.repo("Payments", "payments-api").get(new).author.email == "erin@contoso.com"
