"""Git DTOs: repositories, refs, pushes, items, pull requests and reviewers."""

from __future__ import annotations

import base64
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from ticketops.ado.dto.common import AdoModel, IdentityRef

ZERO_OID = "0" * 40


class ProjectRef(AdoModel):
    id: str | None = None
    name: str | None = None


class Repository(AdoModel):
    id: str
    name: str
    default_branch: str | None = None
    project: ProjectRef | None = None
    remote_url: str | None = None
    web_url: str | None = None
    url: str | None = None
    is_disabled: bool = False


class GitRef(AdoModel):
    name: str
    object_id: str
    creator: IdentityRef | None = None
    url: str | None = None
    is_locked: bool = False


class RefUpdate(BaseModel):
    """Create (``old_object_id`` = 40 zeros), move or delete (``new_object_id`` = zeros) a ref."""

    model_config = ConfigDict(frozen=True)

    name: str
    old_object_id: str
    new_object_id: str

    def wire(self) -> dict[str, JsonValue]:
        return {"name": self.name, "oldObjectId": self.old_object_id, "newObjectId": self.new_object_id}

    @classmethod
    def create(cls, name: str, object_id: str) -> RefUpdate:
        return cls(name=name, old_object_id=ZERO_OID, new_object_id=object_id)

    @classmethod
    def delete(cls, name: str, old_object_id: str) -> RefUpdate:
        return cls(name=name, old_object_id=old_object_id, new_object_id=ZERO_OID)


class RefUpdateResult(AdoModel):
    name: str
    old_object_id: str | None = None
    new_object_id: str | None = None
    success: bool = False
    update_status: str = ""
    custom_message: str | None = None
    rejected_by: str | None = None
    repository_id: str | None = None

    @property
    def ok(self) -> bool:
        return self.success and self.update_status.lower() in ("succeeded", "")


ChangeType = Literal["add", "edit", "delete"]


class Change(BaseModel):
    """One file change of a push. Text goes as ``rawtext``, bytes as ``base64encoded``."""

    model_config = ConfigDict(frozen=True)

    change_type: ChangeType
    path: str
    content: str | None = None
    content_type: Literal["rawtext", "base64encoded"] = "rawtext"

    @classmethod
    def add(cls, path: str, content: str | bytes) -> Change:
        return cls._with_content("add", path, content)

    @classmethod
    def edit(cls, path: str, content: str | bytes) -> Change:
        return cls._with_content("edit", path, content)

    @classmethod
    def delete(cls, path: str) -> Change:
        return cls(change_type="delete", path=_abs(path))

    @classmethod
    def _with_content(cls, kind: ChangeType, path: str, content: str | bytes) -> Change:
        if isinstance(content, bytes):
            encoded = base64.b64encode(content).decode()
            return cls(change_type=kind, path=_abs(path), content=encoded, content_type="base64encoded")
        return cls(change_type=kind, path=_abs(path), content=content)

    def wire(self) -> dict[str, JsonValue]:
        out: dict[str, JsonValue] = {"changeType": self.change_type, "item": {"path": self.path}}
        if self.change_type != "delete":
            out["newContent"] = {"content": self.content or "", "contentType": self.content_type}
        return out


def _abs(path: str) -> str:
    return path if path.startswith("/") else "/" + path


class CommitRef(AdoModel):
    commit_id: str
    comment: str | None = None
    url: str | None = None


class GitCommit(AdoModel):
    """One commit (Commits - Get): its message and parents."""

    commit_id: str
    comment: str = ""
    parents: list[str] = Field(default_factory=list)


class PushRefUpdate(AdoModel):
    name: str
    old_object_id: str | None = None
    new_object_id: str | None = None


class Push(AdoModel):
    push_id: int
    date: str | None = None
    pushed_by: IdentityRef | None = None
    ref_updates: list[PushRefUpdate] = Field(default_factory=list)
    commits: list[CommitRef] = Field(default_factory=list)
    url: str | None = None

    @property
    def new_object_id(self) -> str | None:
        """The commit the pushed ref now points at."""
        if self.ref_updates and self.ref_updates[0].new_object_id:
            return self.ref_updates[0].new_object_id
        return self.commits[-1].commit_id if self.commits else None


class GitItem(AdoModel):
    """A file at a version. ``object_id`` is the git blob id; ``content`` only when asked for."""

    object_id: str
    git_object_type: str | None = None
    commit_id: str | None = None
    path: str
    content: str | None = None
    is_folder: bool = False
    url: str | None = None


class Reviewer(AdoModel):
    """A pull request reviewer (IdentityRefWithVote)."""

    id: str
    display_name: str | None = None
    unique_name: str | None = None
    vote: int = 0
    is_required: bool = False
    has_declined: bool = False
    is_container: bool = False


class ResourceRef(AdoModel):
    id: str
    url: str | None = None


class PullRequest(AdoModel):
    pull_request_id: int
    status: str
    title: str = ""
    description: str | None = None
    source_ref_name: str
    target_ref_name: str
    created_by: IdentityRef | None = None
    creation_date: str | None = None
    closed_date: str | None = None
    closed_by: IdentityRef | None = None
    is_draft: bool = False
    merge_status: str | None = None
    reviewers: list[Reviewer] = Field(default_factory=list)
    repository: Repository | None = None
    url: str | None = None
