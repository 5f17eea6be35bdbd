"""Pull requests: create, update, reviewers, completion (a real merge commit) and abandonment."""

from __future__ import annotations

import uuid

import pygit2

from ticketops.emulator import utf16
from ticketops.emulator.clock import Stamper
from ticketops.emulator.db.records import PullRequest, Repo, Reviewer
from ticketops.emulator.errors import AdoError, git_bad_request, pr_exists, pr_not_found
from ticketops.emulator.identity import User

DESCRIPTION_LIMIT = 4000
LIST_DESCRIPTION_LIMIT = 400
STATUSES = ("active", "abandoned", "completed")


class PullRequestStore:
    def __init__(self, stamper: Stamper) -> None:
        self.stamper = stamper
        self.prs: dict[int, PullRequest] = {}
        self.next_id = 1

    def get(self, pr_id: int, repo: Repo | None = None) -> PullRequest:
        pr = self.prs.get(pr_id)
        if pr is None or (repo is not None and pr.repo.id != repo.id):
            raise pr_not_found(pr_id)
        return self._settle(pr)

    def in_repo(self, repo: Repo) -> list[PullRequest]:
        return [self._settle(p) for p in self.prs.values() if p.repo.id == repo.id]

    def _settle(self, pr: PullRequest) -> PullRequest:
        """ADO computes an active PR's merge in the background: the create answers
        ``mergeStatus: queued``; once done it is ``succeeded`` (the merge commit on the
        server-owned ref ``refs/pull/{id}/merge``) or ``conflicts``. The emulator settles it at the
        next read (at once, in fact: only the create's answer shows queued). Source: the GitPullRequest model (mergeStatus: queued, succeeded, conflicts, ...)
        in the 7.1 spec and its examples."""
        if pr.status != "active" or pr.merge_status != "queued":
            return pr
        git = pr.repo.git
        source, target = self._tip(pr.repo, pr.source), self._tip(pr.repo, pr.target)
        if source is None or target is None:
            return pr
        index = git.merge_commits(target, source)
        if index.conflicts is not None:
            pr.merge_status = "conflicts"
            return pr
        sig = pygit2.Signature("Azure DevOps", "noreply@ado.emulator", int(self.stamper.now()), 0)
        oid = git.create_commit(
            None,
            sig,
            sig,
            f"Merge pull request {pr.id} from {pr.source} into {pr.target}",
            index.write_tree(git),
            [pygit2.Oid(hex=target), pygit2.Oid(hex=source)],
        )
        git.references.create(f"refs/pull/{pr.id}/merge", oid, force=True)
        pr.merge_status = "succeeded"
        return pr

    def create(
        self,
        repo: Repo,
        source: str,
        target: str,
        title: str,
        description: str,
        by: User,
        reviewers: list[tuple[User, bool]],
        is_draft: bool = False,
    ) -> PullRequest:
        self._check_refs(repo, source, target)
        self._check_description(description)
        if not title.strip():
            raise git_bad_request("The pull request title cannot be empty.", "InvalidArgumentValueException")
        self._check_duplicate(repo, source, target, None)
        pr = PullRequest(
            self.next_id,
            repo,
            source,
            target,
            title,
            description,
            by,
            self.stamper.now(),
            is_draft=is_draft,
            merge_id=str(uuid.uuid4()),
            merge_status="queued",
        )
        for user, required in reviewers:
            pr.reviewers[user.id] = Reviewer(user, 0, required)
        self.next_id += 1
        self.prs[pr.id] = pr
        return self._settle(pr)  # the create's own answer still says queued (routes/pulls.create)

    def update(self, pr: PullRequest, changes: dict[str, object], by: User) -> PullRequest:
        """Apply a validated PATCH (only the fields the service lets a client change)."""
        if "description" in changes:
            self._check_description(str(changes["description"]))
            pr.description = str(changes["description"])
        if "title" in changes:
            if not str(changes["title"]).strip():
                raise git_bad_request("The pull request title cannot be empty.", "InvalidArgumentValueException")
            pr.title = str(changes["title"])
        if "targetRefName" in changes:
            target = str(changes["targetRefName"])
            self._check_refs(pr.repo, pr.source, target)
            if pr.status == "active":
                self._check_duplicate(pr.repo, pr.source, target, pr.id)
            pr.target = target
        for key in ("completionOptions", "mergeOptions"):
            value = changes.get(key)
            if isinstance(value, dict):
                setattr(pr, "completion_options" if key == "completionOptions" else "merge_options", dict(value))
        if "autoCompleteSetBy" in changes:
            pr.auto_complete_set_by = by if changes["autoCompleteSetBy"] else None
        if "isDraft" in changes:
            pr.is_draft = bool(changes["isDraft"])
        if "status" in changes:
            self.set_status(pr, str(changes["status"]), by)
        return pr

    def set_status(self, pr: PullRequest, status: str, by: User) -> None:
        if status not in STATUSES:
            raise git_bad_request(
                f"'{status}' is not a pull request status; use active, abandoned or completed.",
                "InvalidArgumentValueException",
            )
        if status == pr.status:
            return
        if pr.status == "completed":
            raise git_bad_request(
                "TF401181: The pull request cannot be edited due to its state (completed).",
                "GitPullRequestCannotBeActivated",
            )
        if status == "active":
            self._check_duplicate(pr.repo, pr.source, pr.target, pr.id)
            pr.status, pr.closed_by, pr.closed_date = "active", None, None
            pr.source_commit = pr.target_commit = None
            return
        pr.source_commit = self._tip(pr.repo, pr.source)
        pr.target_commit = self._tip(pr.repo, pr.target)
        if status == "completed":
            self._merge(pr, by)
            if pr.merge_status == "conflicts":
                return
        pr.status, pr.closed_by, pr.closed_date = status, by, self.stamper.now()

    def set_reviewer(self, pr: PullRequest, user: User, vote: int | None, is_required: bool | None) -> Reviewer:
        rv = pr.reviewers.get(user.id) or Reviewer(user)
        if vote is not None:
            if vote not in (-10, -5, 0, 5, 10):
                raise git_bad_request(
                    f"{vote} is not a vote; use -10, -5, 0, 5 or 10.", "InvalidArgumentValueException"
                )
            rv.vote = vote
        if is_required is not None:
            rv.is_required = is_required
        pr.reviewers[user.id] = rv
        return rv

    # ---- helpers ----------------------------------------------------------------------
    def _check_refs(self, repo: Repo, source: str, target: str) -> None:
        for name in (source, target):
            if not name.startswith("refs/heads/") or repo.git.references.get(name) is None:
                raise git_bad_request(
                    f"TF401398: The pull request cannot be activated because the source and/or the target branch no "
                    f"longer exists, or the requested refs are not branches. ({name})",
                    "GitPullRequestCannotBeActivated",
                )
        if source == target:
            raise git_bad_request(
                "The source and target branches of a pull request must differ.", "InvalidArgumentValueException"
            )

    def _check_description(self, description: str) -> None:
        if utf16.units(description) > DESCRIPTION_LIMIT:
            raise git_bad_request(
                f"The pull request description is too long ({utf16.units(description)} characters); "
                f"it can be at most {DESCRIPTION_LIMIT} characters.",
                "InvalidArgumentValueException",
            )

    def _check_duplicate(self, repo: Repo, source: str, target: str, exclude: int | None) -> None:
        for p in self.in_repo(repo):
            if p.id != exclude and p.status == "active" and p.source == source and p.target == target:
                raise pr_exists(p.id, source, target)

    @staticmethod
    def _tip(repo: Repo, ref: str) -> str | None:
        r = repo.git.references.get(ref)
        return str(r.target) if r is not None else None

    def _merge(self, pr: PullRequest, by: User) -> None:
        git = pr.repo.git
        if pr.source_commit is None or pr.target_commit is None:
            raise AdoError(
                409,
                "GitPullRequestCannotBeActivated",
                "The source or target branch no longer exists.",
                namespace="Microsoft.TeamFoundation.Git.Server",
            )
        index = git.merge_commits(pr.target_commit, pr.source_commit)
        if index.conflicts is not None:
            pr.merge_status = "conflicts"
            return
        sig = pygit2.Signature(by.display_name, by.email, int(self.stamper.now()), 0)
        tree = index.write_tree(git)
        oid = git.create_commit(
            None,
            sig,
            sig,
            f"Merged PR {pr.id}: {pr.title}",
            tree,
            [pygit2.Oid(hex=pr.target_commit), pygit2.Oid(hex=pr.source_commit)],
        )
        git.references.create(pr.target, oid, force=True)
        pr.merge_commit = str(oid)
        pr.merge_status = "succeeded"
        if pr.completion_options and pr.completion_options.get("deleteSourceBranch"):
            ref = git.references.get(pr.source)
            if ref is not None:
                ref.delete()
