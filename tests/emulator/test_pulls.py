"""Pull requests: create, list, update, duplicates, reviewers, work item links, completion."""

from __future__ import annotations

import pytest

from ticketops.emulator import Emulator

ZERO = "0" * 40
REPO = "/Payments/_apis/git/repositories/payments-api"
PRS = f"{REPO}/pullrequests"


@pytest.fixture
def branch(ado) -> str:
    """A feature branch one commit ahead of main."""
    main = ado.get(f"{REPO}/refs", {"filter": "heads/main"}).json()["value"][0]["objectId"]
    r = ado.post(
        f"{REPO}/pushes",
        {
            "refUpdates": [{"name": "refs/heads/feature/PAY-1", "oldObjectId": main}],
            "commits": [
                {
                    "comment": "PAY-1",
                    "changes": [
                        {
                            "changeType": "add",
                            "item": {"path": "/.tickets/PAY-1.md"},
                            "newContent": {"content": "spec", "contentType": "rawtext"},
                        }
                    ],
                }
            ],
        },
    )
    assert r.status_code == 201, r.text
    return "refs/heads/feature/PAY-1"


def user_id(ado, email: str) -> str:
    found = ado.get(
        "/_apis/identities", {"searchFilter": "General", "filterValue": email, "queryMembership": "None"}
    ).json()
    return found["value"][0]["id"]


def open_pr(ado, source: str, **extra: object) -> dict:
    body = {"sourceRefName": source, "targetRefName": "refs/heads/main", "title": "PAY-1: Card", "description": "Spec"}
    body.update(extra)
    r = ado.post(PRS, body)
    assert r.status_code == 201, r.text
    return r.json()


def test_create_answers_201_with_the_pr(ado, branch: str, invariants) -> None:
    alice = user_id(ado, "alice@contoso.com")
    pr = open_pr(ado, branch, reviewers=[{"id": alice, "isRequired": True}])
    assert pr["status"] == "active" and pr["pullRequestId"] == 1 and pr["codeReviewId"] == 1
    assert pr["sourceRefName"] == branch and pr["targetRefName"] == "refs/heads/main"
    assert pr["createdBy"]["uniqueName"] == "ticketops@contoso.com"
    assert (
        pr["reviewers"][0]["id"] == alice
        and pr["reviewers"][0]["vote"] == 0
        and pr["reviewers"][0]["isRequired"] is True
    )
    assert pr["artifactId"].startswith("vstfs:///Git/PullRequestId/")
    assert pr["lastMergeSourceCommit"]["commitId"] != pr["lastMergeTargetCommit"]["commitId"]
    invariants()


def test_second_active_pr_for_the_same_branches_is_409(ado, branch: str) -> None:
    first = open_pr(ado, branch)
    r = ado.post(PRS, {"sourceRefName": branch, "targetRefName": "refs/heads/main", "title": "again"})
    assert r.status_code == 409
    assert r.json()["typeKey"] == "GitPullRequestExistsException" and r.json()["message"].startswith("TF401179")
    abandoned = ado.send("PATCH", f"{PRS}/{first['pullRequestId']}", {"status": "abandoned"})
    assert abandoned.status_code == 200 and abandoned.json()["status"] == "abandoned"
    assert (
        ado.post(PRS, {"sourceRefName": branch, "targetRefName": "refs/heads/main", "title": "again"}).status_code
        == 201
    )
    reactivate = ado.send("PATCH", f"{PRS}/{first['pullRequestId']}", {"status": "active"})
    assert reactivate.status_code == 409


def test_missing_branches_and_long_descriptions_are_refused(ado, branch: str) -> None:
    r = ado.post(PRS, {"sourceRefName": "refs/heads/nope", "targetRefName": "refs/heads/main", "title": "x"})
    assert r.status_code == 400
    long = ado.post(
        PRS, {"sourceRefName": branch, "targetRefName": "refs/heads/main", "title": "x", "description": "d" * 4001}
    )
    assert long.status_code == 400 and "4000" in long.json()["message"]
    assert ado.get(PRS).json()["count"] == 0


