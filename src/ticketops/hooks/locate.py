"""Where things are: the git repository, its hooks folder and the tickets folder.

The hooks folder is ``core.hooksPath`` when set (absolute, ``~/``-relative, or relative to the
work tree root, as git resolves it for hooks), else ``hooks`` in the common git dir (so linked
worktrees share it, as in git). The tickets folder is ``.tickets/`` at the work tree root, or
inside the folder named by ``git config ticketops.path`` (a monorepo subfolder).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pygit2

from ticketops.model.errors import GitError

TICKETS_PATH_KEY = "ticketops.path"
HOOKS_PATH_KEY = "core.hooksPath"


@dataclass(frozen=True)
class HookRepo:
    """A non-bare git repository as the hooks see it."""

    git: pygit2.Repository
    workdir: Path  # the work tree root
    common_dir: Path  # the git dir shared by all worktrees
    subdir: str  # posix path of the folder holding .tickets/, relative to workdir; "" = root

    @property
    def tickets_root(self) -> Path:
        """The folder that holds ``.tickets/`` on disk (what ``--repo`` means elsewhere)."""
        return self.workdir / self.subdir if self.subdir else self.workdir

    @property
    def tickets_tree_path(self) -> str:
        """Path of the tickets folder inside a commit's tree, e.g. ``sub/.tickets``."""
        return f"{self.subdir}/.tickets" if self.subdir else ".tickets"

    @property
    def hooks_dir(self) -> Path:
        return hooks_dir(self.git, self.workdir, self.common_dir)

    def config_value(self, key: str) -> str | None:
        try:
            value = self.git.config[key]
        except KeyError:
            return None
        return str(value)


def open_repo(path: str | os.PathLike[str] = ".") -> HookRepo:
    """Open the git repository that contains ``path``; bare repositories are refused."""
    start = Path(path).expanduser()
    if not start.exists():
        raise GitError(f"{start}: no such folder; pass --repo with a folder inside a git repository")
    found = pygit2.discover_repository(str(start.resolve()))
    if found is None:
        raise GitError(f"{start.resolve()} is not inside a git repository; run `git init` or pass --repo")
    repo = pygit2.Repository(found)
    if repo.is_bare or repo.workdir is None:
        raise GitError(
            f"{found} is a bare repository: git hooks run in a clone with a work tree; install them in a clone instead"
        )
    workdir = Path(repo.workdir).resolve()
    common = _common_dir(Path(repo.path))
    return HookRepo(git=repo, workdir=workdir, common_dir=common, subdir=_configured_subdir(repo))


def _common_dir(git_dir: Path) -> Path:
    """The shared git dir: a linked worktree's ``commondir`` file points to it."""
    pointer = git_dir / "commondir"
    if pointer.is_file():
        return (git_dir / pointer.read_text(encoding="utf-8").strip()).resolve()
    return git_dir.resolve()


def hooks_dir(repo: pygit2.Repository, workdir: Path, common_dir: Path) -> Path:
    try:
        configured = str(repo.config[HOOKS_PATH_KEY])
    except KeyError:
        return common_dir / "hooks"
    path = Path(os.path.expanduser(configured))
    return path if path.is_absolute() else (workdir / path)


def _configured_subdir(repo: pygit2.Repository) -> str:
    try:
        raw = str(repo.config[TICKETS_PATH_KEY])
    except KeyError:
        return ""
    return normalise_subdir(raw, source=f"git config {TICKETS_PATH_KEY}")


def normalise_subdir(raw: str, *, source: str) -> str:
    """A clean posix path relative to the work tree root ("" for the root itself)."""
    text = raw.strip().replace("\\", "/")
    pure = PurePosixPath(text)
    if pure.is_absolute() or ".." in pure.parts:
        raise GitError(
            f"{source} is {raw!r}: it must be a folder relative to the repository root "
            f"(for example `git config {TICKETS_PATH_KEY} services/payments`)"
        )
    clean = str(pure)
    return "" if clean == "." else clean


def subdir_of(repo: pygit2.Repository, folder: Path) -> str:
    """The posix path of ``folder`` relative to the work tree root of ``repo``."""
    workdir = Path(repo.workdir).resolve()
    try:
        rel = folder.resolve().relative_to(workdir)
    except ValueError:
        raise GitError(f"{folder} is not inside the work tree {workdir}") from None
    return normalise_subdir(rel.as_posix(), source="--repo")


def tree_id_at(commit: pygit2.Commit, path: str) -> pygit2.Oid | None:
    """The id of the tree at ``path`` in ``commit``, or None when there is no folder there."""
    try:
        entry = commit.tree[path]
    except KeyError:
        return None
    return entry.id if entry.type_str == "tree" else None


def default_branch(hrepo: HookRepo, remote: str | None) -> str:
    """The repository's default branch: the remote's HEAD, else ``init.defaultBranch``, else main."""
    if remote:
        try:
            ref = hrepo.git.references[f"refs/remotes/{remote}/HEAD"]
            target = ref.target
            if isinstance(target, str) and target.startswith(f"refs/remotes/{remote}/"):
                return target.removeprefix(f"refs/remotes/{remote}/")
        except KeyError:
            pass
    return hrepo.config_value("init.defaultBranch") or "main"
