"""Git and core wire shapes: projects, repositories, refs, commits, items, pushes, PRs."""

from __future__ import annotations

import pygit2

from ticketops.emulator import utf16
from ticketops.emulator.clock import iso
from ticketops.emulator.db.pulls import LIST_DESCRIPTION_LIMIT
from ticketops.emulator.db.records import Project, PullRequest, Repo
from ticketops.emulator.identity import User, identity_ref, reviewer_ref
from ticketops.emulator.processes import PROCESS_IDS, PROCESS_NAMES


def project_json(p: Project, base: str, *, full: bool = False, capabilities: bool = False) -> dict[str, object]:
    """A project as ADO shows it: ``full`` for a single get (with _links), ``capabilities`` only
    when asked (``includeCapabilities=true``; "default: false" in Projects - Get, 7.1)."""
    out: dict[str, object] = {
        "id": p.id,
        "name": p.name,
        "description": p.description,
        "url": f"{base}/_apis/projects/{p.id}",
        "state": "wellFormed",
        "revision": p.revision,
        "visibility": "private",
        "lastUpdateTime": iso(p.last_update),
    }
    if capabilities:
        out["capabilities"] = {
            "versioncontrol": {"sourceControlType": "Git", "gitEnabled": "True", "tfvcEnabled": "False"},
            "processTemplate": {"templateName": PROCESS_NAMES[p.process], "templateTypeId": PROCESS_IDS[p.process]},
        }
    if full:
        out["_links"] = {
            "self": {"href": out["url"]},
            "collection": {"href": f"{base}/_apis/projectCollections/{p.id}"},
            "web": {"href": f"{base}/{p.name}"},
        }
        out["defaultTeam"] = {"id": p.id, "name": f"{p.name} Team", "url": f"{base}/_apis/projects/{p.id}/teams/{p.id}"}
    return out


def repo_url(repo: Repo, base: str) -> str:
    return f"{base}/{repo.project.id}/_apis/git/repositories/{repo.id}"


def repo_json(repo: Repo, base: str, *, links: bool = False) -> dict[str, object]:
    out: dict[str, object] = {
        "id": repo.id,
        "name": repo.name,
        "url": repo_url(repo, base),
        "project": project_json(repo.project, base),
    }
    if repo.git.references.get(repo.default_ref) is not None:
        out["defaultBranch"] = repo.default_ref
    out.update(
        {
            "size": 0,
            "remoteUrl": f"{base}/{repo.project.name}/_git/{repo.name}",
            "sshUrl": f"git@ssh.ado.emulator:v3/{base.rsplit('/', 1)[-1]}/{repo.project.name}/{repo.name}",
            "webUrl": f"{base}/{repo.project.name}/_git/{repo.name}",
            "isDisabled": False,
            "isInMaintenance": False,
        }
    )
    if links:
        url = repo_url(repo, base)
        links_json: dict[str, dict[str, str]] = {
            key: {"href": f"{url}/{key}"} for key in ("refs", "pullRequests", "items", "pushes", "commits")
        }
        out["_links"] = links_json | {
            "self": {"href": url},
            "project": {"href": f"{base}/_apis/projects/{repo.project.id}"},
            "web": {"href": str(out["webUrl"])},
        }
    return out


def ref_json(repo: Repo, name: str, object_id: str, creator: User, base: str) -> dict[str, object]:
    short = name.removeprefix("refs/")
    return {
        "name": name,
        "objectId": object_id,
        "creator": identity_ref(creator, base),
        "url": f"{repo_url(repo, base)}/refs?filter={short}",
    }


def _person(sig: pygit2.Signature) -> dict[str, object]:
    return {"name": sig.name, "email": sig.email, "date": iso(float(sig.time))}


def commit_json(repo: Repo, c: pygit2.Commit, base: str) -> dict[str, object]:
    return {
        "treeId": str(c.tree_id),
        "commitId": str(c.id),
        "author": _person(c.author),
        "committer": _person(c.committer),
        "comment": c.message,
        "parents": [str(p) for p in c.parent_ids],
        "url": f"{repo_url(repo, base)}/commits/{c.id}",
    }


def commit_ref_json(repo: Repo, commit_id: str | None, base: str) -> dict[str, object] | None:
    if commit_id is None:
        return None
    return {"commitId": commit_id, "url": f"{repo_url(repo, base)}/commits/{commit_id}"}


def pr_url(pr: PullRequest, base: str) -> str:
    return f"{repo_url(pr.repo, base)}/pullRequests/{pr.id}"


def pr_json(pr: PullRequest, base: str, *, in_list: bool = False) -> dict[str, object]:
    repo = pr.repo
    url = pr_url(pr, base)
    source = pr.source_commit if pr.status != "active" else _tip(repo, pr.source)
    target = pr.target_commit if pr.status != "active" else _tip(repo, pr.target)
    description = utf16.cut(pr.description, LIST_DESCRIPTION_LIMIT) if in_list else pr.description
    out: dict[str, object] = {
        "repository": {
            "id": repo.id,
            "name": repo.name,
            "url": repo_url(repo, base),
            "project": project_json(repo.project, base),
        },
        "pullRequestId": pr.id,
        "codeReviewId": pr.id,
        "status": pr.status,
        "createdBy": identity_ref(pr.created_by, base),
        "creationDate": iso(pr.creation_date),
        "title": pr.title,
        "description": description,
        "sourceRefName": pr.source,
        "targetRefName": pr.target,
        "mergeStatus": pr.merge_status,
        "isDraft": pr.is_draft,
        "mergeId": pr.merge_id,
        "lastMergeSourceCommit": commit_ref_json(repo, source, base),
        "lastMergeTargetCommit": commit_ref_json(repo, target, base),
        "reviewers": [reviewer_ref(r.user, base, url, r.vote, r.is_required) for r in pr.reviewers.values()],
        "url": url,
        "supportsIterations": True,
        "artifactId": pr.artifact_id,
    }
    if pr.merge_commit:
        out["lastMergeCommit"] = commit_ref_json(repo, pr.merge_commit, base)
    if pr.closed_date is not None and pr.closed_by is not None:
        out["closedDate"] = iso(pr.closed_date)
        out["closedBy"] = identity_ref(pr.closed_by, base)
    if pr.completion_options is not None:
        out["completionOptions"] = pr.completion_options
    if pr.merge_options is not None:
        out["mergeOptions"] = pr.merge_options
    if pr.auto_complete_set_by is not None:
        out["autoCompleteSetBy"] = identity_ref(pr.auto_complete_set_by, base)
    if not in_list:
        out["_links"] = {
            "self": {"href": url},
            "repository": {"href": repo_url(repo, base)},
            "workItems": {"href": f"{url}/workitems"},
            "sourceBranch": {"href": f"{repo_url(repo, base)}/refs/{pr.source}"},
            "targetBranch": {"href": f"{repo_url(repo, base)}/refs/{pr.target}"},
            "sourceCommit": {"href": f"{repo_url(repo, base)}/commits/{source}"},
            "targetCommit": {"href": f"{repo_url(repo, base)}/commits/{target}"},
            "createdBy": {"href": f"{base}/_apis/Identities/{pr.created_by.id}"},
            "iterations": {"href": f"{url}/iterations"},
        }
    return out


def _tip(repo: Repo, ref: str) -> str | None:
    r = repo.git.references.get(ref)
    return str(r.target) if r is not None else None
