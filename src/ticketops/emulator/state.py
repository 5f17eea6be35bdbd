"""``GET /_emulator/state``: a read-only JSON dump of the emulator, for a person to inspect."""

from __future__ import annotations

from ticketops.emulator.clock import iso
from ticketops.emulator.db import Database
from ticketops.emulator.db.records import Project, Repo, WorkItem
from ticketops.emulator.identity import User
from ticketops.emulator.processes import PROCESS_NAMES


def _value(v: object) -> object:
    return v.email if isinstance(v, User) else v


def _item(it: WorkItem) -> dict[str, object]:
    return {
        "id": it.id,
        "rev": it.rev,
        "type": it.type.name,
        "title": it.fields.get("System.Title"),
        "state": it.state,
        "assignedTo": _value(it.fields.get("System.AssignedTo")),
        "tags": list(it.tags),
        "changedDate": iso(it.changed_date),
        "relations": [{"rel": r.rel, "url": r.url} for r in it.relations],
        "comments": len(it.comments),
    }


def _repo(r: Repo) -> dict[str, object]:
    branches = {}
    for name in sorted(r.git.references):
        branches[name] = str(r.git.references[name].target)
    return {"id": r.id, "name": r.name, "defaultBranch": r.default_ref, "refs": branches}


def _project(db: Database, p: Project) -> dict[str, object]:
    return {
        "id": p.id,
        "name": p.name,
        "process": PROCESS_NAMES[p.process],
        "repositories": [_repo(r) for r in sorted(p.repos.values(), key=lambda r: r.name)],
        "workItems": [_item(it) for it in db.wit.in_project(p)],
        "pullRequests": [
            {
                "id": pr.id,
                "repository": pr.repo.name,
                "status": pr.status,
                "title": pr.title,
                "source": pr.source,
                "target": pr.target,
                "reviewers": [rv.user.email for rv in pr.reviewers.values()],
            }
            for pr in sorted(db.pulls.prs.values(), key=lambda x: x.id)
            if pr.repo.project.id == p.id
        ],
    }


def dump(db: Database) -> dict[str, object]:
    with db.lock:
        return {
            "organization": db.organization,
            "apiUser": db.api_user.email,
            "markdownSupported": db.markdown_supported,
            "users": [{"id": u.id, "email": u.email, "displayName": u.display_name} for u in db.users.all()],
            "projects": [_project(db, p) for p in sorted(db.projects.values(), key=lambda p: p.name.lower())],
        }
