"""One look at the working tree: its problems, its plan and, with ``--apply``, the writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ticketops.ado import AdoClient, AdoError, AuthError, PermissionDenied
from ticketops.desired import load
from ticketops.engine.guarded import GuardedResult, LeaseOptions
from ticketops.engine.runner import PassRunner, RunOptions
from ticketops.model.config import BoardConfig
from ticketops.model.errors import Problem, TicketopsError, ValidationFailed
from ticketops.plan import Plan

FATAL = (AuthError, PermissionDenied)  # no later change to a ticket file can fix these


@dataclass(frozen=True)
class WatchResult:
    number: int
    trigger: tuple[str, ...]  # the files whose change started it ("start" for the first)
    at: datetime
    problems: tuple[Problem, ...] = ()  # invalid files, path:line:col
    plan: Plan | None = None  # None when there was nothing to plan with
    applied: GuardedResult | None = None  # with --apply
    error: str = ""  # ADO unreachable, lease busy, ...
    seconds: float = 0.0
    stopped: bool = False


class Evaluator:
    """Plans (or applies) the working tree of ``repo`` through one :class:`PassRunner`, which
    keeps the client (and what the server taught it) across evaluations."""

    def __init__(
        self,
        repo: str,
        client_for: Callable[[BoardConfig], AdoClient],
        *,
        apply: bool = False,
        prune: bool = False,
        lease: LeaseOptions | None = None,
        notify: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.repo = repo
        self.apply = apply
        self.runner = PassRunner(client_for, RunOptions(lease=lease or LeaseOptions(), prune=prune, notify=notify))

    def close(self) -> None:
        self.runner.close()

    def __call__(self, number: int, trigger: tuple[str, ...], cancel: threading.Event) -> WatchResult:
        t0 = time.perf_counter()
        base = WatchResult(number, trigger, datetime.now(UTC))
        try:
            desired = load(self.repo, rev=None, worktree=True)
        except ValidationFailed as e:
            return _done(base, t0, problems=e.problems)
        except TicketopsError as e:
            return _done(base, t0, error=str(e))
        problems = desired.problems
        try:
            if not self.apply:
                return _done(base, t0, problems=problems, plan=self.runner.plan(desired))
            guarded = self.runner.reconcile(desired, cancel)
            return _done(
                base, t0, problems=problems, plan=guarded.result.final_plan, applied=guarded, stopped=guarded.stopped
            )
        except FATAL:
            raise
        except (AdoError, TicketopsError) as e:
            return _done(base, t0, problems=problems, error=str(e))


def _done(base: WatchResult, t0: float, **fields: object) -> WatchResult:
    return replace(base, seconds=time.perf_counter() - t0, **fields)  # type: ignore[arg-type]  # fields are WatchResult's own, named by the callers


def is_ticket_path(tickets_dir: Path, path: str) -> bool:
    """A file directly in the tickets folder that the loader reads: ``*.md`` or config.yaml.
    Sub-folders (``.ticketops/`` sidecars) and editor swap files are not."""
    p = Path(path)
    if p.parent != tickets_dir:
        return False
    name = p.name
    if name.startswith(".") or name.endswith("~"):
        return False
    return name.lower().endswith((".md", ".markdown", ".mdown")) or name == "config.yaml"
