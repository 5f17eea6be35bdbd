"""Git: repositories, refs (list, update), pushes, items, commits."""

from __future__ import annotations

import base64

import pygit2

from ticketops.emulator.clock import iso
from ticketops.emulator.db.gitstore import (
    CommitSpec,
    list_refs,
    norm_path,
    parse_change,
    push,
    resolve_commit,
    update_refs,
)
from ticketops.emulator.db.records import Repo
from ticketops.emulator.errors import AdoError, bad_request, git_bad_request, item_not_found
from ticketops.emulator.identity import identity_ref
from ticketops.emulator.router import Ctx, EmuRequest, EmuResponse, Route, listing
from ticketops.emulator.views_git import commit_json, ref_json, repo_json, repo_url


def _repo(ctx: Ctx) -> Repo:
    return ctx.db.find_repo(ctx.param("repo"), ctx.project)


def repos_list(ctx: Ctx) -> EmuResponse:
    projects = [ctx.project] if ctx.project else list(ctx.db.projects.values())
    repos = [r for p in projects if p for r in sorted(p.repos.values(), key=lambda r: r.name.lower())]
    return listing([repo_json(r, ctx.org_base) for r in repos])


def repo_get(ctx: Ctx) -> EmuResponse:
    return EmuResponse.json(repo_json(_repo(ctx), ctx.org_base, links=True))


def refs_list(ctx: Ctx) -> EmuResponse:
    repo = _repo(ctx)
    # ADO puts "refs/" in front of the filter itself (wire notes: no refs/ prefix in the filter),
    # so filter=refs/heads/main looks for refs/refs/heads/main and matches nothing.
    prefix = "refs/" + (ctx.req.q("filter") or "")
    refs = list_refs(repo, prefix, ctx.req.q("filterContains") or "")
    token = ctx.req.q("continuationToken")
    if token:
        after = _decode(token)
        refs = [r for r in refs if r[0] > after]
    top = ctx.req.q_int("$top")
    headers: dict[str, str] = {}
    if top is not None and len(refs) > top:
        refs = refs[:top]
        headers["x-ms-continuationtoken"] = base64.urlsafe_b64encode(refs[-1][0].encode()).decode()
    values = [ref_json(repo, n, oid, ctx.db.api_user, ctx.org_base) for n, oid in refs]
    if ctx.req.q_bool("includeStatuses"):
        for v in values:
            v["statuses"] = []  # commit statuses are not emulated: every ref has none
    return listing(values, headers)


def _decode(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError) as e:
        raise bad_request(f"'{token}' is not a continuation token this server issued.") from e


def refs_update(ctx: Ctx) -> EmuResponse:
    repo = _repo(ctx)
    body = ctx.req.json()
    if not isinstance(body, list) or not body:
        raise git_bad_request("The body must be a list of {name, oldObjectId, newObjectId}.")
    updates = []
    for u in body:
        if not isinstance(u, dict) or not all(
            isinstance(u.get(k), str) for k in ("name", "oldObjectId", "newObjectId")
        ):
            raise git_bad_request("Each ref update needs string name, oldObjectId and newObjectId.")
        updates.append((u["name"], u["oldObjectId"].lower(), u["newObjectId"].lower()))
    results = update_refs(repo, updates, ctx.db.ref_policy)
    return listing(
        [
            {
                "repositoryId": repo.id,
                "name": r.name,
                "oldObjectId": r.old,
                "newObjectId": r.new,
                "isLocked": False,
                "updateStatus": r.status,
                "success": r.success,
            }
            for r in results
        ]
    )


def push_create(ctx: Ctx) -> EmuResponse:
    repo = _repo(ctx)
    body = ctx.req.json()
    if not isinstance(body, dict):
        raise git_bad_request("The body must be a push: {refUpdates, commits}.")
    ref_updates = body.get("refUpdates")
    commits = body.get("commits")
    if not isinstance(ref_updates, list) or len(ref_updates) != 1 or not isinstance(ref_updates[0], dict):
        raise git_bad_request("A push needs exactly one refUpdates entry.")
    name, old = ref_updates[0].get("name"), ref_updates[0].get("oldObjectId")
    if not isinstance(name, str) or not isinstance(old, str):
        raise git_bad_request("refUpdates[0] needs name and oldObjectId.")
    if not isinstance(commits, list) or not commits:
        raise git_bad_request("A push needs at least one commit.")
    specs = []
    for c in commits:
        if not isinstance(c, dict) or not isinstance(c.get("changes"), list) or not c["changes"]:
            raise git_bad_request("Each commit needs a comment and at least one change.")
        specs.append(CommitSpec(str(c.get("comment") or ""), tuple(parse_change(ch) for ch in c["changes"])))
    when = ctx.db.stamper.now()
    reported_old, new, made = push(repo, name, old, specs, ctx.user, when, ctx.db.ref_policy)
    ctx.db.push_count += 1
    push_id = ctx.db.push_count
    url = f"{repo_url(repo, ctx.org_base)}/pushes/{push_id}"
    return EmuResponse.json(
        {
            "commits": [commit_json(repo, c, ctx.org_base) for c in made],
            "refUpdates": [{"repositoryId": repo.id, "name": name, "oldObjectId": reported_old, "newObjectId": new}],
            "repository": repo_json(repo, ctx.org_base),
            "pushedBy": identity_ref(ctx.user, ctx.org_base),
            "pushId": push_id,
            "date": iso(when),
            "url": url,
            "_links": {
                "self": {"href": url},
                "repository": {"href": repo_url(repo, ctx.org_base)},
                "commits": {"href": f"{url}/commits"},
                "pusher": {"href": f"{ctx.org_base}/_apis/Identities/{ctx.user.id}"},
                "refs": {"href": f"{repo_url(repo, ctx.org_base)}/refs/{name}"},
            },
        },
        status=201,
    )


