"""The one pass runner: every trigger (``reconcile``, ``reconcile --every``, ``watch --apply``
and the git hooks, which run ``ticketops reconcile``) plans and applies through it.

It owns what must outlive one pass and be the same for every trigger:
- the client, kept between passes and rebuilt only when the organisation or auth settings in
  config.yaml change (its request counters are kept for ``--stats``);
- what the server taught an earlier pass (whether it keeps Markdown descriptions), so no later
  pass sends a write the server already refused;
- a fresh look for people not found before, at the start of every pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ticketops.ado import AdoClient, RequestStats
from ticketops.apply import Outcome
from ticketops.engine.guarded import GuardedApply, GuardedResult, LeaseOptions, guarded_apply, guarded_reconcile
from ticketops.engine.reconciler import DEFAULT_MAX_PASSES, Engine, PassResult
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.plan import Plan
from ticketops.plan.saved import ReadSet


@dataclass(frozen=True)
class RunOptions:
    """What a trigger decides once for all its passes."""

    lease: LeaseOptions = field(default_factory=LeaseOptions)
    prune: bool = False
    max_passes: int = DEFAULT_MAX_PASSES
    targets: frozenset[str] = frozenset()  # --target: only these tickets (empty: all)
    notify: Callable[[str], None] = lambda _msg: None  # lease waits and other notes, for stderr


class PassRunner:
    """Builds the engine of each pass and runs it: plan only, one guarded apply, or a guarded
    reconcile until converged."""

    def __init__(self, client_for: Callable[[BoardConfig], AdoClient], options: RunOptions | None = None) -> None:
        self._client_for = client_for
        self.options = options or RunOptions()
        self._client: AdoClient | None = None
        self._client_key: tuple[str, str] | None = None
        self._markdown: bool | None = None  # learned by a write of an earlier pass (None: not known yet)
        self.request_stats: list[RequestStats] = []  # every client this run used, oldest first

    def __enter__(self) -> PassRunner:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def client(self) -> AdoClient | None:
        """The client of the last pass (None before the first)."""
        return self._client

    def client_for(self, config: BoardConfig) -> AdoClient:
        key = (config.organization_url, config.auth.model_dump_json())
        if self._client is None or key != self._client_key:
            self.close()
            self._client = self._client_for(config)
            self._client_key = key
            self.request_stats.append(self._client.stats)
            self._markdown = None  # another server: learn again
        self._client.forget_identity_misses()  # a new pass: look again for people not found before
        return self._client

    def engine(
        self,
        desired: DesiredState,
        *,
        cancel: threading.Event | None = None,
        progress: Callable[[Outcome], None] | None = None,
    ) -> Engine:
        return Engine(
            self.client_for(desired.config),
            desired,
            prune=self.options.prune,
            progress=progress,
            cancel=cancel,
            markdown_supported=self._markdown,
            targets=self.options.targets,
        )

    def plan(self, desired: DesiredState) -> Plan:
        """Read ADO and plan. Never writes."""
        return self.engine(desired).plan()

    def plan_and_read(self, desired: DesiredState) -> tuple[Plan, ReadSet]:
        """The plan and what it read (``plan -out``). Never writes."""
        engine = self.engine(desired)
        plan = engine.plan()
        return plan, engine.read_set()

    def reconcile(
        self,
        desired: DesiredState,
        cancel: threading.Event,
        *,
        on_pass: Callable[[int, PassResult], None] | None = None,
        progress: Callable[[Outcome], None] | None = None,
    ) -> GuardedResult:
        """Plan; with changes, take the lease and reconcile until converged (``max_passes``)."""
        engine = self.engine(desired, cancel=cancel, progress=progress)
        try:
            return guarded_reconcile(
                engine,
                self.options.lease,
                max_passes=self.options.max_passes,
                on_pass=on_pass,
                notify=self.options.notify,
            )
        finally:
            self._learn(engine)

    def apply_once(
        self,
        desired: DesiredState,
        cancel: threading.Event,
        *,
        progress: Callable[[Outcome], None] | None = None,
        before_apply: Callable[[Plan], None] = lambda _plan: None,
        check: Callable[[Plan, ReadSet], None] | None = None,
    ) -> GuardedApply:
        """One guarded pass: plan, and with changes, plan again under the lease and apply it.
        ``check`` sees every plan with what it read (a saved plan refuses to apply when
        anything moved) and may raise before anything is written."""
        engine = self.engine(desired, cancel=cancel, progress=progress)

        def checked(plan: Plan) -> None:
            if check is not None:
                check(plan, engine.read_set())

        try:
            return guarded_apply(
                engine, self.options.lease, notify=self.options.notify, before_apply=before_apply, check=checked
            )
        finally:
            self._learn(engine)

    def _learn(self, engine: Engine) -> None:
        self._markdown = engine.markdown_supported
