"""``POST .../git/repositories/{repo}/itemsbatch``: many items (metadata) in one call.

The body is ``GitItemRequestData``: ``itemDescriptors [{path, version, versionType,
versionOptions, recursionLevel}]``, ``includeContentMetadata``, ``includeLinks``,
``latestProcessedChange``. The answer is ``{count, value: [[items of descriptor 1], ...]}``
(the recorded httpExample). Content is never included. An item or version that cannot be found
fails the whole batch with the same 404 as a single-item read: the service resolves every
descriptor before it answers, and we model the strict behaviour so clients handle it.
"""

from __future__ import annotations

import pygit2

from ticketops.emulator.db.gitstore import norm_path, resolve_commit
from ticketops.emulator.db.records import Repo
from ticketops.emulator.errors import AdoError, git_bad_request, item_not_found
from ticketops.emulator.router import Ctx, EmuResponse, Route, listing
from ticketops.emulator.routes.git import _children, _item_json, _lookup, _version_label

MAX_DESCRIPTORS = 1000  # not documented for the service; a guard against runaway requests
_RECURSION = {"none", "onelevel", "onelevelplusnestedemptyfolders", "full"}


def _descriptor_items(ctx: Ctx, repo: Repo, raw: object, metadata: bool) -> list[dict[str, object]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("path"), str):
        raise git_bad_request("Each item descriptor needs a path.")
    kind = str(raw.get("versionType") or "branch").lower()
    version = str(raw.get("version") or repo.default_branch)
    recursion = str(raw.get("recursionLevel") or "none").lower()
    if kind not in ("branch", "tag", "commit") or recursion not in _RECURSION:
        raise git_bad_request(
            f"Invalid versionType '{kind}' or recursionLevel '{recursion}'.", "InvalidArgumentValueException"
        )
    commit = resolve_commit(repo, version, kind)
    if commit is None:
        raise AdoError(
            404,
            "GitUnresolvableToCommitException",
            f"TF401175: The version descriptor {_version_label(kind, version)} could not be resolved to a version "
            f"in the repository {repo.name}",
            namespace="Microsoft.TeamFoundation.Git.Server",
        )
    rel = norm_path(str(raw["path"]))
    obj = _lookup(commit, rel)
    if obj is None:
        raise item_not_found("/" + rel, repo.name, _version_label(kind, version))
    items = [_item_json(repo, commit, rel, obj, False, ctx.org_base)]
    if isinstance(obj, pygit2.Tree) and recursion != "none":
        items += _children(repo, commit, rel, obj, recursion == "full", ctx.org_base)
    if metadata:
        for item in items:
            name = str(item["path"]).rsplit("/", 1)[-1]
            item["contentMetadata"] = {"fileName": name} | (
                {"extension": name.rsplit(".", 1)[1]} if "." in name else {}
            )
    return items


def items_batch(ctx: Ctx) -> EmuResponse:
    repo = ctx.db.find_repo(ctx.param("repo"), ctx.project)
    body = ctx.req.json()
    if not isinstance(body, dict) or not isinstance(body.get("itemDescriptors"), list):
        raise git_bad_request("The body must be GitItemRequestData: {itemDescriptors: [{path, version, versionType}]}.")
    descriptors = body["itemDescriptors"]
    if len(descriptors) > MAX_DESCRIPTORS:
        raise git_bad_request(f"At most {MAX_DESCRIPTORS} item descriptors are accepted in one request.")
    metadata = str(body.get("includeContentMetadata", "")).lower() == "true"
    return listing([_descriptor_items(ctx, repo, d, metadata) for d in descriptors])


ROUTES = [
    Route("POST", "git/repositories/{repo}/itemsbatch", "Items_Get Items Batch", items_batch, "project?"),
]
