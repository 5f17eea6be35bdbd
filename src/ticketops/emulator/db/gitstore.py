"""Git: refs, pushes and file reads on real bare repositories (pygit2).

Pushes make real commits, so an item's ``objectId`` is its real blob id and a client can compare
it with a local ``git hash-object``. Ref updates answer per ref (``success``/``updateStatus``),
never failing the whole call, as the service does.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
from dataclasses import dataclass, field

import pygit2

from ticketops.emulator.db.records import Repo
from ticketops.emulator.errors import AdoError, git_bad_request, stale_push
from ticketops.emulator.identity import User

ZERO = "0" * 40


@dataclass(frozen=True)
class RefResult:
    name: str
    old: str
    new: str
    status: str  # GitRefUpdateStatus

    @property
    def success(self) -> bool:
        return self.status.startswith("succeeded")


@dataclass(frozen=True)
class Change:
    change_type: str  # add | edit | delete | rename
    path: str
    content: bytes | None = None
    source: str | None = None  # rename: the old path


@dataclass(frozen=True)
class CommitSpec:
    comment: str
    changes: tuple[Change, ...]


@dataclass
class RefPolicy:
    """Test knob: make ref updates (and pushes) to matching refs fail like a protected branch."""

    rules: list[tuple[str, str]] = field(default_factory=list)  # (fnmatch pattern, updateStatus)

    def status_for(self, ref: str) -> str | None:
        for pattern, status in self.rules:
            if fnmatch.fnmatchcase(ref, pattern) or fnmatch.fnmatchcase(ref.removeprefix("refs/heads/"), pattern):
                return status
        return None


def norm_path(path: str) -> str:
    return "/".join(p for p in path.strip().split("/") if p)


def resolve_commit(repo: Repo, version: str | None, version_type: str | None) -> pygit2.Commit | None:
    """Branch (default), tag or commit id -> commit; None when it does not exist."""
    git = repo.git
    kind = (version_type or "branch").lower()
    name = version or repo.default_branch
    try:
        if kind == "commit":
            obj = git.get(name)
            return obj if isinstance(obj, pygit2.Commit) else None
        ref_name = (
            f"refs/{'tags' if kind == 'tag' else 'heads'}/{name.removeprefix('refs/heads/').removeprefix('refs/tags/')}"
        )
        ref = git.references.get(ref_name)
        if ref is None:
            return None
        peeled = ref.peel(pygit2.Commit)
        return peeled if isinstance(peeled, pygit2.Commit) else None
    except (ValueError, KeyError, pygit2.GitError):
        return None


def list_refs(repo: Repo, prefix: str, contains: str) -> list[tuple[str, str]]:
    out = []
    for name in sorted(repo.git.references):
        if not name.startswith(prefix):
            continue
        if contains and contains.lower() not in name.lower():
            continue
        ref = repo.git.references[name]
        target = ref.target if isinstance(ref.target, pygit2.Oid) else ref.resolve().target
        out.append((name, str(target)))
    return out


def update_refs(repo: Repo, updates: list[tuple[str, str, str]], policy: RefPolicy) -> list[RefResult]:
    return [_update_one(repo, name, old, new, policy) for name, old, new in updates]


def _update_one(repo: Repo, name: str, old: str, new: str, policy: RefPolicy) -> RefResult:
    git = repo.git
    if not name.startswith("refs/") or not pygit2.reference_is_valid_name(name):
        return RefResult(name, old, new, "invalidRefName")
    if name.lower().startswith("refs/pull/"):  # the server writes these (a PR's merge), never a client
        return RefResult(name, old, new, "rejectedByPolicy")
    existing = git.references.get(name)
    current = str(existing.target) if existing is not None else ZERO
    if existing is None and new != ZERO and _conflicts(git, name):
        return RefResult(name, old, new, "refNameConflict")
    blocked = policy.status_for(name)
    if blocked:
        return RefResult(name, old, new, blocked)
    if old.lower() != current:
        return RefResult(name, old, new, "staleOldObjectId")
    if new == ZERO:
        if existing is None:
            return RefResult(name, old, new, "succeededNonExistentRef")
        existing.delete()
        return RefResult(name, old, new, "succeeded")
    try:
        target = git.get(new)
    except ValueError:
        target = None
    if not isinstance(target, pygit2.Commit):
        return RefResult(name, old, new, "unresolvableToCommit")
    git.references.create(name, target.id, force=True)
    return RefResult(name, old, new, "succeeded")


def _conflicts(git: pygit2.Repository, name: str) -> bool:
    """Case-insensitive clash, or a file/folder clash (refs/heads/a vs refs/heads/a/b)."""
    low = name.lower()
    for other in git.references:
        o = other.lower()
        if o == low or o.startswith(low + "/") or low.startswith(o + "/"):
            return True
    return False


def parse_change(raw: object) -> Change:
    if not isinstance(raw, dict):
        raise git_bad_request("Each change must be an object.")
    kind = str(raw.get("changeType", "")).lower()
    item = raw.get("item")
    path = item.get("path") if isinstance(item, dict) else item if isinstance(item, str) else None
    if kind not in ("add", "edit", "delete", "rename") or not isinstance(path, str) or not norm_path(path):
        raise git_bad_request(f"A change needs changeType add|edit|delete|rename and item.path (got {kind or 'none'}).")
    if kind == "rename":
        src = raw.get("sourceServerItem")
        if not isinstance(src, str) or not norm_path(src):
            raise git_bad_request("A rename needs sourceServerItem.")
        return Change(kind, norm_path(path), source=norm_path(src))
    if kind == "delete":
        return Change(kind, norm_path(path))
    return Change(kind, norm_path(path), _content(raw.get("newContent"), path))


def _content(raw: object, path: str) -> bytes:
    if not isinstance(raw, dict) or not isinstance(raw.get("content"), str):
        raise git_bad_request(f"The change to '{path}' needs newContent with content and contentType.")
    ctype = str(raw.get("contentType", "rawtext")).lower()
    if ctype == "rawtext":
        return raw["content"].encode("utf-8")
    if ctype == "base64encoded":
        try:
            return base64.b64decode(raw["content"], validate=True)
        except (binascii.Error, ValueError) as e:
            raise git_bad_request(f"The content of '{path}' is not valid base64.") from e
    raise git_bad_request(f"Unknown contentType '{raw.get('contentType')}'; use rawtext or base64encoded.")


def push(
    repo: Repo, ref: str, old: str, commits: list[CommitSpec], by: User, when: float, policy: RefPolicy
) -> tuple[str, str, list[pygit2.Commit]]:
    """Apply the commits on ``ref``. Returns (reported oldObjectId, new commit id, commits)."""
    git = repo.git
    if not ref.startswith("refs/") or not pygit2.reference_is_valid_name(ref):
        raise git_bad_request(
            f"TF401025: '{ref}' is not a valid name for a Git reference.", "InvalidGitRefNameException"
        )
    _check_policy(ref, policy)
    existing = git.references.get(ref)
    parent = _push_base(repo, ref, old, existing)
    reported_old = str(existing.target) if existing is not None else ZERO
    made: list[pygit2.Commit] = []
    sig = pygit2.Signature(by.display_name, by.email, int(when), 0)
    for spec in commits:
        tree = _apply_changes(git, parent.tree if parent else None, spec.changes)
        oid = git.create_commit(None, sig, sig, spec.comment, tree, [parent.id] if parent else [])
        made_commit = git.get(oid)
        assert isinstance(made_commit, pygit2.Commit)
        parent = made_commit
        made.append(made_commit)
    assert parent is not None
    git.references.create(ref, parent.id, force=True)
    return reported_old, str(parent.id), made


def _check_policy(ref: str, policy: RefPolicy) -> None:
    status = policy.status_for(ref)
    if status == "createBranchPermissionRequired":
        raise AdoError(
            403,
            "GitNeedsPermissionException",
            "TF401027: You need the Git 'CreateBranch' permission to perform this action.",
            namespace="Microsoft.TeamFoundation.Git.Server",
        )
    if status:
        raise AdoError(
            403,
            "GitRefUpdateRejectedByPolicyException",
            f"TF402455: Pushes to this branch are not permitted; you must use a pull request to update this branch. ({ref})",
            namespace="Microsoft.TeamFoundation.Git.Server",
        )


def _push_base(repo: Repo, ref: str, old: str, existing: pygit2.Reference | None) -> pygit2.Commit | None:
    """The parent of the first commit. For a new branch ``oldObjectId`` names its base commit."""
    old = old.lower()
    if existing is not None:
        if old != str(existing.target):
            raise stale_push(ref)
        tip = repo.git.get(existing.target)
        return tip if isinstance(tip, pygit2.Commit) else None
    if old == ZERO:
        return None
    try:
        base = repo.git.get(old)
    except ValueError:
        base = None
    if not isinstance(base, pygit2.Commit):
        raise stale_push(ref)
    return base


def _apply_changes(git: pygit2.Repository, tree: pygit2.Tree | None, changes: tuple[Change, ...]) -> pygit2.Oid:
    index = pygit2.Index()
    if tree is not None:
        index.read_tree(tree)
    for ch in changes:
        present = ch.path in index
        if ch.change_type == "add":
            if present:
                raise git_bad_request(
                    f"The path '/{ch.path}' specified in the add operation already exists. Please specify a new path."
                )
            _put(git, index, ch.path, ch.content or b"")
        elif ch.change_type == "edit":
            if not present:
                raise git_bad_request(
                    f"The path '/{ch.path}' specified in the edit operation does not exist.", "GitItemNotFoundException"
                )
            _put(git, index, ch.path, ch.content or b"")
        elif ch.change_type == "delete":
            if not present:
                raise git_bad_request(
                    f"The path '/{ch.path}' specified in the delete operation does not exist.",
                    "GitItemNotFoundException",
                )
            index.remove(ch.path)
        else:
            _rename(index, ch)
    return index.write_tree(git)


def _put(git: pygit2.Repository, index: pygit2.Index, path: str, data: bytes) -> None:
    if any(e.path.startswith(path + "/") for e in index):
        raise git_bad_request(f"The path '/{path}' is a folder.")
    index.add(pygit2.IndexEntry(path, git.create_blob(data), pygit2.enums.FileMode.BLOB))


def _rename(index: pygit2.Index, ch: Change) -> None:
    assert ch.source is not None
    if ch.source not in index:
        raise git_bad_request(
            f"The path '/{ch.source}' specified in the rename operation does not exist.", "GitItemNotFoundException"
        )
    if ch.path in index:
        raise git_bad_request(
            f"The path '/{ch.path}' specified in the rename operation already exists. Please specify a new path."
        )
    entry = index[ch.source]
    index.remove(ch.source)
    index.add(pygit2.IndexEntry(ch.path, entry.id, entry.mode))


def commit_files(repo: Repo, branch: str, files: dict[str, bytes | None], message: str, by: User, when: float) -> str:
    """A person pushing straight to a branch (used by seeding and test helpers)."""
    ref = f"refs/heads/{branch.removeprefix('refs/heads/')}"
    existing = repo.git.references.get(ref)
    parent = repo.git.get(existing.target) if existing is not None else None
    changes = []
    present = pygit2.Index()
    if parent is not None:
        present.read_tree(parent.tree)
    for path, data in files.items():
        p = norm_path(path)
        if data is None:
            changes.append(Change("delete", p))
        else:
            changes.append(Change("edit" if p in present else "add", p, data))
    old = str(existing.target) if existing is not None else ZERO
    _, new, _ = push(repo, ref, old, [CommitSpec(message, tuple(changes))], by, when, RefPolicy())
    return new
