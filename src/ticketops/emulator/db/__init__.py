"""The emulator's database: organisation, projects, repos, work items, pull requests, people.

Routes call into it for every request; tests call its public methods to act "as a person in ADO
would" (edit an item in the UI, push to a branch, complete a PR). Both paths run the same rules.
All public methods hold :attr:`Database.lock`, so the threaded HTTP server and a test can use
one emulator at the same time.
"""

from __future__ import annotations

import functools
import os
import threading
import uuid
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import pygit2

from ticketops.emulator.clock import Stamper
from ticketops.emulator.db.gitstore import RefPolicy, commit_files
from ticketops.emulator.db.patch import PatchOp
from ticketops.emulator.db.pulls import PullRequestStore
from ticketops.emulator.db.records import Comment, Project, PullRequest, Repo, WorkItem
from ticketops.emulator.db.workitems import WorkItemStore
from ticketops.emulator.errors import AdoError, project_not_found, repo_not_found, work_item_type_missing
from ticketops.emulator.identity import Directory, User
from ticketops.emulator.processes import template
from ticketops.emulator.seed import Seed, SeedProject, SeedRepo

P = ParamSpec("P")
R = TypeVar("R")
_NS = uuid.UUID("0d9bd6a4-3a55-4a5c-8a4e-1b8f7d0e2c11")


