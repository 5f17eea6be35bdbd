"""Real git repositories for tests, built with pygit2 (no `git` binary, no network).

    from gitrepo import make_repo, commit_files   # tests/ is on sys.path (see tests/desired/conftest.py)

``files`` map repo-relative posix paths to content (``str`` is UTF-8 encoded). A value of
``None`` deletes the path in ``commit_files``. A :class:`Symlink` value commits a symlink.
In a non-bare repository the files are also written to the working tree, so the working tree
matches the new commit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pygit2

AUTHOR = pygit2.Signature("Test Author", "author@example.com", 1_700_000_000, 0)


@dataclass(frozen=True)
class Symlink:
    target: str


FileValue = bytes | str | Symlink | None


def _blob_mode(repo: pygit2.Repository, value: bytes | str | Symlink) -> tuple[pygit2.Oid, int]:
    if isinstance(value, Symlink):
        return repo.create_blob(value.target.encode()), pygit2.GIT_FILEMODE_LINK
    data = value.encode("utf-8") if isinstance(value, str) else value
    return repo.create_blob(data), pygit2.GIT_FILEMODE_BLOB


def _write_worktree(repo: pygit2.Repository, files: dict[str, FileValue]) -> None:
    root = Path(repo.workdir)
    for rel, value in files.items():
        target = root / rel
        if value is None:
            if target.is_symlink() or target.exists():
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        if isinstance(value, Symlink):
            os.symlink(value.target, target)
        else:
            target.write_bytes(value.encode("utf-8") if isinstance(value, str) else value)


def _build_tree(repo: pygit2.Repository, base: pygit2.Tree | None, files: dict[str, FileValue]) -> pygit2.Oid:
    """A new tree: ``base`` with ``files`` applied (nested paths create sub-trees)."""
    here: dict[str, FileValue] = {}
    nested: dict[str, dict[str, FileValue]] = {}
    for path, value in files.items():
        head, _, rest = path.partition("/")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            here[head] = value
    builder = repo.TreeBuilder(base) if base is not None else repo.TreeBuilder()
    for name, value in here.items():
        if value is None:
            if builder.get(name) is not None:
                builder.remove(name)
            continue
        oid, mode = _blob_mode(repo, value)
        builder.insert(name, oid, mode)
    for name, sub in nested.items():
        existing = base[name] if base is not None and name in base else None
        sub_base = existing if isinstance(existing, pygit2.Tree) else None
        builder.insert(name, _build_tree(repo, sub_base, sub), pygit2.GIT_FILEMODE_TREE)
    return builder.write()


def commit_files(repo: pygit2.Repository, files: dict[str, FileValue], message: str = "update tickets") -> str:
    """Commit ``files`` on top of HEAD (creating the first commit if needed); returns the sha."""
    parents = [] if repo.head_is_unborn else [repo.head.target]
    base = None if repo.head_is_unborn else repo[repo.head.target].tree
    tree = _build_tree(repo, base, files)
    ref = "HEAD" if not repo.head_is_unborn else "refs/heads/main"
    oid = repo.create_commit(ref, AUTHOR, AUTHOR, message, tree, parents)
    if not repo.is_bare:
        _write_worktree(repo, files)
        repo.index.read_tree(repo[oid].tree)
        repo.index.write()
    return str(oid)


def make_repo(
    path: str | os.PathLike[str], files: dict[str, FileValue], *, bare: bool = False, message: str = "initial"
) -> pygit2.Repository:
    """A new repository at ``path`` on branch main with one commit holding ``files``."""
    repo = pygit2.init_repository(str(path), bare=bare, initial_head="main")
    if files:
        commit_files(repo, files, message)
    return repo


def front_matter(title: str, status: str, **fields: object) -> str:
    """A ticket's front matter block, ``---`` to ``---`` and a newline. Values are written plain
    (callers pass YAML-safe text); lists and tuples become block lists."""
    lines = ["---", f"title: {title}", f"status: {status}"]
    for k, v in fields.items():
        if isinstance(v, (list, tuple)):
            lines.append(f"{k}:")
            lines += [f"  - {x}" for x in v]
        else:
            lines.append(f"{k}: {v}")
    return "\n".join([*lines, "---"]) + "\n"
