"""One pass of a board run on an interval (``reconcile --every``): re-read the desired state,
check git and ADO for changes (incremental), and reconcile through the pass runner if needed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ticketops.ado import AdoClient, RequestStats
from ticketops.desired.gitfacts import Repository, peel_commit, tickets_tree_id
from ticketops.desired.source import open_repository
from ticketops.engine.guarded import GuardedResult, LeaseOptions
from ticketops.engine.incremental import (
    DEFAULT_FULL_EVERY,
    BoardSync,
    Decision,
    Delta,
    StateStore,
    after_pass,
    decide,
    detect,
    full_delta,
    state_key,
)
from ticketops.engine.reconciler import DEFAULT_MAX_PASSES
from ticketops.engine.runner import PassRunner, RunOptions
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState


@dataclass(frozen=True)
class PassSummary:
    number: int
    mode: str  # "full" or "incremental"
    commit: str | None
    started: datetime
    outcome: str
    requests: int
    writes: int
    seconds: float
    settled: bool  # ADO matches the tickets after the pass: nothing pending, nothing blocked
    stopped: bool = False

    def line(self) -> str:
        commit = self.commit[:12] if self.commit else "worktree"
        when = self.started.strftime("%Y-%m-%dT%H:%M:%SZ")
        writes = f" ({self.writes} write{'s' if self.writes != 1 else ''})" if self.writes else ""
        return (
            f"{when} pass {self.number} {self.mode} {commit}: {self.outcome}; "
            f"{self.requests} request{'s' if self.requests != 1 else ''}{writes}, {self.seconds:.2f}s"
        )

    def as_json(self) -> dict[str, object]:
        """The pass as one JSON Lines record (``reconcile --every --json``)."""
        return {
            "pass": self.number,
            "started": self.started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ok": True,
            "mode": self.mode,
            "commit": self.commit,
            "settled": self.settled,
            "stopped": self.stopped,
            "outcome": self.outcome,
            "requests": self.requests,
            "writes": self.writes,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class PassSettings:
    repo: str  # --repo
    lease: LeaseOptions
    rev: str = "HEAD"  # --rev: read again at every pass, so new commits are picked up
    full: bool = False  # every pass is a full pass
    full_every: int = DEFAULT_FULL_EVERY
    prune: bool = False
    max_passes: int = DEFAULT_MAX_PASSES


class BoardPass:
    """Runs pass after pass for one board, through one :class:`PassRunner` (which keeps the
    client between passes)."""

    def __init__(
        self,
        settings: PassSettings,
        *,
        load: Callable[[], DesiredState],
        client_for: Callable[[BoardConfig], AdoClient],
        notify: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.settings = settings
        self._load = load
        self.runner = PassRunner(
            client_for,
            RunOptions(lease=settings.lease, prune=settings.prune, max_passes=settings.max_passes, notify=notify),
        )
        self._repo: Repository | None = None
        self._desired: tuple[str, DesiredState] | None = None  # (tickets tree id, state read from it)

    @property
    def request_stats(self) -> list[RequestStats]:
        """The request counters of every client this run used, oldest first (``--stats``)."""
        return self.runner.request_stats

    def close(self) -> None:
        self.runner.close()

    def repo(self) -> Repository:
        if self._repo is None:
            self._repo = open_repository(self.settings.repo)
        return self._repo

    def run(self, number: int, cancel: threading.Event) -> PassSummary:
        t0 = time.perf_counter()
        started = datetime.now(UTC)
        desired = self._read_desired()
        client = self.runner.client_for(desired.config)
        before = client.stats.total
        store = StateStore.for_repo(self.repo())
        key = state_key(client.org_url, desired.config.project)
        sync = store.load(key)
        decision = self._decide(sync, desired)

        def summary(outcome: str, settled: bool, writes: int = 0, stopped: bool = False) -> PassSummary:
            return PassSummary(
                number,
                decision.mode,
                desired.commit,
                started,
                outcome,
                client.stats.total - before,
                writes,
                time.perf_counter() - t0,
                settled,
                stopped,
            )

        if decision.mode == "incremental":
            assert sync is not None
            delta = detect(client, self.repo(), desired, sync)
            if not delta.changed:
                store.save(key, after_pass(sync, self.repo(), desired, delta, full=False, settled=True))
                return summary(f"no changes ({delta.describe()})", True)
        else:
            delta = full_delta(client, desired)
        guarded = self.runner.reconcile(desired, cancel)
        # A blocked or conflicting ticket has not converged: its fix may come from outside the
        # board (a person added in ADO, a tag removed) and change no work item, so the pass is not
        # recorded as settled and the next one plans again instead of seeing "no changes".
        settled = not guarded.stopped and guarded.result.converged
        if desired.commit is not None:
            full = decision.mode == "full"
            store.save(key, after_pass(sync, self.repo(), desired, delta, full=full, settled=settled))
        why = self._why(decision, delta)
        return summary(why + describe(guarded), settled, guarded.result.writes, guarded.stopped)

    def _read_desired(self) -> DesiredState:
        """The desired state at ``rev``. When the tickets folder's tree is the one read last
        time, the tickets are not parsed again (only the commit id changes)."""
        if self._desired is not None:
            tree_id, last = self._desired
            commit = peel_commit(self.repo(), self.settings.rev)
            tree = tickets_tree_id(self.repo(), commit, last.tickets_dir) if commit else None
            if tree is not None and tree == tree_id:
                return last if last.commit == commit else last.model_copy(update={"commit": commit})
        desired = self._load()
        tree = tickets_tree_id(self.repo(), desired.commit, desired.tickets_dir) if desired.commit else None
        self._desired = (tree, desired) if tree is not None else None
        return desired

    def _decide(self, sync: BoardSync | None, desired: DesiredState) -> Decision:
        if desired.commit is None:
            return Decision("full", "working tree")
        return decide(sync, force_full=self.settings.full, full_every=self.settings.full_every)

    @staticmethod
    def _why(decision: Decision, delta: Delta) -> str:
        if decision.mode == "incremental":
            return f"{delta.describe()}; "
        return f"({decision.reason}) " if decision.reason else ""


def describe(guarded: GuardedResult) -> str:
    """``converged: 2 created, 1 updated, 10 in sync`` and the like."""
    result = guarded.result
    outcomes = result.outcomes()
    counts: dict[str, int] = {}
    for o in outcomes:
        label = (
            {"create": "created", "update": "updated", "prune": "pruned"}.get(o.kind, o.kind)
            if o.status == "applied"
            else o.status
        )
        counts[label] = counts.get(label, 0) + 1
    final = result.final_plan.counts()
    parts = [f"{n} {label}" for label, n in sorted(counts.items())] + [f"{final.get('synced', 0)} in sync"]
    pending = sum(1 for a in result.final_plan.actions if a.CHANGES)
    errors = len(result.final_plan.errors)
    if guarded.stopped:
        head = "stopped before finishing"
    elif result.converged:
        head = "converged" if result.passes else "nothing to do"
    elif pending:
        head = f"did not converge ({pending} change(s) pending)"
    else:
        head = f"converged except {errors} blocked or conflicting ticket(s)"
    return f"{head}: {', '.join(parts)}"
