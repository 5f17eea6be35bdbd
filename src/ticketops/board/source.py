"""Reading one board: the desired state (working tree or a revision) and, from ADO, its plan.

The plan is the engine's, exactly as ``ticketops status`` makes it (read-only client). ADO out of
reach is not an error here: the cards are shown with the reason their sync state is unknown.
What was read is kept until a file changes, ADO reports a change, or the board writes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ticketops.ado import AdoClient, AdoError
from ticketops.board.view import BoardView, Facts, build
from ticketops.desired import load, snapshot
from ticketops.engine import Engine
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.errors import TicketopsError
from ticketops.model.gitlive import GitLive
from ticketops.plan import Plan

log = logging.getLogger(__name__)
WORKTREE = "working tree"
MAX_AGE = 60.0  # seconds a reading is reused without any change notice


@dataclass
class BoardSource:
    """One repository's board. ``client_for`` gives a read-only client (None: stay offline)."""

    repo: str
    client_for: Callable[[BoardConfig], AdoClient] | None
    org_url_for: Callable[[BoardConfig], str]
    rev: str | None = None  # the revision given at start (--rev); None: the working tree
    force_read_only: bool = False
    _cache: dict[str, tuple[float, int, Facts]] = field(default_factory=dict)
    _generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def tickets_folder(self) -> Path:
        """The tickets folder on disk (what the live refresh watches, and all the board writes)."""
        desired = load(self.repo, rev=None, worktree=True)
        return git_root(self.repo, desired) / desired.tickets_dir

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1

    def read_only(self, rev: str | None, config: BoardConfig) -> bool:
        return self.force_read_only or rev is not None or config.read_only

    def facts(self, rev: str | None) -> Facts:
        """What the board at ``rev`` (None: the working tree) holds, planned against ADO."""
        name = rev or WORKTREE
        with self._lock:
            cached = self._cache.get(name)
            generation = self._generation
        if cached is not None and cached[1] == generation and time.monotonic() - cached[0] < MAX_AGE:
            return cached[2]
        facts = self._read(rev)
        with self._lock:
            self._cache[name] = (time.monotonic(), generation, facts)
        return facts

    def view(self, rev: str | None) -> BoardView:
        return build(self.facts(rev))

    def desired(self, rev: str | None) -> DesiredState:
        return load(self.repo, rev=rev, worktree=rev is None)

    def _read(self, rev: str | None) -> Facts:
        desired = self.desired(rev)
        config = desired.config
        facts = Facts(
            desired=desired,
            source=rev or WORKTREE,
            read_only=self.read_only(rev, config),
            org_url=self.org_url_for(config),
            invalid=self._invalid_texts(desired) if rev is None else {},
            uncommitted=self._uncommitted(desired) if rev is None else frozenset(),
        )
        if self.client_for is None:
            return _replace(facts, unknown="--offline was given")
        plan, git_live, unknown = self.plan(desired)
        return _replace(facts, plan=plan, git_live=git_live, unknown=unknown)

    def plan(self, desired: DesiredState) -> tuple[Plan | None, GitLive | None, str | None]:
        """The engine's plan for ``desired`` (read-only), or why there is none."""
        if self.client_for is None:
            return None, None, "--offline was given"
        try:
            with self.client_for(desired.config) as client:
                engine = Engine(client, desired)
                plan = engine.plan()
                return plan, engine.git_live, None
        except (TicketopsError, AdoError) as e:
            log.info("board: ADO not consulted: %s", e)
            return None, None, str(e).splitlines()[0]

    def _invalid_texts(self, desired: DesiredState) -> dict[str, str]:
        root = git_root(self.repo, desired)
        out: dict[str, str] = {}
        for path in sorted({p.path for p in desired.problems}):
            file = root / path
            if path.endswith(".md") and file.is_file():
                out[path] = file.read_text(encoding="utf-8", errors="replace")
        return out

    def _uncommitted(self, desired: DesiredState) -> frozenset[str]:
        try:
            head = snapshot(self.repo, "HEAD", False)
        except TicketopsError:
            return frozenset(t.key for t in desired.tickets)
        committed = {f.path: f.blob_id for f in head.files}
        return frozenset(t.key for t in desired.tickets if committed.get(t.path) != t.blob_id)


def git_root(repo: str, desired: DesiredState) -> Path:
    """The folder the tickets' repo-relative paths start from."""
    folder = Path(repo).resolve()
    for cand in (folder, *folder.parents):
        if (cand / desired.tickets_dir).is_dir() and (cand / ".git").exists():
            return cand
    return folder


def _replace(facts: Facts, **changes: object) -> Facts:
    from dataclasses import replace

    return replace(facts, **changes)  # type: ignore[arg-type]  # the names are Facts fields, given by this module
