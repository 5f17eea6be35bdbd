"""Where the ticket files come from: the tree of a commit (default) or the files on disk.

Only the files directly in the tickets folder are read. Sub-folders are never read as tickets;
only the names in the visible ones are listed, so that a ``KEY.md`` put there by mistake
(``.tickets/sprint1/PAY-4.md``) can be reported instead of silently skipped. Hidden sub-folders
(such as ``.ticketops/``, where ``import`` keeps read-only comments and links) are not looked at.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

import pygit2

from ticketops.desired.ticketfile import MAX_FILE_BYTES
from ticketops.model.errors import GitError, NoBoard, Problem
from ticketops.model.ticket import KEY_RE

TICKETS_DIR = ".tickets"
_MAX_LINK_HOPS = 8
_MAX_NESTING = 8  # sub-folder levels searched for misplaced ticket files


@dataclass(frozen=True)
class SourceFile:
    """One file of the tickets folder: its bytes, or why they cannot be read."""

    name: str  # file name inside the tickets folder
    path: str  # path relative to the git repository root, posix
    data: bytes | None = None
    blob_id: str | None = None
    problem: Problem | None = None


@dataclass(frozen=True)
class Snapshot:
    commit: str | None  # None for the worktree
    tickets_dir: str  # relative to the git root, posix
    files: tuple[SourceFile, ...]
    misplaced: tuple[str, ...] = ()  # paths of KEY.md files in visible sub-folders (not tickets)

    def file(self, name: str) -> SourceFile | None:
        return next((f for f in self.files if f.name == name), None)


def open_repository(start: str | os.PathLike[str]) -> pygit2.Repository:
    folder = Path(start)
    if not folder.exists():
        raise GitError(f"{folder}: no such folder; --repo must be a folder inside a git repository")
    found = pygit2.discover_repository(str(folder))
    if found is None:
        raise GitError(f"{folder} is not inside a git repository; run `git init` there or point --repo at one")
    try:
        return pygit2.Repository(found)
    except pygit2.GitError as e:
        raise GitError(f"cannot open the git repository at {found}: {e}") from e


def start_dir(repo: pygit2.Repository, start: str | os.PathLike[str], subdir: str | None) -> str:
    """The folder (relative to the git root, posix, '' for the root) to look for .tickets/ from."""
    if subdir is not None:
        norm = posixpath.normpath(subdir.replace(os.sep, "/")).strip("/")
        if norm == ".." or norm.startswith("../"):
            raise GitError(f"subdir {subdir!r} points outside the repository")
        return "" if norm == "." else norm
    if repo.is_bare:
        return ""
    root = os.path.realpath(repo.workdir)
    here = os.path.realpath(start)
    rel = os.path.relpath(here, root)
    if rel == ".." or rel.startswith(".." + os.sep) or rel.split(os.sep)[0] == ".git":
        raise GitError(f"{start} is not inside the working tree of {root}")
    return "" if rel == "." else rel.replace(os.sep, "/")


def _candidates(start: str) -> list[str]:
    """``a/b`` -> ``a/b/.tickets``, ``a/.tickets``, ``.tickets``: the nearest one wins."""
    out, cur = [], start
    while True:
        out.append(posixpath.join(cur, TICKETS_DIR) if cur else TICKETS_DIR)
        if not cur:
            return out
        cur = posixpath.dirname(cur)


def _not_found(where: str, start: str, committed: bool) -> NoBoard:
    place = f" {start}/" if start else " the repository root"
    hint = " If you created it but did not commit it yet, commit it or use --worktree." if committed else ""
    return NoBoard(
        f"no {TICKETS_DIR}/ folder in {where} at{place} or any folder above it. Point --repo at the "
        f"folder that holds {TICKETS_DIR}/ (with config.yaml inside).{hint}"
    )


def resolve_commit(repo: pygit2.Repository, rev: str) -> pygit2.Commit:
    if repo.head_is_unborn and rev in ("HEAD", "@"):
        raise _unborn_head(repo)
    try:
        obj = repo.revparse_single(rev)
        commit = obj.peel(pygit2.Commit)
    except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError) as e:
        raise GitError(
            f"cannot resolve revision {rev!r} in {repo.path}: {e}. Use a branch, tag or commit id that "
            "exists (see `git log --oneline`)"
        ) from e
    if not isinstance(commit, pygit2.Commit):  # pragma: no cover - peel raises first
        raise GitError(f"revision {rev!r} does not name a commit")
    return commit


def _unborn_head(repo: pygit2.Repository) -> GitError:
    """HEAD names a branch without commits: a new repository, an orphan branch, or a bare clone
    whose HEAD points at a branch that does not exist."""
    branches = sorted(repo.branches.local, key=lambda b: (b not in ("main", "master"), b))
    if not branches:
        fix = "" if repo.is_bare else " or use --worktree"
        return GitError(f"the repository at {repo.path} has no commits yet; commit {TICKETS_DIR}/ first{fix}")
    head = str(repo.lookup_reference("HEAD").target).removeprefix("refs/heads/")
    names = " or ".join(f"--rev {b}" for b in branches[:2])
    return GitError(
        f"HEAD in {repo.path} points at branch {head!r}, which has no commits (the repository has "
        f"commits on other branches): use {names}, or commit {TICKETS_DIR}/ on {head}"
    )


def read_commit(repo: pygit2.Repository, rev: str, start: str) -> Snapshot:
    commit = resolve_commit(repo, rev)
    tree = commit.tree
    for cand in _candidates(start):
        try:
            obj = tree[cand]
        except KeyError:
            continue
        if isinstance(obj, pygit2.Tree):
            files, subfolders = _tree_files(repo, tree, obj, cand)
            return Snapshot(str(commit.id), cand, tuple(files), tuple(_misplaced_in_trees(subfolders, cand, 0)))
    raise _not_found(f"commit {str(commit.id)[:10]} ({rev})", start, committed=True)


def _tree_files(
    repo: pygit2.Repository, root: pygit2.Tree, folder: pygit2.Tree, folder_path: str
) -> tuple[list[SourceFile], list[pygit2.Tree]]:
    """The files of ``folder``, and its visible sub-folders (only searched for misplaced tickets)."""
    out: list[SourceFile] = []
    subfolders: list[pygit2.Tree] = []
    for entry in folder:
        if entry.filemode == pygit2.GIT_FILEMODE_TREE and not (entry.name or ".").startswith("."):
            assert isinstance(entry, pygit2.Tree)
            subfolders.append(entry)
        if entry.filemode in (pygit2.GIT_FILEMODE_TREE, pygit2.GIT_FILEMODE_COMMIT):
            if looks_like_ticket(entry.name or ""):  # named like a ticket: say so, never skip it silently
                kind = "folder" if entry.filemode == pygit2.GIT_FILEMODE_TREE else "submodule"
                path = f"{folder_path}/{entry.name}"
                out.append(SourceFile(entry.name or "", path, problem=_not_a_file(path, kind)))
            continue  # sub-folders (.ticketops/) and submodules are not ticket files
        name = entry.name or ""
        path = f"{folder_path}/{name}"
        blob = entry
        if entry.filemode == pygit2.GIT_FILEMODE_LINK:
            linked = _follow_tree_link(repo, root, path, entry)
            if linked is None:
                continue  # a link to a folder: not a ticket file
            if isinstance(linked, Problem):
                out.append(SourceFile(name, path, problem=linked))
                continue
            blob = linked
        assert isinstance(blob, pygit2.Blob)
        data = blob.data  # one read; asking for .size first would load the object twice
        if len(data) > MAX_FILE_BYTES:
            out.append(SourceFile(name, path, problem=_too_large(path, len(data))))
            continue
        out.append(SourceFile(name, path, data=data, blob_id=str(blob.id)))
    return out, subfolders


def _not_a_file(path: str, kind: str) -> Problem:
    return Problem(
        path,
        0,
        0,
        f"a {kind} named like a ticket file: a ticket is a file; rename the {kind}, or put the ticket in "
        f"{path} as a file",
    )


def looks_like_ticket(name: str) -> bool:
    """``PAY-4.md`` (any case): a name that would be a ticket directly in the tickets folder."""
    return name[-3:].lower() == ".md" and KEY_RE.match(name[:-3].upper()) is not None


def _misplaced_in_trees(subfolders: list[pygit2.Tree], folder_path: str, depth: int) -> list[str]:
    """Ticket-like file names in ``subfolders`` (of ``folder_path``) and theirs; names only, no blob
    is read."""
    out: list[str] = []
    for sub in subfolders if depth < _MAX_NESTING else []:
        path = f"{folder_path}/{sub.name}"
        out += [
            f"{path}/{e.name}"
            for e in sub
            if e.filemode != pygit2.GIT_FILEMODE_TREE and looks_like_ticket(e.name or "")
        ]
        deeper = [e for e in sub if e.filemode == pygit2.GIT_FILEMODE_TREE and not (e.name or ".").startswith(".")]
        out += _misplaced_in_trees(deeper, path, depth + 1)  # type: ignore[arg-type]  # tree entries with filemode TREE are Trees
    return out


def _follow_tree_link(
    repo: pygit2.Repository, root: pygit2.Tree, path: str, entry: pygit2.Object
) -> pygit2.Blob | Problem | None:
    """A symlink in a tree is a blob whose content is the target: resolve it inside the commit."""
    current, obj = path, entry
    for _ in range(_MAX_LINK_HOPS):
        assert isinstance(obj, pygit2.Blob)
        target = obj.data.decode("utf-8", "replace")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(current), target))
        if target.startswith("/") or resolved == ".." or resolved.startswith("../"):
            return Problem(
                path, 0, 0, f"symlink to {target!r} points outside the repository; replace it with the file itself"
            )
        try:
            obj = root[resolved]
        except KeyError:
            return Problem(path, 0, 0, f"symlink to {target!r}: the target {resolved} is not in this commit")
        if not isinstance(obj, pygit2.Blob):
            return None
        if obj.filemode != pygit2.GIT_FILEMODE_LINK:
            return obj
        current = resolved
    return Problem(path, 0, 0, "symlink chain is too long (or loops); replace it with the file itself")


def _too_large(path: str, size: int) -> Problem:
    return Problem(
        path,
        0,
        0,
        f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} (1 MiB): "
        "move large material (logs, images) out of the ticket and link to it",
    )


def read_worktree(repo: pygit2.Repository, start: str) -> Snapshot:
    if repo.is_bare:
        raise GitError(f"{repo.path} is a bare repository: it has no files on disk; drop --worktree")
    root = os.path.realpath(repo.workdir)
    for cand in _candidates(start):
        folder = os.path.join(root, *cand.split("/"))
        if os.path.isdir(folder):
            files, subfolders = _disk_files(root, folder, cand)
            return Snapshot(None, cand, tuple(files), tuple(_misplaced_on_disk(subfolders, cand, 0)))
    raise _not_found("the working tree", start, committed=False)


def _disk_files(root: str, folder: str, folder_path: str) -> tuple[list[SourceFile], list[os.DirEntry[str]]]:
    """The files of ``folder``, and its visible sub-folders (only searched for misplaced tickets)."""
    out: list[SourceFile] = []
    with os.scandir(folder) as it:
        entries = sorted(it, key=lambda e: e.name)
    subfolders = [e for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
    for entry in entries:
        path = posixpath.join(folder_path, entry.name)
        if entry.is_symlink():
            real = os.path.realpath(entry.path)
            if os.path.commonpath([real, root]) != root:
                out.append(
                    SourceFile(
                        entry.name,
                        path,
                        problem=Problem(
                            path,
                            0,
                            0,
                            f"symlink to {os.readlink(entry.path)!r} points outside the repository; "
                            "replace it with the file itself",
                        ),
                    )
                )
                continue
            if not os.path.exists(real):
                out.append(
                    SourceFile(
                        entry.name,
                        path,
                        problem=Problem(
                            path, 0, 0, f"symlink to {os.readlink(entry.path)!r}: the target does not exist"
                        ),
                    )
                )
                continue
        if not entry.is_file():
            if looks_like_ticket(entry.name) and entry.is_dir():
                out.append(SourceFile(entry.name, path, problem=_not_a_file(path, "folder")))
            continue
        size = entry.stat().st_size
        if size > MAX_FILE_BYTES:
            out.append(SourceFile(entry.name, path, problem=_too_large(path, size)))
            continue
        try:
            data = Path(entry.path).read_bytes()
        except OSError as e:
            out.append(SourceFile(entry.name, path, problem=Problem(path, 0, 0, f"cannot read the file: {e.strerror}")))
            continue
        out.append(SourceFile(entry.name, path, data=data, blob_id=str(pygit2.hash(data))))
    return out, subfolders


def _misplaced_on_disk(subfolders: list[os.DirEntry[str]], folder_path: str, depth: int) -> list[str]:
    """Like :func:`_misplaced_in_trees` for the working tree (symlinked folders are not followed)."""
    out: list[str] = []
    for sub in subfolders if depth < _MAX_NESTING else []:
        path = f"{folder_path}/{sub.name}"
        try:
            with os.scandir(sub.path) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        out += [
            f"{path}/{e.name}" for e in entries if looks_like_ticket(e.name) and not e.is_dir(follow_symlinks=False)
        ]
        deeper = [e for e in entries if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)]
        out += _misplaced_on_disk(deeper, path, depth + 1)
    return out
