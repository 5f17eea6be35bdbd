"""Git through the SDK: repositories, refs, pushes, items, pull requests."""

from __future__ import annotations

import pytest
from azure.devops.exceptions import AzureDevOpsServiceError
from azure.devops.v7_1.git.models import (
    GitCommitRef,
    GitItemDescriptor,
    GitItemRequestData,
    GitPullRequest,
    GitPullRequestSearchCriteria,
    GitPush,
    GitRefUpdate,
    IdentityRefWithVote,
    ResourceRef,
)
from azure.devops.v7_1.work_item_tracking.models import JsonPatchOperation

from support.sdk import Sdk

P, REPO = "Payments", "payments-api"
ZERO = "0" * 40


def _main(sdk: Sdk) -> str:
    return sdk.git.get_refs(REPO, P, filter="heads/main")[0].object_id


def _push(sdk: Sdk, branch: str, old: str, change_type: str, path: str, text: str):  # type: ignore[no-untyped-def]
    # GitCommitRef.changes is '[object]' in the SDK's models: the change is plain JSON
    change = {
        "changeType": change_type,
        "item": {"path": path},
        "newContent": {"content": text, "contentType": "rawtext"},
    }
    push = GitPush(
        ref_updates=[GitRefUpdate(name=branch, old_object_id=old)],
        commits=[GitCommitRef(comment=f"{change_type} {path}", changes=[change])],
    )
    return sdk.git.create_push(push, REPO, P)


def test_repositories(sdk: Sdk) -> None:
    assert sorted(r.name for r in sdk.git.get_repositories(P)) == ["payments-api", "payments-web"]
    repo = sdk.git.get_repository(REPO, P)
    assert repo.name == REPO and repo.default_branch == "refs/heads/main"
    assert repo.remote_url.endswith("/Payments/_git/payments-api")


def test_refs_list_and_update_including_one_that_fails(sdk: Sdk) -> None:
    main = _main(sdk)
    created = sdk.git.update_refs(
        [GitRefUpdate(name="refs/heads/feature", old_object_id=ZERO, new_object_id=main)], REPO, P
    )
    assert [(r.name, r.success, r.update_status) for r in created] == [("refs/heads/feature", True, "succeeded")]
    assert sorted(r.name for r in sdk.git.get_refs(REPO, P, filter="heads/")) == [
        "refs/heads/feature",
        "refs/heads/main",
    ]
    # a stale oldObjectId: ADO answers 200 with success false, not an error
    stale = sdk.git.update_refs(
        [GitRefUpdate(name="refs/heads/feature", old_object_id="1" * 40, new_object_id=ZERO)], REPO, P
    )
    assert [(r.success, r.update_status) for r in stale] == [(False, "staleOldObjectId")]
    assert [r.name for r in sdk.git.get_refs(REPO, P, filter="heads/feature")] == ["refs/heads/feature"]


def test_pushes_add_then_edit_and_read_items(sdk: Sdk) -> None:
    main = _main(sdk)
    added = _push(sdk, "refs/heads/main", main, "add", "/.tickets/PAY-1.md", "one\n")
    tip = added.ref_updates[0].new_object_id
    assert tip != main and added.commits[0].comment == "add /.tickets/PAY-1.md"
    edited = _push(sdk, "refs/heads/main", tip, "edit", "/.tickets/PAY-1.md", "two\n")
    assert edited.ref_updates[0].old_object_id == tip
    item = sdk.git.get_item(REPO, "/.tickets/PAY-1.md", P, include_content=True)
    assert item.content == "two\n"
    batch = sdk.git.get_items_batch(
        GitItemRequestData(
            item_descriptors=[
                GitItemDescriptor(path="/.tickets", version="main", version_type="branch", recursion_level="OneLevel"),
                GitItemDescriptor(path="/README.md", version="main", version_type="branch"),
            ]
        ),
        REPO,
        P,
    )
    assert [sorted(i.path for i in group) for group in batch] == [
        ["/.tickets", "/.tickets/PAY-1.md"],
        ["/README.md"],
    ]
    # a push against a moved branch is refused
    with pytest.raises(AzureDevOpsServiceError):
        _push(sdk, "refs/heads/main", tip, "edit", "/.tickets/PAY-1.md", "three\n")