def _version_label(kind: str, version: str) -> str:
    return f"<{kind.capitalize()}: {version} >"


def _items_op(req: EmuRequest) -> str:
    return "Items_Get" if req.q("path") is not None else "Items_List"


def items(ctx: Ctx) -> EmuResponse:
    repo = _repo(ctx)
    req = ctx.req
    path = req.q("path") if req.q("path") is not None else req.q("scopePath")
    if path is None:
        raise git_bad_request("Give the item's path (path or scopePath).")
    kind = (req.q("versionDescriptor.versionType") or "branch").lower()
    version = req.q("versionDescriptor.version") or repo.default_branch
    commit = resolve_commit(repo, version, kind)
    if commit is None:
        raise AdoError(
            404,
            "GitUnresolvableToCommitException",
            f"TF401175: The version descriptor {_version_label(kind, version)} could not be resolved to a version "
            f"in the repository {repo.name}",
            namespace="Microsoft.TeamFoundation.Git.Server",
        )
    rel = norm_path(path)
    obj = _lookup(commit, rel)
    if obj is None:
        raise item_not_found("/" + rel, repo.name, _version_label(kind, version))
    entries = [_item_json(repo, commit, rel, obj, req.q_bool("includeContent"), ctx.org_base)]
    if isinstance(obj, pygit2.Tree) and (req.q("recursionLevel") or "none").lower() in ("onelevel", "full"):
        entries += _children(repo, commit, rel, obj, (req.q("recursionLevel") or "").lower() == "full", ctx.org_base)
    if req.q_bool("includeContentMetadata"):
        for e in entries:
            name = str(e["path"]).rsplit("/", 1)[-1]
            e["contentMetadata"] = {"fileName": name} | ({"extension": name.rsplit(".", 1)[1]} if "." in name else {})
    if req.q("path") is not None and isinstance(obj, pygit2.Blob):
        if (req.q("$format") or "").lower() == "json" or "json" in req.headers.get("accept", "application/json"):
            return EmuResponse.json(entries[0])
        return EmuResponse(200, obj.data, {"Content-Type": "application/octet-stream"})
    return listing(entries)


def _lookup(commit: pygit2.Commit, rel: str) -> pygit2.Object | None:
    if rel == "":
        return commit.tree
    try:
        return commit.tree / rel
    except KeyError:
        return None


def _item_json(
    repo: Repo, commit: pygit2.Commit, rel: str, obj: pygit2.Object, content: bool, base: str
) -> dict[str, object]:
    is_blob = isinstance(obj, pygit2.Blob)
    out: dict[str, object] = {
        "objectId": str(obj.id),
        "gitObjectType": "blob" if is_blob else "tree",
        "commitId": str(commit.id),
        "path": "/" + rel,
    }
    if not is_blob:
        out["isFolder"] = True
    if content and isinstance(obj, pygit2.Blob):
        if obj.is_binary:
            out["content"] = base64.b64encode(obj.data).decode()
            out["contentMetadata"] = {"encoding": 65001, "isBinary": True}
        else:
            out["content"] = obj.data.decode("utf-8", errors="replace")
    out["url"] = f"{repo_url(repo, base)}/items?path=/{rel}&versionType=Commit&version={commit.id}"
    return out


def _children(
    repo: Repo, commit: pygit2.Commit, rel: str, tree: pygit2.Tree, full: bool, base: str
) -> list[dict[str, object]]:
    out = []
    for entry in tree:
        child_rel = f"{rel}/{entry.name}".strip("/")
        child = repo.git.get(entry.id)
        assert child is not None  # a tree's entries are in its repository
        out.append(_item_json(repo, commit, child_rel, child, False, base))
        if full and isinstance(child, pygit2.Tree):
            out += _children(repo, commit, child_rel, child, True, base)
    return out


def commit_get(ctx: Ctx) -> EmuResponse:
    repo = _repo(ctx)
    try:
        obj = repo.git.get(ctx.param("sha"))
    except ValueError:
        obj = None
    if not isinstance(obj, pygit2.Commit):
        raise AdoError(
            404,
            "GitObjectNotFoundException",
            f"TF401029: The commit {ctx.param('sha')} does not exist.",
            namespace="Microsoft.TeamFoundation.Git.Server",
        )
    return EmuResponse.json(commit_json(repo, obj, ctx.org_base))


ROUTES = [
    Route("GET", "git/repositories", "Repositories_List", repos_list, "project?"),
    Route("GET", "git/repositories/{repo}", "Repositories_Get Repository", repo_get, "project?"),
    Route("GET", "git/repositories/{repo}/refs", "Refs_List", refs_list, "project?"),
    Route("POST", "git/repositories/{repo}/refs", "Refs_Update Refs", refs_update, "project?", write=True),
    Route("POST", "git/repositories/{repo}/pushes", "Pushes_Create", push_create, "project?", write=True),
    Route("GET", "git/repositories/{repo}/items", _items_op, items, "project?"),
    Route("GET", "git/repositories/{repo}/commits/{sha}", "Commits_Get", commit_get, "project?"),
]
