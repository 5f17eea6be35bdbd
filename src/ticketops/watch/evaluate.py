"""One look at the working tree: its problems, its plan and, with ``--apply``, the writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from ticketops.ado import AdoClient, AdoError, AuthError, PermissionDenied
from ticketops.desired import load
from ticketops.engine.guarded import GuardedResult, LeaseOptions, guarded_reconcile
from ticketops.engine.reconciler import Engine
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


@dataclass
class Evaluator:
    """Plans (or applies) the working tree of ``repo``. The client is built once per
    organisation/auth settings and kept across evaluations."""

    repo: str
    client_for: Callable[[BoardConfig], AdoClient]
    apply: bool = False
    prune: bool = False
    lease: LeaseOptions = field(default_factory=LeaseOptions)
    notify: Callable[[str], None] = lambda _msg: None
    _client: AdoClient | None = None
    _client_key: tuple[str, str] | None = None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _client_of(self, config: BoardConfig) -> AdoClient:
        key = (config.organization_url, config.auth.model_dump_json())
        if self._client is None or key != self._client_key:
            self.close()
            self._client = self.client_for(config)
            self._client_key = key
        self._client.forget_identity_misses()  # a new evaluation: look again for people not found before
        return self._client

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
            engine = Engine(self._client_of(desired.config), desired, prune=self.prune)
            if not self.apply:
                return _done(base, t0, problems=problems, plan=engine.plan())
            guarded = guarded_reconcile(engine, self.lease, cancel=cancel, notify=self.notify)
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
