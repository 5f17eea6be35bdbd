"""The reconcile engine: read desired, read live, plan, apply; and loop until converged."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from ticketops.ado import AdoClient
from ticketops.apply import Applier, ApplyReport, Outcome
from ticketops.live import GitReader, LiveReader
from ticketops.model.desired import DesiredState
from ticketops.model.errors import TicketopsError
from ticketops.model.gitlive import GitLive
from ticketops.model.live import FieldAuthors, LiveState
from ticketops.plan import Action, CreateWorkItem, Plan, Step, UpdateWorkItem, make_plan, plan_git
from ticketops.plan.saved import ReadSet, read_set

log = logging.getLogger(__name__)

DEFAULT_MAX_PASSES = 5


@dataclass(frozen=True)
class PassResult:
    plan: Plan
    report: ApplyReport | None = None  # None when the plan had nothing to apply


@dataclass(frozen=True)
class ReconcileResult:
    passes: tuple[PassResult, ...]
    final_plan: Plan

    @property
    def converged(self) -> bool:
        """No changes pending and no ticket blocked or in conflict."""
        return not self.final_plan.has_changes and not self.final_plan.errors

    @property
    def writes(self) -> int:
        return sum(p.report.writes for p in self.passes if p.report)

    def outcomes(self) -> tuple[Outcome, ...]:
        return tuple(o for p in self.passes if p.report for o in p.report.outcomes)


class Engine:
    """One board, one client, one run. Metadata (type, states, identities) is cached across
    passes; the desired state is read once by the caller."""

    def __init__(
        self,
        client: AdoClient,
        desired: DesiredState,
        *,
        prune: bool = False,
        progress: Callable[[Outcome], None] | None = None,
        git: bool = True,
        cancel: threading.Event | None = None,
        markdown_supported: bool | None = None,
        targets: frozenset[str] = frozenset(),
    ) -> None:
        """``cancel`` stops an apply between two actions (a signal, a lost lease).
        ``markdown_supported`` is what an earlier engine on the same server learned (None: not
        known yet), so no write the server refused is sent again. ``targets`` (``--target``)
        limits every plan to those tickets; empty means all."""
        self.client = client
        self.desired = desired
        self.prune = prune
        self.targets = targets
        self.cancel = cancel if cancel is not None else threading.Event()
        self.reader = LiveReader(client, desired.config)
        self.applier = Applier(
            client,
            desired.config.project,
            desired.commit,
            replan=self._replan,
            progress=progress,
            markdown_supported=markdown_supported,
            cancel=self.cancel,
        )
        self._live: LiveState | None = None
        self._authors: dict[int, FieldAuthors] = {}
        # Branches, spec pushes, pull requests and links (read fresh on every plan).
        self.git: GitReader | None = GitReader(client, desired.config) if git else None
        self.git_live: GitLive | None = None

    @property
    def markdown_supported(self) -> bool | None:
        """Whether the server keeps Markdown descriptions, once a write told (None: not yet)."""
        return self.applier.markdown_supported

    # ---- plan --------------------------------------------------------------------------
    def read_live(self) -> LiveState:
        self.reader.markdown_supported = self.applier.markdown_supported
        live = self.reader.read(self.desired)
        self._live = live
        return live

    def plan(self) -> Plan:
        """Read the live state and plan. Before any create, look the keys up by their marker
        tag (an earlier create whose response was lost is adopted, never duplicated); for items
        with changes, read their history so drift is marked precisely."""
        live = self.read_live()
        self._authors = {}
        plan = self._make(live)
        creates = [a.key for a in plan.actions if isinstance(a, CreateWorkItem) and self._targeted(a.key)]
        if creates:
            known = {i.id for i in live.items}
            lost = [i for i in self.reader.ids_for_keys(creates) if i not in known]
            if lost:
                log.info("adopting %d marked item(s) the common tag query missed: %s", len(lost), lost)
                live = self.reader.state(self.desired, live.items + self.reader.read_items(lost), live.type_info)
                self._live = live
                plan = self._make(live)
        changed = [a.id for a in plan.actions if isinstance(a, UpdateWorkItem) and self._targeted(a.key)]
        if changed:
            self._authors = self.reader.authors(changed)
            plan = self._make(live)
        if self.git is not None:
            self.git_live = self.git.read(self.desired)
            plan = plan.with_actions(tuple(plan_git(self.desired, plan, self.git_live)))
        return self._limit(plan)

    def read_set(self) -> ReadSet:
        """What the last :meth:`plan` read from ADO (for a saved plan)."""
        assert self._live is not None, "plan() runs before read_set()"
        return read_set(self.desired.commit, self._live, self.git_live)

    def _targeted(self, key: str) -> bool:
        return not self.targets or key in self.targets

    def _limit(self, plan: Plan) -> Plan:
        """The plan for ``targets`` only. A target that is neither a ticket nor a work item
        ticketops knows is an error: a typo must not look like "nothing to do"."""
        if not self.targets:
            return plan
        known = {t.key for t in self.desired.tickets} | {a.key for a in plan.actions} | {s.key for s in plan.synced}
        unknown = sorted(self.targets - known)
        if unknown:
            raise UnknownTarget(
                f"--target {', '.join(unknown)}: no such ticket in {self.desired.tickets_dir}/ and no work item "
                f"marked ticketops:KEY for {'it' if len(unknown) == 1 else 'them'}; `ticketops list` shows the keys"
            )
        return plan.only(self.targets)

    def _make(self, live: LiveState) -> Plan:
        return make_plan(self.desired, live, prune=self.prune, authors=self._authors)

    def _replan(self, key: str, id: int) -> Action | None:
        """After a 412: re-read item ``id`` and plan ticket ``key`` again."""
        assert self._live is not None, "plan() runs before apply()"
        fresh = self.reader.read_items([id])
        items = tuple(i for i in self._live.items if i.id != id) + fresh
        self._live = self.reader.state(self.desired, items, self._live.type_info)
        self._authors.update(self.reader.authors([id]))
        plan = self._make(self._live)
        for action in plan.for_key(key):
            if action.step == Step.WORK_ITEM and (action.CHANGES or action.ERROR):
                return action
        return None

    # ---- apply -------------------------------------------------------------------------
    def apply(self, plan: Plan | None = None) -> PassResult:
        """Apply ``plan`` (a fresh plan when None). Only plans made by this engine are safe:
        the 412 re-plan relies on the live state read for them."""
        if plan is None:
            plan = self.plan()
        if not plan.has_changes and not plan.errors:
            return PassResult(plan)
        return PassResult(plan, self.applier.apply(plan))

    def reconcile(
        self, max_passes: int = DEFAULT_MAX_PASSES, on_pass: Callable[[int, PassResult], None] | None = None
    ) -> ReconcileResult:
        """Plan and apply until the plan has no changes, at most ``max_passes`` applies.

        Stops early when a pass made no progress at all (every change was refused), rather than
        sending the same refused writes again."""
        passes: list[PassResult] = []
        plan = self.plan()
        for n in range(1, max_passes + 1):
            if not plan.has_changes:
                break
            result = self.apply(plan)
            passes.append(result)
            if on_pass is not None:
                on_pass(n, result)
            if self.applier.stopped:
                break  # cancelled between actions: report the plan that was being applied
            plan = self.plan()
            if result.report is not None and not _progressed(result.report):
                break
        return ReconcileResult(tuple(passes), plan)


class UnknownTarget(TicketopsError):
    """``--target`` names a key that is neither a ticket nor a known work item."""


def _progressed(report: ApplyReport) -> bool:
    """Something was written, or may have been (an unknown outcome is re-found next pass)."""
    return any(o.status in ("applied", "unchanged", "unknown") for o in report.outcomes)
