"""Git calls: repositories, refs, pushes, file items, pull requests and reviewers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, JsonValue

from ticketops.ado import routes
from ticketops.ado.base import ApiBase
from ticketops.ado.dto.common import ListEnvelope
from ticketops.ado.dto.git import (
    Change,
    GitCommit,
    GitItem,
    GitRef,
    PullRequest,
    Push,
    RefUpdate,
    RefUpdateResult,
    Repository,
    ResourceRef,
    Reviewer,
)
from ticketops.ado.errors import NotFound, RefUpdateFailed

PR_PAGE = 100


def full_ref(name: str) -> str:
    """``feature/x`` -> ``refs/heads/feature/x``; full ref names pass through."""
    return name if name.startswith("refs/") else f"refs/heads/{name}"


def short_branch(name: str) -> str:
    return name.removeprefix("refs/heads/")


def pull_request_artifact_url(project_id: str, repository_id: str, pull_request_id: int) -> str:
    """The ``ArtifactLink`` URL that links a work item to a pull request."""
    return f"vstfs:///Git/PullRequestId/{project_id}%2F{repository_id}%2F{pull_request_id}"


def raise_for_failures(results: Sequence[RefUpdateResult], *, operation: str = routes.REFS_UPDATE.operation) -> None:
    """``POST .../refs`` answers 200 even when refs fail: raise :class:`RefUpdateFailed` if any did."""
    failed = [(r.name, r.update_status or "failed") for r in results if not r.ok]
    if failed:
        listing = ", ".join(f"{name}: {status}" for name, status in failed)
        raise RefUpdateFailed(f"ref update failed ({listing})", failures=failed, operation=operation)


class GitApi(ApiBase):
    def list_repositories(self, project: str) -> list[Repository]:
        return self._list(routes.REPOSITORIES, Repository, path={"project": project})

    def get_repository(self, project: str, name_or_id: str) -> Repository:
        path: dict[str, str | int] = {"project": project, "repositoryId": name_or_id}
        return self._req.call(routes.REPOSITORY, path=path).parse(Repository)

    def list_refs(self, project: str, repo: str, *, filter: str | None = None) -> list[GitRef]:
        """Refs whose name starts with ``refs/`` + ``filter`` (e.g. ``heads/feature``), all pages."""
        prefix = filter.removeprefix("refs/") if filter else None
        return self._list_continuation(
            routes.REFS_LIST, GitRef, path={"project": project, "repositoryId": repo}, params={"filter": prefix}
        )

    def update_refs(self, project: str, repo: str, updates: list[RefUpdate]) -> list[RefUpdateResult]:
        """Create, move or delete refs. Check each result (or call :func:`raise_for_failures`)."""
        body: list[JsonValue] = [u.wire() for u in updates]
        response = self._req.call(routes.REFS_UPDATE, path={"project": project, "repositoryId": repo}, body=body)
        return response.parse(ListEnvelope[RefUpdateResult]).value

    def push(
        self,
        project: str,
        repo: str,
        *,
        ref: str,
        old_object_id: str,
        comment: str,
        changes: list[Change],
        compare_and_swap: bool = False,
    ) -> Push:
        """One commit with ``changes`` on ``ref`` (expected at ``old_object_id``; 40 zeros = new).

        A branch that moved meanwhile is :class:`~ticketops.ado.errors.StalePush`. With
        ``compare_and_swap`` the caller reads a stale refusal as "maybe mine, look again", so a
        push whose outcome is unknown (a 5xx, a dropped response) is sent again: a copy of one that
        landed is refused as stale, never applied twice.
        """
        body: dict[str, JsonValue] = {
            "refUpdates": [{"name": full_ref(ref), "oldObjectId": old_object_id}],
            "commits": [{"comment": comment, "changes": [c.wire() for c in changes]}],
        }
        path: dict[str, str | int] = {"project": project, "repositoryId": repo}
        response = self._req.call(routes.PUSH_CREATE, path=path, body=body, safe=compare_and_swap or None)
        return response.parse(Push)

    def get_item(
        self,
        project: str,
        repo: str,
        path: str,
        *,
        branch: str,
        include_content: bool = False,
        version_type: Literal["branch", "commit"] = "branch",
    ) -> GitItem | None:
        """A file on a branch (``object_id`` is its blob id), or None if it is not there.
        With ``version_type="commit"``, ``branch`` names a commit id instead."""
        params = {
            "path": path if path.startswith("/") else "/" + path,
            "versionDescriptor.version": short_branch(branch) if version_type == "branch" else branch,
            "versionDescriptor.versionType": version_type,
            "includeContent": True if include_content else None,
        }
        try:
            response = self._req.call(routes.ITEM_GET, path={"project": project, "repositoryId": repo}, params=params)
        except NotFound:
            return None
        return response.parse(GitItem)

    def list_tree(self, project: str, repo: str, commit: str) -> list[GitItem]:
        """The entries at the root of ``commit``'s tree (Items - List, one level, without the
        root folder itself)."""
        params: dict[str, str | int | bool | None] = {
            "scopePath": "/",
            "recursionLevel": "oneLevel",
            "versionDescriptor.version": commit,
            "versionDescriptor.versionType": "commit",
        }
        items = self._list(routes.ITEM_GET, GitItem, path={"project": project, "repositoryId": repo}, params=params)
        return [i for i in items if i.path.strip("/")]

    def get_commit(self, project: str, repo: str, commit: str) -> GitCommit:
        path: dict[str, str | int] = {"project": project, "repositoryId": repo, "commitId": commit}
        return self._req.call(routes.COMMIT_GET, path=path).parse(GitCommit)

    def create_pull_request(
        self,
        project: str,
        repo: str,
        *,
        source_ref: str,
        target_ref: str,
        title: str,
        description: str = "",
        reviewers: Sequence[str] = (),
        work_item_ids: Sequence[int] = (),
        is_draft: bool = False,
    ) -> PullRequest:
        """Open a PR. A second active PR for the same branches is ``PullRequestExists``."""
        body: dict[str, JsonValue] = {
            "sourceRefName": full_ref(source_ref),
            "targetRefName": full_ref(target_ref),
            "title": title,
            "description": description,
        }
        if reviewers:
            body["reviewers"] = [{"id": r} for r in reviewers]
        if work_item_ids:
            body["workItemRefs"] = [{"id": str(i)} for i in work_item_ids]
        if is_draft:
            body["isDraft"] = True
        path: dict[str, str | int] = {"project": project, "repositoryId": repo}
        return self._req.call(routes.PULL_REQUEST_CREATE, path=path, body=body).parse(PullRequest)

    def get_pull_request(self, project: str, repo: str, id: int) -> PullRequest:
        path: dict[str, str | int] = {"project": project, "repositoryId": repo, "pullRequestId": id}
        return self._req.call(routes.PULL_REQUEST, path=path).parse(PullRequest)

    def list_pull_requests(
        self,
        project: str,
        repo: str,
        *,
        status: str = "active",
        source_ref: str | None = None,
        target_ref: str | None = None,
    ) -> list[PullRequest]:
        """Pull requests (all pages). Descriptions here are cut to 400 characters by ADO."""
        params = {
            "searchCriteria.status": status,
            "searchCriteria.sourceRefName": full_ref(source_ref) if source_ref else None,
            "searchCriteria.targetRefName": full_ref(target_ref) if target_ref else None,
        }
        return self._list_skip_top(
            routes.PULL_REQUESTS,
            PullRequest,
            path={"project": project, "repositoryId": repo},
            params=params,
            page_size=PR_PAGE,
        )

    def update_pull_request(
        self,
        project: str,
        repo: str,
        id: int,
        *,
        title: str | None = None,
        description: str | None = None,
        status: str | None = None,
    ) -> PullRequest:
        body: dict[str, JsonValue] = {
            k: v for k, v in (("title", title), ("description", description), ("status", status)) if v is not None
        }
        if not body:
            raise ValueError("update_pull_request needs at least one of title, description, status")
        path: dict[str, str | int] = {"project": project, "repositoryId": repo, "pullRequestId": id}
        return self._req.call(routes.PULL_REQUEST_UPDATE, path=path, body=body).parse(PullRequest)

    def add_reviewer(
        self, project: str, repo: str, pr_id: int, reviewer_id: str, *, is_required: bool = False
    ) -> Reviewer:
        """Add (or update) a reviewer by identity id. Idempotent, so safe to retry."""
        path: dict[str, str | int] = {
            "project": project,
            "repositoryId": repo,
            "pullRequestId": pr_id,
            "reviewerId": reviewer_id,
        }
        body: dict[str, JsonValue] = {"vote": 0, "isRequired": is_required}
        return self._req.call(routes.REVIEWER_PUT, path=path, body=body).parse(Reviewer)

    def list_reviewers(self, project: str, repo: str, pr_id: int) -> list[Reviewer]:
        path: dict[str, str | int] = {"project": project, "repositoryId": repo, "pullRequestId": pr_id}
        return self._list(routes.REVIEWERS, Reviewer, path=path)

    def get_pull_request_work_items(self, project: str, repo: str, pr_id: int) -> list[ResourceRef]:
        path: dict[str, str | int] = {"project": project, "repositoryId": repo, "pullRequestId": pr_id}
        return self._list(routes.PR_WORK_ITEMS, ResourceRef, path=path)

    def get_items_batch(self, project: str, repo: str, items: Sequence[ItemDescriptor]) -> list[list[GitItem]]:
        """Metadata (never content) of many files in one call: one list of items per descriptor, in order.

        When any of them does not exist the service answers 404 for the whole batch
        (:class:`~ticketops.ado.errors.NotFound`); callers split the batch to find which.
        """
        body: dict[str, JsonValue] = {"itemDescriptors": [d.wire() for d in items], "includeContentMetadata": False}
        response = self._req.call(routes.ITEMS_BATCH, path={"project": project, "repositoryId": repo}, body=body)
        return response.parse(ListEnvelope[list[GitItem]]).value


class ItemDescriptor(BaseModel):
    """One file to read at a version: ``versionType`` is branch, tag or commit."""

    model_config = ConfigDict(frozen=True)

    path: str
    version: str
    version_type: Literal["branch", "tag", "commit"] = "commit"

    def wire(self) -> dict[str, JsonValue]:
        return {
            "path": self.path if self.path.startswith("/") else "/" + self.path,
            "version": self.version,
            "versionType": self.version_type,
            "recursionLevel": "none",
        }