def test_pull_requests(sdk: Sdk) -> None:
    main = _main(sdk)
    sdk.git.update_refs([GitRefUpdate(name="refs/heads/PAY-1", old_object_id=ZERO, new_object_id=main)], REPO, P)
    _push(sdk, "refs/heads/PAY-1", main, "add", "/pay.txt", "pay\n")
    alice = sdk.identity.read_identities(search_filter="General", filter_value="alice@contoso.com")[0]
    item = sdk.wit.create_work_item(
        [JsonPatchOperation(op="add", path="/fields/System.Title", value="PR me")], P, "User Story"
    )
    pr = sdk.git.create_pull_request(
        GitPullRequest(
            source_ref_name="refs/heads/PAY-1",
            target_ref_name="refs/heads/main",
            title="PAY-1",
            description="d",
            reviewers=[IdentityRefWithVote(id=alice.id)],
            work_item_refs=[ResourceRef(id=str(item.id))],
        ),
        REPO,
        P,
    )
    assert pr.pull_request_id > 0 and pr.status == "active"
    assert sdk.git.get_pull_request(REPO, pr.pull_request_id, P).title == "PAY-1"
    assert sdk.git.get_pull_request_by_id(pr.pull_request_id, P).title == "PAY-1"
    listed = sdk.git.get_pull_requests(REPO, GitPullRequestSearchCriteria(source_ref_name="refs/heads/PAY-1"), P)
    assert [p.pull_request_id for p in listed] == [pr.pull_request_id]
    by_project = sdk.git.get_pull_requests_by_project(P, GitPullRequestSearchCriteria(status="active"))
    assert [p.pull_request_id for p in by_project] == [pr.pull_request_id]
    renamed = sdk.git.update_pull_request(GitPullRequest(title="PAY-1: pay"), REPO, pr.pull_request_id, P)
    assert renamed.title == "PAY-1: pay"
    voted = sdk.git.create_pull_request_reviewer(IdentityRefWithVote(vote=10), REPO, pr.pull_request_id, alice.id, P)
    assert voted.vote == 10
    assert [(r.id, r.vote) for r in sdk.git.get_pull_request_reviewers(REPO, pr.pull_request_id, P)] == [(alice.id, 10)]
    refs = sdk.git.get_pull_request_work_item_refs(REPO, pr.pull_request_id, P)
    assert [r.id for r in refs] == [str(item.id)]


def test_a_pr_merge_is_queued_then_computed_on_refs_pull_which_clients_cannot_write(sdk: Sdk) -> None:
    """As ADO: the create answers mergeStatus 'queued'; the merge is then computed onto the
    server-owned ref refs/pull/{id}/merge ('succeeded'); a client's write to refs/pull/* is refused."""
    main = _main(sdk)
    sdk.git.update_refs([GitRefUpdate(name="refs/heads/PAY-9", old_object_id=ZERO, new_object_id=main)], REPO, P)
    _push(sdk, "refs/heads/PAY-9", main, "add", "/nine.txt", "nine\n")
    pr = sdk.git.create_pull_request(
        GitPullRequest(source_ref_name="refs/heads/PAY-9", target_ref_name="refs/heads/main", title="PAY-9"), REPO, P
    )
    assert pr.merge_status == "queued"
    assert sdk.git.get_pull_request(REPO, pr.pull_request_id, P).merge_status == "succeeded"
    merge_ref = f"refs/pull/{pr.pull_request_id}/merge"
    (ref,) = sdk.git.get_refs(REPO, P, filter=f"pull/{pr.pull_request_id}/merge")
    assert ref.name == merge_ref
    merge = sdk.git.get_commit(ref.object_id, REPO, P)
    assert len(merge.parents) == 2 and main in merge.parents
    (refused,) = sdk.git.update_refs(
        [GitRefUpdate(name=merge_ref, old_object_id=ref.object_id, new_object_id=main)], REPO, P
    )
    assert not refused.success and refused.update_status == "rejectedByPolicy"
    (still,) = sdk.git.get_refs(REPO, P, filter=f"pull/{pr.pull_request_id}/merge")
    assert still.object_id == ref.object_id