def test_list_cuts_descriptions_to_400_and_get_has_them_whole(ado, branch: str) -> None:
    pr = open_pr(ado, branch, description="d" * 4000)
    listed = ado.get(PRS).json()
    assert listed["count"] == 1 and len(listed["value"][0]["description"]) == 400
    single = ado.get(f"{PRS}/{pr['pullRequestId']}").json()
    assert len(single["description"]) == 4000
    by_project = ado.get("/Payments/_apis/git/pullrequests").json()
    assert [p["pullRequestId"] for p in by_project["value"]] == [pr["pullRequestId"]]
    by_id = ado.get(f"/Payments/_apis/git/pullrequests/{pr['pullRequestId']}").json()
    assert len(by_id["description"]) == 4000


EMOJI = "\U0001f600"  # one Python character, two UTF-16 code units (two .NET chars)


def test_description_limit_counts_utf16_code_units_as_ado_does(ado, branch: str) -> None:
    too_long = ado.post(
        PRS, {"sourceRefName": branch, "targetRefName": "refs/heads/main", "title": "x", "description": EMOJI * 2001}
    )  # 2,001 characters in Python, 4,002 for ADO
    assert too_long.status_code == 400 and "4000" in too_long.json()["message"]
    pr = open_pr(ado, branch, description=EMOJI * 2000)
    assert ado.send("PATCH", f"{PRS}/{pr['pullRequestId']}", {"description": "a" + EMOJI * 2000}).status_code == 400
    assert ado.get(f"{PRS}/{pr['pullRequestId']}").json()["description"] == EMOJI * 2000


def test_list_cut_counts_utf16_code_units_and_never_splits_a_character(ado, branch: str) -> None:
    open_pr(ado, branch, description=EMOJI * 300 + " MARKER")  # the marker starts at code unit 601
    listed = ado.get(PRS).json()["value"][0]["description"]
    assert listed == EMOJI * 200
    ado.send("PATCH", f"{PRS}/{ado.get(PRS).json()['value'][0]['pullRequestId']}", {"description": "a" + EMOJI * 300})
    assert ado.get(PRS).json()["value"][0]["description"] == "a" + EMOJI * 199  # 399 units: no half emoji


def test_search_criteria(ado, branch: str) -> None:
    pr = open_pr(ado, branch)
    assert ado.get(PRS, {"searchCriteria.sourceRefName": branch}).json()["count"] == 1
    assert ado.get(PRS, {"searchCriteria.sourceRefName": "refs/heads/other"}).json()["count"] == 0
    assert ado.get(PRS, {"searchCriteria.targetRefName": "refs/heads/main"}).json()["count"] == 1
    ado.send("PATCH", f"{PRS}/{pr['pullRequestId']}", {"status": "abandoned"})
    assert ado.get(PRS).json()["count"] == 0  # active by default
    assert ado.get(PRS, {"searchCriteria.status": "abandoned"}).json()["count"] == 1
    assert ado.get(PRS, {"searchCriteria.status": "all", "$top": 1, "$skip": 1}).json()["count"] == 0


def test_update_changes_only_what_the_service_allows(ado, branch: str) -> None:
    pr = open_pr(ado, branch)
    url = f"{PRS}/{pr['pullRequestId']}"
    r = ado.send("PATCH", url, {"title": "New title", "description": "New body"})
    assert r.status_code == 200 and r.json()["title"] == "New title" and r.json()["description"] == "New body"
    refused = ado.send("PATCH", url, {"sourceRefName": "refs/heads/other"})
    assert refused.status_code == 400 and "sourceRefName" in refused.json()["message"]
    too_long = ado.send("PATCH", url, {"description": "x" * 4001})
    assert too_long.status_code == 400
    assert ado.get(url).json()["description"] == "New body"


