"""Execute the git actions through the ADO Git REST API (never a local ``git push``).

* Branches: ``updateRefs`` with 40 zeros as the old id; every ref's ``success``/``updateStatus``
  is checked (the call answers 200 even when it fails). Never reset, moved or deleted.
* Spec pushes: the pushes API with the branch tip as ``oldObjectId``; a 409 (stale) re-reads the
  tip and tries again, at most ``MAX_PUSH_ATTEMPTS`` times.
* Pull requests: created with reviewers and ``workItemRefs``; a 409 TF401179 means one exists:
  it is found and adopted. Never merged or abandoned; reviewers are only ever added.
* Links: the work item gets the ``ArtifactLink`` "Pull Request" relation (checked first).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ticketops.ado import (
    AdoError,
    BadRequest,
    Change,
    PatchOp,
    PermissionDenied,
    PullRequest,
    PullRequestExists,
    RefUpdate,
    StalePush,
    StaleRevision,
    pull_request_artifact_url,
)
from ticketops.ado.wiql import marker_query
from ticketops.apply import ops as patch
from ticketops.apply.report import Outcome
from ticketops.model.gitlive import LiveRepo, PrMarker, git_blob_id, head_units, pr_text_hash
from ticketops.plan.git_actions import (
    CreateBranch,
    CreatePullRequest,
    LinkPullRequest,
    PushSpec,
    UpdatePullRequest,
)
from ticketops.plan.pr_text import content_hash, description

if TYPE_CHECKING:  # the applier calls these functions; they only need its type
    from ticketops.apply.executor import Applier

log = logging.getLogger(__name__)

MAX_PUSH_ATTEMPTS = 3
LINK_NAME = "Pull Request"
PrText = CreatePullRequest | UpdatePullRequest | LinkPullRequest


# ---- reads just before a write --------------------------------------------------------------------
def branch_tip(a: Applier, repo: LiveRepo, branch: str) -> str | None:
    return a.client.ref_tip(a.project, repo.id, branch)


def spec_blob(a: Applier, repo: LiveRepo, branch: str, path: str) -> str | None:
    item = a.client.get_item(a.project, repo.id, path, branch=branch)
    return item.object_id if item is not None and not item.is_folder else None


def work_item_id(a: Applier, key: str, known: int | None) -> int | None:
    """The ticket's work item: known from the plan, or (created in this pass) found by its marker tag."""
    if known is not None:
        return known
    ids = a.client.wiql(a.project, marker_query(a.project, [key]))
    return ids[0] if len(ids) == 1 else None


def pr_description(a: Applier, action: PrText, wi: int | None) -> str:
    """The full description: the marker (with the tip and spec blob read now) and the body."""
    tip = branch_tip(a, action.repo, action.branch)
    blob = spec_blob(a, action.repo, action.branch, action.spec_path) if tip else None
    marker = PrMarker(
        sha256=content_hash(action.title, action.body, action.spec_blob),
        spec=blob,
        tip=tip,
        wi=wi,
        text=pr_text_hash(action.title, action.body),
    )
    return description(marker, action.body)


class PrEditedMeanwhile(Exception):
    """The PR changed in ADO after the plan read it: not overwritten."""


def write_read_pr(a: Applier, action: UpdatePullRequest | LinkPullRequest, title: str, text: str) -> None:
    """Overwrite the PR's title and description only if it is still as the plan read it (or as
    this run last wrote it). ADO's PR PATCH takes no ``If-Match``, so the PR is read again right
    before the write and compared."""
    now = a.client.get_pull_request(a.project, action.repo.id, action.pr_id)
    seen = pr_text_hash(now.title, head_units(now.description or "", action.read_units))
    ours = pr_text_hash(now.title, now.description or "")  # as this run last wrote it
    if seen != action.read_hash and ours != a.pr_texts.get(action.pr_id):
        raise PrEditedMeanwhile(
            f"pull request #{action.pr_id} was edited in ADO after this pass read it; not overwritten "
            "(the next pass reads it again and reports the edit as drift)"
        )
    a.client.update_pull_request(a.project, action.repo.id, action.pr_id, title=title, description=text)
    a.pr_texts[action.pr_id] = pr_text_hash(title, text)


