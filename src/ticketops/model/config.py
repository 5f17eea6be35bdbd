"""Board settings: ``.tickets/config.yaml``.

Pydantic models are frozen and forbid unknown fields. Defaults come from the process
template (agile, scrum, basic, cmmi), so a minimal config is organisation and project (``repos`` links git repositories).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ticketops.model.ownership import FieldPolicy, PolicyField

ENV_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEFAULT_TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"
DEFAULT_BRANCH_TEMPLATE = "feature/{key}-{slug}"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Process(str, Enum):
    AGILE = "agile"
    SCRUM = "scrum"
    BASIC = "basic"
    CMMI = "cmmi"


# The requirement-level work item type each process template ships with.
DEFAULT_WORK_ITEM_TYPE: dict[Process, str] = {
    Process.AGILE: "User Story",
    Process.SCRUM: "Product Backlog Item",
    Process.BASIC: "Issue",
    Process.CMMI: "Requirement",
}


class Status(Frozen):
    """One step of the ticket workflow, mapped to the ADO state it mirrors.

    Exactly one status in the workflow has ``start`` (the feature branch is created from here
    on), one has ``review`` (a pull request is opened from here on) and one has ``done``.
    """

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    state: str = Field(min_length=1)
    start: bool = False
    review: bool = False
    done: bool = False


def _s(name: str, state: str, **marks: bool) -> Status:
    return Status(name=name, state=state, **marks)


# A sensible default workflow for each process, used when config.yaml has no `statuses`.
DEFAULT_STATUSES: dict[Process, tuple[Status, ...]] = {
    Process.AGILE: (
        _s("backlog", "New"),
        _s("in-progress", "Active", start=True),
        _s("in-review", "Resolved", review=True),
        _s("done", "Closed", done=True),
    ),
    Process.SCRUM: (
        _s("backlog", "New"),
        _s("ready", "Approved"),
        _s("in-progress", "Committed", start=True),
        _s("in-review", "Committed", review=True),
        _s("done", "Done", done=True),
    ),
    Process.BASIC: (
        _s("todo", "To Do"),
        _s("in-progress", "Doing", start=True),
        _s("in-review", "Doing", review=True),
        _s("done", "Done", done=True),
    ),
    Process.CMMI: (
        _s("proposed", "Proposed"),
        _s("in-progress", "Active", start=True),
        _s("in-review", "Resolved", review=True),
        _s("done", "Closed", done=True),
    ),
}


class RepoLink(Frozen):
    """A linked ADO git repository, known in tickets by its alias."""

    name: str = Field(min_length=1)
    default_branch: str = "main"

    @field_validator("default_branch")
    @classmethod
    def _strip_refs(cls, v: str) -> str:
        return v.removeprefix("refs/heads/")


class AuthSettings(Frozen):
    """Where the token comes from. The token itself never goes in a file."""

    mode: Literal["pat", "bearer", "entra"] = "pat"
    token_env: str = DEFAULT_TOKEN_ENV

    @field_validator("token_env")
    @classmethod
    def _env_name(cls, v: str) -> str:
        if not ENV_VAR_RE.match(v):
            raise ValueError(
                f"{v!r} is not an environment variable name; auth.token_env names the variable "
                "that holds the token (for example AZURE_DEVOPS_EXT_PAT), never the token itself"
            )
        return v


class ImportSettings(Frozen):
    """Defaults for ``ticketops import``."""

    key_prefix: str = Field(default="ADO", pattern=r"^[A-Z][A-Z0-9]*$")


class BoardConfig(Frozen):
    organization_url: str
    project: str = Field(min_length=1)
    process: Process = Process.AGILE
    work_item_type: str | None = None
    statuses: tuple[Status, ...] | None = None
    repos: dict[str, RepoLink] = Field(default_factory=dict)
    default_repo: str | None = None
    branch_template: str = DEFAULT_BRANCH_TEMPLATE
    auth: AuthSettings = AuthSettings()
    on_push: Literal["plan", "apply"] = "plan"
    read_only: bool = False
    tracked_branch: str | None = None  # the branch whose pushes reconcile (on_push: apply)
    # This board's id, when several boards share one ADO project: its items carry the tag
    # ticketops-board:<id>, and items of other boards are never paired, pruned or changed.
    board: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9._-]{0,39}$")
    import_: ImportSettings = Field(default=ImportSettings(), alias="import")
    # Who owns each managed field (model/ownership.py): revert (default), report or ignore.
    fields: dict[PolicyField, FieldPolicy] = Field(default_factory=dict)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @field_validator("organization_url")
    @classmethod
    def _org_url(cls, v: str) -> str:
        v = v.strip().rstrip("/")
        if "@" in v:  # never echo the value: it holds a password or token
            raise ValueError(
                "organization_url has a user name or password in it (user:password@); ticketops never "
                "takes credentials from a URL: remove them, and put the token in the environment variable "
                f"that auth.token_env names (default {DEFAULT_TOKEN_ENV})"
            )
        if not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", v):
            raise ValueError(
                "organization_url must be a URL such as https://dev.azure.com/ORG or https://server/tfs/COLLECTION"
            )
        return v

    @field_validator("branch_template")
    @classmethod
    def _template(cls, v: str) -> str:
        if "{key}" not in v:
            raise ValueError("branch_template must contain {key} so every ticket gets its own branch")
        unknown = set(re.findall(r"{([^}]*)}", v)) - {"key", "slug"}
        if unknown:
            raise ValueError(f"branch_template has unknown placeholders {sorted(unknown)}; use {{key}} and {{slug}}")
        return v

    @model_validator(mode="after")
    def _check(self) -> BoardConfig:
        names = [s.name for s in self.effective_statuses]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"statuses: duplicate status names {dupes}")
        for mark in ("start", "review", "done"):
            marked = [s.name for s in self.effective_statuses if getattr(s, mark)]
            if len(marked) != 1:
                raise ValueError(
                    f"statuses: exactly one status must have `{mark}: true` (found {len(marked)}: {marked})"
                )
        order = {s.name: i for i, s in enumerate(self.effective_statuses)}
        if not order[self.start_status.name] <= order[self.review_status.name] <= order[self.done_status.name]:
            raise ValueError("statuses: the order must be start <= review <= done")
        if self.default_repo is not None and self.default_repo not in self.repos:
            raise ValueError(f"default_repo {self.default_repo!r} is not one of the repos aliases {sorted(self.repos)}")
        return self

    # ---- derived views -------------------------------------------------------------
    @property
    def effective_statuses(self) -> tuple[Status, ...]:
        return self.statuses if self.statuses is not None else DEFAULT_STATUSES[self.process]

    @property
    def effective_work_item_type(self) -> str:
        return self.work_item_type or DEFAULT_WORK_ITEM_TYPE[self.process]

    def status(self, name: str) -> Status:
        for s in self.effective_statuses:
            if s.name == name:
                return s
        raise KeyError(name)

    def status_index(self, name: str) -> int:
        return [s.name for s in self.effective_statuses].index(name)

    @property
    def start_status(self) -> Status:
        return next(s for s in self.effective_statuses if s.start)

    @property
    def review_status(self) -> Status:
        return next(s for s in self.effective_statuses if s.review)

    @property
    def done_status(self) -> Status:
        return next(s for s in self.effective_statuses if s.done)

    def work_started(self, status: str) -> bool:
        return self.status_index(status) >= self.status_index(self.start_status.name)

    def review_started(self, status: str) -> bool:
        return self.status_index(status) >= self.status_index(self.review_status.name)

    def status_for_state(self, state: str) -> Status | None:
        """The first status, in workflow order, that maps to ``state`` (used by import)."""
        for s in self.effective_statuses:
            if s.state.lower() == state.lower():
                return s
        return None

    @property
    def is_services(self) -> bool:
        """Azure DevOps Services (dev.azure.com / visualstudio.com) vs Server (on premises)."""
        return "dev.azure.com" in self.organization_url or ".visualstudio.com" in self.organization_url