def test_reviewers_put_and_list(ado, branch: str) -> None:
    pr = open_pr(ado, branch)
    bob = user_id(ado, "bob@contoso.com")
    url = f"{PRS}/{pr['pullRequestId']}/reviewers"
    r = ado.send("PUT", f"{url}/{bob}", {"vote": 0, "isRequired": False})
    assert r.status_code == 200 and r.json()["id"] == bob and r.json()["uniqueName"] == "bob@contoso.com"
    voted = ado.send("PUT", f"{url}/{bob}", {"vote": 10})
    assert voted.json()["vote"] == 10
    listed = ado.get(url).json()
    assert listed["count"] == 1 and listed["value"][0]["vote"] == 10
    assert ado.send("PUT", f"{url}/00000000-0000-0000-0000-000000000000", {"vote": 0}).status_code == 400
    assert ado.send("PUT", f"{url}/{bob}", {"vote": 3}).status_code == 400


def test_work_item_refs_link_both_ways(ado, branch: str, emu: Emulator) -> None:
    item = ado.story("Card")
    pr = open_pr(ado, branch, workItemRefs=[{"id": str(item["id"])}])
    linked = ado.get(f"{PRS}/{pr['pullRequestId']}/workitems").json()
    assert linked["value"] == [{"id": str(item["id"]), "url": linked["value"][0]["url"]}]
    rels = emu.db.get_work_item(item["id"]).relations
    assert [(r.rel, r.url, r.attributes["name"]) for r in rels] == [("ArtifactLink", pr["artifactId"], "Pull Request")]


def test_a_link_added_on_the_work_item_shows_on_the_pr(ado, branch: str) -> None:
    item = ado.story("Card")
    pr = open_pr(ado, branch)
    link = {
        "rel": "ArtifactLink",
        "url": pr["artifactId"].replace("%2F", "%2f"),
        "attributes": {"name": "Pull Request"},
    }
    assert ado.update(item["id"], [ado.op("add", "/relations/-", link)]).status_code == 200
    linked = ado.get(f"{PRS}/{pr['pullRequestId']}/workitems").json()
    assert [w["id"] for w in linked["value"]] == [str(item["id"])]


def test_completing_merges_into_the_target(ado, branch: str, emu: Emulator, invariants) -> None:
    pr = open_pr(ado, branch)
    done = emu.db.set_pull_request_status(pr["pullRequestId"], "completed", by="alice@contoso.com")
    assert done.status == "completed" and done.merge_status == "succeeded"
    git = emu.db.repo("Payments", "payments-api")
    merged = git.get(git.references["refs/heads/main"].target)
    assert len(merged.parents) == 2 and (merged.tree / ".tickets/PAY-1.md").data == b"spec"
    got = ado.get(f"{PRS}/{pr['pullRequestId']}").json()
    assert got["status"] == "completed" and got["closedBy"]["uniqueName"] == "alice@contoso.com"
    assert got["lastMergeCommit"]["commitId"] == str(merged.id)
    invariants()
    # A completed PR cannot be reopened.
    assert ado.send("PATCH", f"{PRS}/{pr['pullRequestId']}", {"status": "active"}).status_code == 400


def test_completing_through_the_api_can_delete_the_source_branch(ado, branch: str, emu: Emulator) -> None:
    pr = open_pr(ado, branch)
    r = ado.send(
        "PATCH",
        f"{PRS}/{pr['pullRequestId']}",
        {"status": "completed", "completionOptions": {"deleteSourceBranch": True}},
    )
    assert r.status_code == 200 and r.json()["status"] == "completed"
    assert emu.db.repo("Payments", "payments-api").references.get(branch) is None


def test_missing_pr_is_404(ado) -> None:
    r = ado.get(f"{PRS}/99")
    assert r.status_code == 404 and r.json()["message"].startswith("TF401180")