# ---- branch ---------------------------------------------------------------------------------------
def create_branch(a: Applier, action: CreateBranch) -> Outcome:
    ref = f"refs/heads/{action.branch}"
    results = a.client.update_refs(a.project, action.repo.id, [RefUpdate.create(ref, action.base_commit)])
    result = next((r for r in results if r.name == ref), None)
    if result is not None and result.ok:
        return Outcome(
            action.key,
            action.kind,
            "applied",
            None,
            f"created {action.branch} from {action.base} @ {action.base_commit[:12]} in {action.repo.name}",
        )
    if branch_tip(a, action.repo, action.branch) is not None:
        return Outcome(action.key, action.kind, "unchanged", None, f"{action.branch} exists already; adopted as it is")
    status = result.update_status if result is not None else "no result for the ref"
    extra = f": {result.custom_message}" if result is not None and result.custom_message else ""
    return Outcome(
        action.key,
        action.kind,
        "failed",
        None,
        f"ADO refused to create {action.branch} in {action.repo.name} (updateStatus {status}{extra})",
    )


# ---- spec push --------------------------------------------------------------------------------------
def _commit_message(action: PushSpec) -> str:
    source = f"commit {action.source_commit}" if action.source_commit else "the working tree (uncommitted)"
    short = action.source_commit[:12] if action.source_commit else "working tree"
    return (
        f"{action.key}: spec from {short} ({action.ticket_path})\n\n"
        f"Synced by ticketops from {source} of the tickets repository."
    )


def push_spec(a: Applier, action: PushSpec) -> Outcome:
    if git_blob_id(action.content) != action.blob_id:
        return Outcome(
            action.key,
            action.kind,
            "failed",
            None,
            "this plan does not carry the ticket file's bytes "
            "(a plan read back from JSON); plan and apply from the repository instead",
        )
    tip, exists = action.old_tip, action.exists
    problem = ""
    for _ in range(MAX_PUSH_ATTEMPTS):
        if tip is None or exists is None:
            tip = branch_tip(a, action.repo, action.branch)
            if tip is None:
                return Outcome(
                    action.key,
                    action.kind,
                    "failed",
                    None,
                    f"branch {action.branch} does not exist in {action.repo.name} (its creation failed?)",
                )
            blob = spec_blob(a, action.repo, action.branch, action.path)
            if blob == action.blob_id:
                return Outcome(
                    action.key, action.kind, "unchanged", None, f"{action.path} on {action.branch} is current"
                )
            exists = blob is not None
        change = (Change.edit if exists else Change.add)(action.path, action.content)
        try:
            pushed = a.client.push(
                a.project,
                action.repo.id,
                ref=action.branch,
                old_object_id=tip,
                comment=_commit_message(action),
                changes=[change],
            )
        except StalePush:
            log.info("%s: %s moved since it was read (409); reading the tip again", action.key, action.branch)
            tip = exists = None
            problem = "the branch kept moving while pushing"
            continue
        except PermissionDenied as e:
            return Outcome(action.key, action.kind, "failed", None, f"pushing to {action.branch} was refused: {e}")
        except BadRequest as e:  # add of a file that appeared meanwhile, or edit of one that went
            tip = exists = None
            problem = str(e)
            continue
        commit = (pushed.new_object_id or "")[:12]
        return Outcome(
            action.key,
            action.kind,
            "applied",
            None,
            f"pushed {action.path} to {action.branch} in {action.repo.name} (commit {commit})",
        )
    return Outcome(
        action.key,
        action.kind,
        "failed",
        None,
        f"could not push {action.path} after {MAX_PUSH_ATTEMPTS} attempts: {problem}",
    )


# ---- pull requests -------------------------------------------------------------------------------------
def create_pr(a: Applier, action: CreatePullRequest) -> Outcome:
    wi = work_item_id(a, action.key, action.work_item_id)
    if wi is None:
        return Outcome(
            action.key,
            action.kind,
            "failed",
            None,
            f"no work item for {action.key} yet (its create failed?); the PR is opened once it exists",
        )
    text = pr_description(a, action, wi)
    try:
        pr = a.client.create_pull_request(
            a.project,
            action.repo.id,
            source_ref=action.branch,
            target_ref=action.base,
            title=action.title,
            description=text,
            reviewers=[r.id for r in action.reviewers],
            work_item_ids=[wi],
        )
        verb = "opened"
    except PullRequestExists:
        found = _active_pr(a, action)
        if found is None:
            return Outcome(
                action.key,
                action.kind,
                "failed",
                wi,
                "ADO reports an active PR for this branch (TF401179) but none is listed; try again",
            )
        pr = _adopt(a, action, found, text)
        verb = "adopted"
    return _linked(a, action, pr.pull_request_id, wi, verb)


