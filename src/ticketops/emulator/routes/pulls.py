"""Pull requests: create, get, list, update, reviewers, linked work items."""

from __future__ import annotations

from ticketops.emulator.db import pr_completion
from ticketops.emulator.db.patch import PatchOp
from ticketops.emulator.db.records import PullRequest, Repo, WorkItem
from ticketops.emulator.errors import AdoError, git_bad_request, pr_not_found, work_item_missing
from ticketops.emulator.identity import User, reviewer_ref
from ticketops.emulator.router import Ctx, EmuResponse, Route, listing
from ticketops.emulator.views_git import pr_json, pr_url

PATCHABLE = {
    "status",
    "title",
    "description",
    "completionOptions",
    "mergeOptions",
    "autoCompleteSetBy",
    "targetRefName",
    "isDraft",
}
ECHOES = {"pullRequestId", "codeReviewId", "url", "_links", "repository"}  # read-only; ignored when sent back
COMPLETION = {"lastMergeSourceCommit"}  # checked on completion (pr_completion.check_source_commit)


def _repo(ctx: Ctx) -> Repo:
    return ctx.db.find_repo(ctx.param("repo"), ctx.project)


def _pr(ctx: Ctx) -> PullRequest:
    repo = _repo(ctx) if "repo" in ctx.params else None
    pr = ctx.db.pulls.get(int(ctx.param("pr")), repo)
    if ctx.project is not None and pr.repo.project.id != ctx.project.id:
        raise pr_not_found(pr.id)
    return pr


def _user_by_id(ctx: Ctx, raw: object) -> User:
    user = ctx.db.users.by_id(str(raw)) if isinstance(raw, str) else None
    if user is None:
        raise git_bad_request(
            f"TF401076: The reviewer identity '{raw}' could not be found.", "IdentityNotFoundException"
        )
    return user


def create(ctx: Ctx) -> EmuResponse:
    repo = _repo(ctx)
    body = ctx.req.json()
    if not isinstance(body, dict):
        raise git_bad_request("The body must be a pull request object.")
    source, target = body.get("sourceRefName"), body.get("targetRefName")
    if not isinstance(source, str) or not isinstance(target, str):
        raise git_bad_request("A pull request needs sourceRefName and targetRefName (full ref names, refs/heads/...).")
    reviewers = [
        (_user_by_id(ctx, r.get("id")), bool(r.get("isRequired")))
        for r in body.get("reviewers") or []
        if isinstance(r, dict)
    ]
    items = [_work_item(ctx, ref) for ref in body.get("workItemRefs") or []]
    pr = ctx.db.pulls.create(
        repo,
        source,
        target,
        str(body.get("title") or ""),
        str(body.get("description") or ""),
        ctx.user,
        reviewers,
        bool(body.get("isDraft")),
    )
    if isinstance(body.get("completionOptions"), dict):
        pr.completion_options = dict(body["completionOptions"])
    for item in items:
        _link(ctx, item, pr)
    out = pr_json(pr, ctx.org_base)
    out["mergeStatus"] = "queued"  # ADO answers a create before its merge is computed
    return EmuResponse.json(out, status=201)


def _work_item(ctx: Ctx, ref: object) -> WorkItem:
    raw = ref.get("id") if isinstance(ref, dict) else None
    if not str(raw).isdigit():
        raise git_bad_request(f"workItemRefs entries need an id, got {ref!r}.")
    item = ctx.db.wit.find(int(str(raw)))
    if item is None:
        raise work_item_missing(str(raw))
    return item


def _link(ctx: Ctx, item: WorkItem, pr: PullRequest) -> None:
    if any(r.rel == "ArtifactLink" and r.url.lower() == pr.artifact_id.lower() for r in item.relations):
        return
    op = PatchOp(
        "add", "/relations/-", {"rel": "ArtifactLink", "url": pr.artifact_id, "attributes": {"name": "Pull Request"}}
    )
    ctx.db.wit.apply(item, [op], ctx.user)


def get(ctx: Ctx) -> EmuResponse:
    return EmuResponse.json(pr_json(_pr(ctx), ctx.org_base))


def _search(ctx: Ctx, prs: list[PullRequest]) -> EmuResponse:
    q = ctx.req.q
    status = (q("searchCriteria.status") or "active").lower()
    if status not in ("active", "abandoned", "completed", "all", "notset"):
        raise git_bad_request(f"'{status}' is not a pull request status.", "InvalidArgumentValueException")
    out = [p for p in prs if status in ("all", "notset") or p.status == status]
    for key, attr in (("searchCriteria.sourceRefName", "source"), ("searchCriteria.targetRefName", "target")):
        if q(key):
            out = [p for p in out if getattr(p, attr) == q(key)]
    if q("searchCriteria.repositoryId"):
        out = [p for p in out if p.repo.id == (q("searchCriteria.repositoryId") or "").lower()]
    if q("searchCriteria.creatorId"):
        out = [p for p in out if p.created_by.id == (q("searchCriteria.creatorId") or "").lower()]
    if q("searchCriteria.reviewerId"):
        out = [p for p in out if (q("searchCriteria.reviewerId") or "").lower() in p.reviewers]
    out.sort(key=lambda p: p.id, reverse=True)
    skip = ctx.req.q_int("$skip", 0) or 0
    top = ctx.req.q_int("$top")
    out = out[skip : skip + top if top is not None else None]
    return listing([pr_json(p, ctx.org_base, in_list=True) for p in out])


