"""Plan actions for a ticket's git work: branch, spec push, pull request, work item link.

Each is one kind of the :data:`~ticketops.plan.actions.Action` union, with the step that
orders it after the work item. The spec's bytes travel with
:class:`PushSpec` but are left out of the JSON form of a plan.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from ticketops.model.gitlive import LiveRepo
from ticketops.plan.base import ActionBase, Step


class PlannedReviewer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    email: str
    id: str  # identity GUID


class CreateBranch(ActionBase):
    """Create ``refs/heads/<branch>`` at the base branch's head (``updateRefs``, old id zeros)."""

    kind: Literal["create-branch"] = "create-branch"
    step: int = Step.BRANCH
    repo: LiveRepo
    branch: str
    base: str
    base_commit: str
    CHANGES: ClassVar[bool] = True


class PushSpec(ActionBase):
    """Commit the ticket file to the branch (``add`` or ``edit``) with the tip as ``oldObjectId``.

    ``old_tip``/``exists`` are None when the branch is created in the same pass: the executor
    reads them just before pushing.
    """

    kind: Literal["push-spec"] = "push-spec"
    step: int = Step.SPEC_PUSH
    repo: LiveRepo
    branch: str
    path: str  # in the target repository
    blob_id: str  # the ticket file's blob id, as it must be on the branch
    old_blob: str | None = None  # what the branch has now (None: absent or not known yet)
    old_tip: str | None = None
    exists: bool | None = None
    ticket_path: str
    source_commit: str | None = None
    content: bytes = Field(default=b"", repr=False, exclude=True)
    CHANGES: ClassVar[bool] = True


class CreatePullRequest(ActionBase):
    """Open the ticket's pull request, with reviewers and the work item (``workItemRefs``)."""

    kind: Literal["create-pr"] = "create-pr"
    step: int = Step.PULL_REQUEST
    repo: LiveRepo
    branch: str
    base: str
    title: str
    body: str  # the description below the hidden marker
    spec_blob: str
    spec_path: str
    ticket_path: str
    reviewers: tuple[PlannedReviewer, ...] = ()
    work_item_id: int | None = None  # None: created in this pass; found by its marker tag
    CHANGES: ClassVar[bool] = True
    RANK: ClassVar[int] = 10


class UpdatePullRequest(ActionBase):
    """Bring an existing (possibly adopted) PR in line: title and description, missing reviewers.
    Reviewers people added are never removed."""

    kind: Literal["update-pr"] = "update-pr"
    step: int = Step.PULL_REQUEST
    repo: LiveRepo
    pr_id: int
    branch: str
    title: str
    old_title: str
    body: str
    spec_blob: str
    spec_path: str
    ticket_path: str
    rewrite: bool  # title/description out of date (or written by someone else)
    add_reviewers: tuple[PlannedReviewer, ...] = ()
    work_item_id: int | None = None
    linked: bool = False  # the work item link is known to exist (recorded in the marker)
    drift: bool = False  # a person edited the title or description since ticketops wrote it
    read_hash: str | None = None  # the PR as the plan read it: a re-read must match before the write
    read_units: int | None = None  # read_hash covers this many UTF-16 units of it (None: all)
    CHANGES: ClassVar[bool] = True
    RANK: ClassVar[int] = 20


class LinkPullRequest(ActionBase):
    """Link the work item to the PR (an ``ArtifactLink`` named "Pull Request") and record it in
    the PR's marker, so later passes know without reading the work item's relations."""

    kind: Literal["link-pr"] = "link-pr"
    step: int = Step.LINKS
    repo: LiveRepo
    pr_id: int
    branch: str
    work_item_id: int | None = None
    title: str
    body: str
    spec_blob: str
    spec_path: str
    ticket_path: str
    read_hash: str | None = None  # the PR as the plan read it: a re-read must match before the write
    read_units: int | None = None  # read_hash covers this many UTF-16 units of it (None: all)
    CHANGES: ClassVar[bool] = True


class PullRequestClosed(ActionBase):
    """The ticket's PR was completed (or abandoned) in ADO: reported; no new one is opened."""

    kind: Literal["pr-closed"] = "pr-closed"
    step: int = Step.PULL_REQUEST
    pr_id: int
    status: str
    branch: str