def locked(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        self = args[0]
        with self.lock:  # type: ignore[attr-defined]  # every decorated method's self has the db lock
            return fn(*args, **kwargs)

    return wrapper


class Database:
    def __init__(self, seed: Seed, root: str, stamper: Stamper) -> None:
        self.lock = threading.RLock()
        self.root = root
        self.stamper = stamper
        self.organization = seed.organization
        self.org_id = str(uuid.uuid5(_NS, seed.organization.lower()))
        self.markdown_supported = seed.markdown_supported
        self.users = Directory()
        self.api_user = self.users.add(seed.api_user.email, seed.api_user.display_name)
        for u in seed.users:
            self.users.add(u.email, u.display_name, u.id)
        self.projects: dict[str, Project] = {}
        self.wit = WorkItemStore(self.users, stamper, markdown_supported=seed.markdown_supported)
        self.pulls = PullRequestStore(stamper)
        self.ref_policy = RefPolicy()
        self.push_count = 0
        for sp in seed.projects:
            self._add_project(sp)

    # ---- seeding ------------------------------------------------------------------------
    def _add_project(self, sp: SeedProject) -> Project:
        pid = (sp.id or str(uuid.uuid5(_NS, f"project:{sp.name.lower()}"))).lower()
        root = sp.name
        areas = {root.lower(): root}
        for a in sp.areas:
            full = f"{root}\\{a.strip(chr(92))}"
            parts = full.split("\\")
            for i in range(2, len(parts) + 1):
                areas.setdefault("\\".join(parts[:i]).lower(), "\\".join(parts[:i]))
        iterations = {root.lower(): root}
        for it in sp.iterations:
            iterations[f"{root}\\{it}".lower()] = f"{root}\\{it}"
        project = Project(
            pid,
            sp.name,
            sp.process,
            sp.description,
            template(sp.process),
            areas,
            iterations,
            last_update=self.stamper.clock.time(),
        )
        self.projects[pid] = project
        for sr in sp.repos:
            self._add_repo(project, sr)
        return project

    def _add_repo(self, project: Project, sr: SeedRepo) -> Repo:
        rid = (sr.id or str(uuid.uuid5(_NS, f"repo:{project.name.lower()}/{sr.name.lower()}"))).lower()
        files: dict[str, bytes | None] = {p: c.encode("utf-8") for p, c in sr.files.items()}

        def open_repo(repo: Repo) -> pygit2.Repository:
            repo._git = pygit2.init_repository(repo.path, bare=True, initial_head=repo.default_ref)
            if files:
                commit_files(repo, repo.default_branch, files, "Initial commit", self.api_user, self.stamper.now())
            return repo._git

        repo = Repo(rid, sr.name, project, os.path.join(self.root, f"{rid}.git"), sr.default_branch, open_repo)
        project.repos[rid] = repo
        return repo

    # ---- lookups (routes) ---------------------------------------------------------------
    def project(self, name_or_id: str) -> Project:
        key = name_or_id.strip().lower()
        for p in self.projects.values():
            if p.id == key or p.name.lower() == key:
                return p
        raise project_not_found(name_or_id)

    def find_repo(self, name_or_id: str, project: Project | None) -> Repo:
        """By name or id within a project; without a project (org-level URLs) only by id."""
        repo: Repo | None = None
        if project is not None:
            repo = project.repo(name_or_id)
        else:
            for p in self.projects.values():
                candidate = p.repos.get(name_or_id.strip().lower())
                repo = candidate or repo
        if repo is None:
            raise repo_not_found(name_or_id)
        return repo

    def user(self, email: str, display_name: str | None = None) -> User:
        """The person with this email; created on first use (a person who edits in the UI exists)."""
        found = self.users.by_email(email)
        return found or self.users.add(email, display_name or email.split("@", 1)[0])

    # ---- acting as a person in ADO --------------------------------------------------------
    @locked
    def add_user(self, email: str, display_name: str) -> User:
        return self.users.add(email, display_name)

    @locked
    def create_work_item(
        self,
        project: str,
        type: str,
        fields: dict[str, object],
        *,
        tags: list[str] | None = None,
        relations: list[dict[str, object]] | None = None,
        by: str | None = None,
        id: int | None = None,
    ) -> int:
        """Create an item as a person would. ``id`` picks the next id (it must be higher than any
        used so far): only for replaying recorded examples whose ids must resolve."""
        p = self.project(project)
        if id is not None:
            if id < self.wit.next_id:
                raise ValueError(f"work item id {id} is not free (next free id is {self.wit.next_id})")
            self.wit.next_id = id
        wit = p.template.type(type)
        if wit is None:
            raise work_item_type_missing(type, p.name)
        ops = _ops(fields, tags, relations)
        who = self.user(by) if by else self.api_user
        return self.wit.create(p, wit, ops, who).id

    @locked
    def update_work_item(
        self,
        project: str | None,
        id: int,
        fields: dict[str, object],
        *,
        by: str = "someone@contoso.com",
        tags: list[str] | None = None,
        relations: list[dict[str, object]] | None = None,
    ) -> None:
        item = self.wit.get(id)
        if project is not None and item.project.id != self.project(project).id:
            raise AdoError(
                404, "WorkItemUnauthorizedAccessException", f"TF401232: Work item {id} is not in project {project}."
            )
        self.wit.apply(item, _ops(fields, tags, relations), self.user(by))

    @locked
    def get_work_item(self, id: int) -> WorkItem:
        return self.wit.get(id)

    @locked
    def work_items(self, project: str) -> list[WorkItem]:
        return self.wit.in_project(self.project(project))

    @locked
    def delete_work_item(self, id: int) -> None:
        self.wit.delete(self.wit.get(id))

    @locked
    def add_comment(self, id: int, text: str, by: str = "someone@contoso.com", fmt: str = "html") -> Comment:
        """A comment as a person adds it; ``fmt`` is "html" (ADO's default) or "markdown"."""
        if fmt not in ("html", "markdown"):
            raise ValueError(f"comment format {fmt!r}: use 'html' or 'markdown'")
        return self.wit.add_comment(self.wit.get(id), text, self.user(by), fmt)

    @locked
    def repo(self, project: str, name: str) -> pygit2.Repository:
        return self.find_repo(name, self.project(project)).git

    @locked
    def repo_record(self, project: str, name: str) -> Repo:
        return self.find_repo(name, self.project(project))

    @locked
    def push_files(
        self,
        project: str,
        repo: str,
        branch: str,
        files: dict[str, str | bytes | None],
        *,
        message: str = "Edited in the web UI",
        by: str = "someone@contoso.com",
    ) -> str:
        """Commit files straight to a branch (None deletes a file). Returns the new commit id."""
        data = {k: (v.encode() if isinstance(v, str) else v) for k, v in files.items()}
        return commit_files(
            self.find_repo(repo, self.project(project)), branch, data, message, self.user(by), self.stamper.now()
        )

    @locked
    def pull_requests(self, project: str, repo: str) -> list[PullRequest]:
        return sorted(self.pulls.in_repo(self.find_repo(repo, self.project(project))), key=lambda p: p.id)

    @locked
    def set_pull_request_status(self, pr_id: int, status: str, *, by: str = "someone@contoso.com") -> PullRequest:
        """Complete (merge) or abandon a PR, or reactivate it, as a person would in the UI."""
        pr = self.pulls.get(pr_id)
        self.pulls.set_status(pr, status, self.user(by))
        return pr

    @locked
    def fail_ref_updates(self, pattern: str, status: str = "rejectedByPolicy") -> None:
        """Ref updates and pushes to refs matching ``pattern`` (fnmatch, with or without
        ``refs/heads/``) fail: ref updates with HTTP 200 and ``success: false``, pushes with 403."""
        self.ref_policy.rules.append((pattern, status))


def _ops(fields: dict[str, object], tags: list[str] | None, relations: list[dict[str, object]] | None) -> list[PatchOp]:
    """A person's edit: each field set to exactly its value. Tags are a ``replace`` (what the web
    form sends when a tag is removed); an ``add`` would merge them into the tags already there."""

    def op(ref: str) -> str:
        return "replace" if ref == "System.Tags" else "add"

    ops = [PatchOp(op(ref), f"/fields/{ref}", value) for ref, value in fields.items()]
    if tags is not None:
        ops.append(PatchOp("replace", "/fields/System.Tags", "; ".join(tags)))
    for rel in relations or []:
        ops.append(PatchOp("add", "/relations/-", rel))
    return ops
