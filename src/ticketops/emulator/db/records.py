"""The emulator's stored state: plain dataclasses, no wire format.

Field values are stored typed: identities as :class:`User`, dates as Unix seconds (float),
everything else as the JSON value. The routes render them to ADO's wire shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pygit2

from ticketops.emulator.identity import User
from ticketops.emulator.processes import ProcessTemplate, WorkItemTypeDef
from ticketops.model.config import Process

FieldValue = object  # str | int | float | bool | User | None


@dataclass
class Repo:
    """A git repository. The bare repository on disk is created on first use, which keeps an
    emulator cheap to create when a test never touches git."""

    id: str
    name: str
    project: Project
    path: str
    default_branch: str  # without refs/heads/
    opener: Callable[[Repo], pygit2.Repository] = field(repr=False)
    _git: pygit2.Repository | None = field(default=None, repr=False)

    @property
    def git(self) -> pygit2.Repository:
        if self._git is None:
            self._git = self.opener(self)
        return self._git

    @property
    def default_ref(self) -> str:
        return f"refs/heads/{self.default_branch}"


@dataclass
class Project:
    id: str
    name: str
    process: Process
    description: str
    template: ProcessTemplate
    areas: dict[str, str]  # lower-cased full path -> canonical full path
    iterations: dict[str, str]
    repos: dict[str, Repo] = field(default_factory=dict)  # by id
    tag_names: dict[str, str] = field(default_factory=dict)  # lower -> first-seen casing
    revision: int = 1
    last_update: float = 0.0

    def repo(self, name_or_id: str) -> Repo | None:
        key = name_or_id.strip().lower()
        for r in self.repos.values():
            if r.id == key or r.name.lower() == key:
                return r
        return None


@dataclass
class Relation:
    rel: str
    url: str
    attributes: dict[str, object] = field(default_factory=dict)

    def key(self) -> tuple[str, str]:
        return (self.rel.lower(), self.url.lower())

    def copy(self) -> Relation:
        return Relation(self.rel, self.url, dict(self.attributes))


@dataclass
class Revision:
    rev: int
    fields: dict[str, FieldValue]
    relations: list[Relation]
    formats: dict[str, str]


@dataclass
class Update:
    rev: int
    by: User
    date: float
    fields: dict[str, tuple[FieldValue, FieldValue]]  # ref -> (old, new)
    added: list[Relation] = field(default_factory=list)
    removed: list[Relation] = field(default_factory=list)
    updated: list[Relation] = field(default_factory=list)


@dataclass
class Comment:
    id: int
    work_item_id: int
    text: str
    format: str  # "markdown" | "html"
    created_by: User
    created_date: float
    modified_by: User
    modified_date: float
    version: int = 1
    is_deleted: bool = False


@dataclass
class WorkItem:
    id: int
    project: Project
    type: WorkItemTypeDef
    rev: int
    fields: dict[str, FieldValue]
    relations: list[Relation] = field(default_factory=list)
    formats: dict[str, str] = field(default_factory=dict)  # field ref -> "markdown"
    revisions: list[Revision] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    deleted: bool = False
    tag_keys: frozenset[str] = frozenset()  # lower-cased tags, kept current by the store's index

    @property
    def state(self) -> str:
        return str(self.fields.get("System.State", ""))

    @property
    def tags(self) -> tuple[str, ...]:
        raw = self.fields.get("System.Tags")
        if not isinstance(raw, str) or not raw:
            return ()
        return tuple(t.strip() for t in raw.split(";") if t.strip())

    @property
    def changed_date(self) -> float:
        v = self.fields.get("System.ChangedDate")
        return float(v) if isinstance(v, (int, float)) else 0.0


@dataclass
class Reviewer:
    user: User
    vote: int = 0
    is_required: bool = False


@dataclass
class PullRequest:
    id: int
    repo: Repo
    source: str  # full ref name
    target: str
    title: str
    description: str
    created_by: User
    creation_date: float
    status: str = "active"  # active | abandoned | completed
    is_draft: bool = False
    merge_id: str = ""
    merge_status: str = "succeeded"
    reviewers: dict[str, Reviewer] = field(default_factory=dict)  # by user id
    closed_by: User | None = None
    closed_date: float | None = None
    source_commit: str | None = None  # frozen when the PR closes
    target_commit: str | None = None
    merge_commit: str | None = None
    completion_options: dict[str, object] | None = None
    merge_options: dict[str, object] | None = None
    auto_complete_set_by: User | None = None
    labels: list[str] = field(default_factory=list)

    @property
    def artifact_id(self) -> str:
        return f"vstfs:///Git/PullRequestId/{self.repo.project.id}%2F{self.repo.id}%2F{self.id}"
