"""What the layers above ask of git, answered here (pygit2 stays in ``desired``): the commit a
revision names, the tickets folder's tree at a commit, the files that changed between two, the
git directory, whether files are uncommitted, and where the remotes point in Azure DevOps."""

from __future__ import annotations

from pathlib import Path
from typing import TypeAlias

import pygit2

from ticketops.desired.remotes import AdoRemote, parse_remote
from ticketops.model.errors import ConfigError

Repository: TypeAlias = pygit2.Repository


def peel_commit(repo: Repository, rev: str) -> str | None:
    """The commit id ``rev`` names now, or None when it names none."""
    try:
        return str(repo.revparse_single(rev).peel(pygit2.Commit).id)
    except (KeyError, ValueError, pygit2.GitError):
        return None


def _tickets_tree(repo: Repository, commit: str, tickets_dir: str) -> pygit2.Tree | None:
    try:
        obj = repo.get(commit)
    except ValueError:
        return None
    if not isinstance(obj, pygit2.Commit):
        return None
    try:
        folder = obj.tree[tickets_dir]
    except KeyError:
        return None
    return folder if isinstance(folder, pygit2.Tree) else None


def tickets_tree_id(repo: Repository, commit: str, tickets_dir: str) -> str | None:
    """The tree id of the tickets folder at ``commit`` (None: no such commit or folder)."""
    tree = _tickets_tree(repo, commit, tickets_dir)
    return str(tree.id) if tree is not None else None


def changed_paths(repo: Repository, old: str, new: str, tickets_dir: str) -> tuple[str, ...] | None:
    """Paths under the tickets folder that differ between two commits (None: ``old`` is not in
    the repository, or has no tickets folder, so the difference is unknown)."""
    before, after = _tickets_tree(repo, old, tickets_dir), _tickets_tree(repo, new, tickets_dir)
    if before is None or after is None:
        return None
    if before.id == after.id:
        return ()
    diff = before.diff_to_tree(after)
    return tuple(sorted({f"{tickets_dir}/{p.delta.new_file.path or p.delta.old_file.path}" for p in diff if p}))


def git_dir(repo: Repository) -> Path:
    """``.git/`` (a bare repository: the repository folder itself)."""
    return Path(repo.path)


def uncommitted(folder: Path) -> bool:
    """Whether files under ``folder`` differ from HEAD of the repository holding it (True when it
    is in no repository, or one without commits)."""
    found = pygit2.discover_repository(str(folder))
    if found is None:
        return True
    repo = pygit2.Repository(found)
    if repo.is_bare or repo.head_is_unborn or repo.workdir is None:
        return True
    rel = folder.resolve().relative_to(Path(repo.workdir).resolve()).as_posix()
    prefix = "" if rel == "." else rel + "/"
    return any(path.startswith(prefix) for path in repo.status(untracked_files="all"))


def commit_folder(dest: Path, message: str) -> str:
    """A new repository at ``dest`` on branch main, its files committed; returns the commit id."""
    repo = pygit2.init_repository(str(dest), initial_head="main")
    repo.index.add_all()
    repo.index.write()
    tree = repo.index.write_tree()
    who = pygit2.Signature("ticketops demo", "demo@example.com")
    return str(repo.create_commit("HEAD", who, who, message, tree, []))


def ado_remote(repo: Repository) -> tuple[AdoRemote | None, str]:
    """The ADO location of the repository's remotes (origin first) and which remote said so.
    Remotes in different projects are ambiguous: refused, never guessed."""
    names = sorted((n for n in repo.remotes.names() if n), key=lambda n: (n != "origin", n))
    found = [(n, r) for n in names if (r := parse_remote(repo.remotes[n].url or "")) is not None]
    if len({(r.organization_url, r.project) for _, r in found}) > 1:
        listed = ", ".join(f"{n} ({r.organization_url}, {r.project})" for n, r in found)
        raise ConfigError(
            f"the git remotes point at different Azure DevOps projects: {listed}; pass --org-url and --project"
        )
    if not found:
        return None, ""
    name, remote = found[0]
    return remote, f"the git remote {name!r}"


def default_branch(repo: Repository) -> str:
    """The remote's default branch (``origin/HEAD``), else the current branch, else main."""
    try:
        return str(repo.lookup_reference("refs/remotes/origin/HEAD").target).removeprefix("refs/remotes/origin/")
    except (KeyError, pygit2.InvalidSpecError):
        pass
    if not repo.head_is_unborn and not repo.head_is_detached:
        return str(repo.head.shorthand)
    return "main"