def _active_pr(a: Applier, action: CreatePullRequest) -> PullRequest | None:
    found = a.client.list_pull_requests(
        a.project, action.repo.id, status="active", source_ref=action.branch, target_ref=action.base
    )
    return found[0] if found else None


def _adopt(a: Applier, action: CreatePullRequest, pr: PullRequest, text: str) -> PullRequest:
    """Someone opened the PR first: keep it, with our title and description and every reviewer."""
    present = {r.id.lower() for r in pr.reviewers}
    for r in action.reviewers:
        if r.id.lower() not in present:
            a.client.add_reviewer(a.project, action.repo.id, pr.pull_request_id, r.id)
    return a.client.update_pull_request(
        a.project, action.repo.id, pr.pull_request_id, title=action.title, description=text
    )


def _linked(a: Applier, action: CreatePullRequest, pr_id: int, wi: int, verb: str) -> Outcome:
    """Check the work item link ADO makes from ``workItemRefs``; add it where it did not."""
    try:
        added = ensure_link(a, action.repo, pr_id, wi, action.ticket_path)
    except AdoError as e:
        a.client.update_pull_request(a.project, action.repo.id, pr_id, description=pr_description(a, action, None))
        return Outcome(
            action.key, action.kind, "failed", wi, f"{verb} pull request #{pr_id}, but linking #{wi} failed: {e}"
        )
    note = f"; linked #{wi}" + (" (ArtifactLink added)" if added else "")
    return Outcome(action.key, action.kind, "applied", wi, f"{verb} pull request #{pr_id}{note}")


def update_pr(a: Applier, action: UpdatePullRequest) -> Outcome:
    done: list[str] = []
    for r in action.add_reviewers:
        a.client.add_reviewer(a.project, action.repo.id, action.pr_id, r.id)
        done.append(f"added reviewer {r.email}")
    if action.rewrite:
        text = pr_description(a, action, action.work_item_id if action.linked else None)
        try:
            write_read_pr(a, action, action.title, text)
        except PrEditedMeanwhile as e:
            return Outcome(action.key, action.kind, "unchanged", action.work_item_id, "; ".join([*done, str(e)]))
        done.append("title and description updated" + (" (edited in ADO: drift put back)" if action.drift else ""))
    return Outcome(
        action.key,
        action.kind,
        "applied",
        action.work_item_id,
        f"pull request #{action.pr_id}: {'; '.join(done) or 'nothing to do'}",
    )


# ---- links ------------------------------------------------------------------------------------------
def ensure_link(a: Applier, repo: LiveRepo, pr_id: int, wi: int, path: str) -> bool:
    """Give work item ``wi`` the ArtifactLink to the PR unless it has it. True when it was added."""
    url = pull_request_artifact_url(repo.project_id, repo.id, pr_id)
    for _ in range(2):
        item = a.client.get_work_item(a.project, wi, expand="relations")
        if any(r.rel == "ArtifactLink" and r.url.lower() == url.lower() for r in item.relations):
            return False
        relation = {"rel": "ArtifactLink", "url": url, "attributes": {"name": LINK_NAME}}
        ops = [
            PatchOp.test_rev(item.rev),
            PatchOp(op="add", path="/relations/-", value=relation),
            patch.history(a.commit, path),
        ]
        try:
            a.client.update_work_item(a.project, wi, ops)
            return True
        except StaleRevision:
            continue  # edited meanwhile: read it again
    raise StaleRevision(f"work item #{wi} kept changing while linking it to pull request #{pr_id}")


def link_pr(a: Applier, action: LinkPullRequest) -> Outcome:
    wi = work_item_id(a, action.key, action.work_item_id)
    if wi is None:
        return Outcome(action.key, action.kind, "failed", None, f"no work item for {action.key} to link yet")
    added = ensure_link(a, action.repo, action.pr_id, wi, action.ticket_path)
    what = "linked" if added else "link verified"
    try:
        write_read_pr(a, action, action.title, pr_description(a, action, wi))
    except PrEditedMeanwhile as e:
        return Outcome(action.key, action.kind, "unchanged", wi, f"{what}: #{wi}; {e}")
    return Outcome(action.key, action.kind, "applied", wi, f"{what}: #{wi} and pull request #{action.pr_id}")
