"""The refs a push updates, and the commits each update sends.

git gives the pre-push hook one line per ref on standard input:
``<local ref> SP <local sha> SP <remote ref> SP <remote sha>``. A zero local sha is a deletion
(nothing to validate); a zero remote sha is a new remote ref. The pre-commit framework reads that
input itself and passes the first update in ``PRE_COMMIT_*`` environment variables instead.

The commits a ref update sends are those reachable from the local sha and not from the old
remote sha (when we have it) nor from any ``refs/remotes/REMOTE/*``: for a new branch, that is
exactly the commits the remote does not have yet, as far as this clone knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pygit2

from ticketops.model.errors import TicketopsError


class BadPushInput(TicketopsError):
    """The pre-push input is not what git sends."""


def is_zero(sha: str) -> bool:
    return bool(sha) and set(sha) == {"0"}


@dataclass(frozen=True)
class RefUpdate:
    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def is_delete(self) -> bool:
        return is_zero(self.local_sha)

    @property
    def is_new(self) -> bool:
        return is_zero(self.remote_sha)

    @property
    def branch(self) -> str | None:
        """The remote branch name this update writes, or None for tags and other refs."""
        return self.remote_ref.removeprefix("refs/heads/") if self.remote_ref.startswith("refs/heads/") else None


def parse_lines(text: str) -> tuple[RefUpdate, ...]:
    updates = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.rsplit(maxsplit=3)
        if len(parts) != 4:
            raise BadPushInput(
                f"pre-push input line {n} is {line!r}; git sends "
                "'<local ref> <local sha> <remote ref> <remote sha>' (is this run by git's pre-push hook?)"
            )
        updates.append(RefUpdate(*parts))
    return tuple(updates)


def from_pre_commit_env(env: Mapping[str, str], repo: pygit2.Repository) -> tuple[RefUpdate, ...]:
    """The update the pre-commit framework describes in ``PRE_COMMIT_*`` variables, if any."""
    local_ref = env.get("PRE_COMMIT_LOCAL_BRANCH", "")
    to_ref = env.get("PRE_COMMIT_TO_REF", "")
    if not to_ref and local_ref:
        try:
            to_ref = str(repo.revparse_single(local_ref).peel(pygit2.Commit).id)
        except (KeyError, ValueError, pygit2.GitError):
            return ()
    if not to_ref:
        return ()
    from_ref = env.get("PRE_COMMIT_FROM_REF", "") or "0" * len(to_ref)
    remote_ref = env.get("PRE_COMMIT_REMOTE_BRANCH", "") or local_ref or "HEAD"
    return (RefUpdate(local_ref or "HEAD", to_ref, remote_ref, from_ref),)


def remote_names_for(repo: pygit2.Repository, remote: str) -> tuple[str, ...]:
    """Remote names meant by the hook's first argument (a name, or a URL when pushing to one)."""
    names = [n for n in repo.remotes.names() if n is not None]
    if remote in names:
        return (remote,)
    return tuple(n for n in names if remote in (repo.remotes[n].url, repo.remotes[n].push_url))


def _commit_id(repo: pygit2.Repository, sha: str) -> pygit2.Oid | None:
    try:
        obj = repo.get(sha)
        return None if obj is None else obj.peel(pygit2.Commit).id
    except (ValueError, pygit2.GitError, pygit2.InvalidSpecError):
        return None


def _remote_tips(repo: pygit2.Repository, remotes: Iterable[str]) -> list[pygit2.Oid]:
    tips = []
    for name in remotes:
        prefix = f"refs/remotes/{name}/"
        for ref_name in repo.references:
            if not ref_name.startswith(prefix) or ref_name == f"{prefix}HEAD":
                continue
            oid = _commit_id(repo, str(repo.references[ref_name].resolve().target))
            if oid is not None:
                tips.append(oid)
    return tips


def pushed_commits(repo: pygit2.Repository, update: RefUpdate, remotes: Iterable[str]) -> list[pygit2.Commit]:
    """The commits ``update`` sends, oldest first (parents before children)."""
    if update.is_delete:
        return []
    tip = _commit_id(repo, update.local_sha)
    if tip is None:  # e.g. a tag pointing at a tree or blob: no commits to validate
        return []
    walker = repo.walk(tip, pygit2.enums.SortMode.TOPOLOGICAL | pygit2.enums.SortMode.REVERSE)
    hidden = _remote_tips(repo, remotes)
    if not update.is_new:
        old = _commit_id(repo, update.remote_sha)
        if old is not None:
            hidden.append(old)
    for oid in hidden:
        walker.hide(oid)
    return list(walker)