def list_in_repo(ctx: Ctx) -> EmuResponse:
    return _search(ctx, ctx.db.pulls.in_repo(_repo(ctx)))


def list_in_project(ctx: Ctx) -> EmuResponse:
    project = ctx.need_project()
    return _search(ctx, [p for p in ctx.db.pulls.prs.values() if p.repo.project.id == project.id])


def update(ctx: Ctx) -> EmuResponse:
    pr = _pr(ctx)
    body = ctx.req.json()
    if not isinstance(body, dict):
        raise git_bad_request("The body must be a pull request object.")
    bad = sorted(k for k in body if k not in PATCHABLE | ECHOES | COMPLETION)
    if bad:
        raise git_bad_request(
            f"Invalid argument value. These pull request properties cannot be updated: {', '.join(bad)}. "
            f"Only {', '.join(sorted(PATCHABLE))} can be changed.",
            "InvalidArgumentValueException",
        )
    was = pr.status
    pr_completion.check_source_commit(pr, body)
    ctx.db.pulls.update(pr, {k: v for k, v in body.items() if k in PATCHABLE}, ctx.user)
    if was != "completed":
        pr_completion.transition_linked_items(ctx.db.wit, pr, ctx.user)
    return EmuResponse.json(pr_json(pr, ctx.org_base))


def reviewer_put(ctx: Ctx) -> EmuResponse:
    pr = _pr(ctx)
    user = _user_by_id(ctx, ctx.param("rid"))
    body = ctx.req.json()
    if not isinstance(body, dict):
        raise git_bad_request("The body must be a reviewer: {vote, isRequired}.")
    vote = body.get("vote")
    if vote is not None and (not isinstance(vote, int) or isinstance(vote, bool)):
        raise git_bad_request("vote must be a whole number.", "InvalidArgumentValueException")
    is_required = body.get("isRequired")
    rv = ctx.db.pulls.set_reviewer(pr, user, vote, bool(is_required) if is_required is not None else None)
    return EmuResponse.json(_reviewer(ctx, pr, rv.user))


def _reviewer(ctx: Ctx, pr: PullRequest, user: User) -> dict[str, object]:
    rv = pr.reviewers[user.id]
    return reviewer_ref(user, ctx.org_base, pr_url(pr, ctx.org_base), rv.vote, rv.is_required)


def reviewers_list(ctx: Ctx) -> EmuResponse:
    pr = _pr(ctx)
    return listing([_reviewer(ctx, pr, r.user) for r in pr.reviewers.values()])


def reviewer_get(ctx: Ctx) -> EmuResponse:
    pr = _pr(ctx)
    rv = pr.reviewers.get(ctx.param("rid").lower())
    if rv is None:
        raise AdoError(
            404,
            "GitPullRequestReviewerNotFoundException",
            f"The reviewer {ctx.param('rid')} is not on pull request {pr.id}.",
            namespace="Microsoft.TeamFoundation.Git.Server",
        )
    return EmuResponse.json(_reviewer(ctx, pr, rv.user))


def reviewer_delete(ctx: Ctx) -> EmuResponse:
    pr = _pr(ctx)
    pr.reviewers.pop(ctx.param("rid").lower(), None)
    return EmuResponse(200)


def work_items(ctx: Ctx) -> EmuResponse:
    pr = _pr(ctx)
    target = pr.artifact_id.lower()
    linked = [
        it
        for it in ctx.db.wit.in_project(pr.repo.project)
        if any(r.rel == "ArtifactLink" and r.url.lower() == target for r in it.relations)
    ]
    return listing([{"id": str(it.id), "url": f"{ctx.org_base}/_apis/wit/workItems/{it.id}"} for it in linked])


_PR = "git/repositories/{repo}/pullrequests/{pr:int}"
ROUTES = [
    Route("POST", "git/repositories/{repo}/pullrequests", "Pull Requests_Create", create, "project?", write=True),
    Route("GET", "git/repositories/{repo}/pullrequests", "Pull Requests_Get Pull Requests", list_in_repo, "project?"),
    Route("GET", _PR, "Pull Requests_Get Pull Request", get, "project?"),
    Route("PATCH", _PR, "Pull Requests_Update", update, "project?", write=True),
    Route("GET", "git/pullrequests", "Pull Requests_Get Pull Requests By Project", list_in_project, "project"),
    Route("GET", "git/pullrequests/{pr:int}", "Pull Requests_Get Pull Request By Id", get, "project?"),
    Route(
        "PUT",
        _PR + "/reviewers/{rid}",
        "Pull Request Reviewers_Create Pull Request Reviewer",
        reviewer_put,
        "project?",
        write=True,
    ),
    Route("GET", _PR + "/reviewers", "Pull Request Reviewers_List", reviewers_list, "project?"),
    Route("GET", _PR + "/reviewers/{rid}", "Pull Request Reviewers_Get", reviewer_get, "project?"),
    Route("DELETE", _PR + "/reviewers/{rid}", "Pull Request Reviewers_Delete", reviewer_delete, "project?", write=True),
    Route("GET", _PR + "/workitems", "Pull Request Work Items_List", work_items, "project?"),
]
