"""Find credentials committed (or about to be committed) under ``.tickets/``.

Every file of the tickets folder counts, sub-folders included (a comment copied into
``.tickets/.ticketops/`` can carry a pasted token just as well as a ticket). Both the files on
disk and the committed tree of the revision are read. A finding names the file and the line,
never the value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pygit2

from ticketops.model.errors import Problem

MAX_SCAN_BYTES = 5 * 1024 * 1024
_PATTERNS: tuple[tuple[re.Pattern[bytes], str], ...] = (
    (
        re.compile(rb"(?<![A-Za-z0-9])[a-z2-7]{52}(?![A-Za-z0-9])"),
        "an Azure DevOps personal access token (52 characters)",
    ),
    (
        re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4}(?![A-Za-z0-9])"),
        "an Azure DevOps personal access token (84 characters)",
    ),
    (
        re.compile(rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        "an access token (a JSON web token, as Entra ID and Azure Pipelines issue)",
    ),
    (
        re.compile(rb"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_])"),
        "a GitHub token",
    ),
    (
        re.compile(rb"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{59,255}(?![A-Za-z0-9_])"),
        "a GitHub fine-grained personal access token",
    ),
    (
        re.compile(rb"(?i)authorization:\s*(?:basic|bearer)\s+[A-Za-z0-9+/=._~-]{16,}"),
        "an Authorization header with a credential",
    ),
)


def find_in(path: str, data: bytes) -> list[Problem]:
    """One problem per line that holds something token-like."""
    out: list[Problem] = []
    if len(data) > MAX_SCAN_BYTES:
        data = data[:MAX_SCAN_BYTES]
    for pattern, what in _PATTERNS:
        for m in pattern.finditer(data):
            line = data.count(b"\n", 0, m.start()) + 1
            col = m.start() - (data.rfind(b"\n", 0, m.start()) + 1) + 1
            out.append(
                Problem(
                    path,
                    line,
                    col,
                    f"looks like {what}; a credential must never be in a file that is "
                    "committed: remove it, revoke it, and keep tokens in environment "
                    "variables (auth.token_env)",
                )
            )
    return out


def _worktree_files(root: Path, tickets_dir: str) -> Iterator[tuple[str, bytes]]:
    base = root / tickets_dir
    for folder, dirs, names in os.walk(base):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            full = Path(folder) / name
            if full.is_file() and not full.is_symlink():
                rel = full.relative_to(root).as_posix()
                yield rel, full.read_bytes()


def _tree_files(repo: pygit2.Repository, tree: pygit2.Tree, prefix: str) -> Iterator[tuple[str, bytes]]:
    for entry in tree:
        path = f"{prefix}/{entry.name}"
        obj = repo[entry.id]
        if isinstance(obj, pygit2.Tree):
            yield from _tree_files(repo, obj, path)
        elif isinstance(obj, pygit2.Blob) and entry.filemode != pygit2.GIT_FILEMODE_LINK:
            yield path, obj.data


def _committed_files(repo: pygit2.Repository, rev: str, tickets_dir: str) -> Iterator[tuple[str, bytes]]:
    if repo.head_is_unborn:
        return
    try:
        tree = repo.revparse_single(rev).peel(pygit2.Commit).tree
        sub = tree[tickets_dir]
    except (KeyError, ValueError, pygit2.GitError):
        return
    if isinstance(sub, pygit2.Tree):
        yield from _tree_files(repo, sub, tickets_dir)


def scan_source(repo: pygit2.Repository, tickets_dir: str, *, commit: str | None) -> list[Problem]:
    """Token-like strings in the tickets folder of one source: the tree of ``commit``, or the
    files on disk when ``commit`` is None (``--worktree``). What ``validate`` checks."""
    if commit is None:
        files = _worktree_files(Path(repo.workdir), tickets_dir) if repo.workdir else iter(())
    else:
        files = _committed_files(repo, commit, tickets_dir)
    return sorted({p for path, data in files for p in find_in(path, data)})


def scan_tickets(repo: pygit2.Repository, tickets_dir: str, rev: str = "HEAD") -> list[Problem]:
    """Token-like strings in the tickets folder, on disk and in ``rev``'s tree."""
    found: set[Problem] = set()
    if repo.workdir:
        for path, data in _worktree_files(Path(repo.workdir), tickets_dir):
            found.update(find_in(path, data))
    for path, data in _committed_files(repo, rev, tickets_dir):
        found.update(find_in(path, data))
    return sorted(found)
