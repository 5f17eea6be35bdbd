"""Execute a plan against ADO, one action at a time, with failures isolated per ticket.

* Updates start with ``test /rev``. On 412 the item is re-read and planned again through the
  ``replan`` callback (never written on a stale revision); at most ``MAX_ATTEMPTS`` times.
* A rule error (or any other per-item refusal) is reported for that ticket; the rest go on.
* Just before a create, one WIQL looks for an item that already carries the ticket's marker
  tag (another run may have created it since the plan was made): if there is one, nothing is
  created and the outcome says so; the next pass pairs the item.
* A create whose outcome is unknown is reported as such and never retried blindly: the next
  pass re-finds it by its marker tag.
* Errors that concern every ticket (auth, network, throttling) stop the run.
* The client's write gate (``ado/gate.py``) asks the lease before every write request, retries
  included; when it refuses, the run stops there (:attr:`Applier.stop_error`). The gate also
  counts the writes each action sent.

Every kind of the closed :data:`~ticketops.plan.actions.Action` union is dispatched in
:func:`_run` (mypy checks that none is left out).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import assert_never

from ticketops.ado import (
    AdoClient,
    AdoError,
    AuthError,
    BadRequest,
    NetworkError,
    OutcomeUnknown,
    PatchOp,
    ReadOnlyViolation,
    RuleValidationError,
    StaleRevision,
    Throttled,
    WorkItem,
    WritesStopped,
)
from ticketops.ado.wiql import marker_query
from ticketops.apply import git_exec
from ticketops.apply import ops as patch
from ticketops.apply.report import ApplyReport, Outcome
from ticketops.model.live import DESCRIPTION, key_tag
from ticketops.plan.actions import (
    Action,
    Blocked,
    Conflict,
    CreateWorkItem,
    FieldChange,
    Held,
    Orphan,
    Plan,
    Prune,
    Unpaired,
    UpdateWorkItem,
)
from ticketops.plan.fields import markdown_to_html
from ticketops.plan.git_actions import (
    CreateBranch,
    CreatePullRequest,
    LinkPullRequest,
    PullRequestClosed,
    PushSpec,
    UpdatePullRequest,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a stale revision is re-read and re-planned at most this many times
SYSTEMIC = (AuthError, NetworkError, Throttled, ReadOnlyViolation)

# Re-read the item ``id`` of ticket ``key`` and plan that ticket again (None: nothing to do).
Replanner = Callable[[str, int], Action | None]


class _Stale(Exception):
    def __init__(self, key: str, id: int) -> None:
        super().__init__(f"{key}: #{id} is stale")
        self.key, self.id = key, id


class _StoppedMidway(Exception):
    """The fence stopped an action after some of its writes: what was written, and why."""

    def __init__(self, done: Outcome, cause: WritesStopped) -> None:
        super().__init__(str(cause))
        self.done, self.cause = done, cause


@dataclass
class Applier:
    client: AdoClient
    project: str
    commit: str | None
    replan: Replanner | None = None
    progress: Callable[[Outcome], None] | None = None
    # What this run learned about Markdown descriptions (None: not known yet).
    markdown_supported: bool | None = None
    # Set by a signal handler or a lost lease: stop before the next action (never inside one).
    cancel: threading.Event | None = None
    stopped: bool = field(default=False, init=False)  # the last apply() stopped early (cancel, fence)
    stop_error: WritesStopped | None = field(default=None, init=False)  # why the fence stopped it
    # pr id -> pr_text_hash of the title and description this run last wrote to it, so a second
    # write in the same pass (update, then link) knows the PR's change since the plan is its own.
    pr_texts: dict[int, str] = field(default_factory=dict, init=False)

    @property
    def writes(self) -> int:
        """Write requests the client has sent (counted by its write gate)."""
        return self.client.writes

    def apply(self, plan: Plan) -> ApplyReport:
        outcomes: list[Outcome] = []
        self.stopped, self.stop_error = False, None
        for action in plan.actions:
            if self.cancel is not None and self.cancel.is_set():
                self.stopped = True
                log.info("stop requested: %s and the actions after it were not started", action.key)
                break
            start = self.writes
            try:
                outcome = self.execute(action)
            except (WritesStopped, _StoppedMidway) as e:
                self.stopped = True
                self.stop_error = e.cause if isinstance(e, _StoppedMidway) else e
                outcome = replace(e.done, writes=self.writes - start) if isinstance(e, _StoppedMidway) else None
                log.warning("%s; %s and the actions after it were not written", self.stop_error, action.key)
            if outcome is not None:
                outcomes.append(outcome)
                if self.progress is not None:
                    self.progress(outcome)
            if self.stopped:
                break
        return ApplyReport(tuple(outcomes))

    def execute(self, action: Action) -> Outcome | None:
        """Run one action; None for actions that only report (orphans, a closed PR)."""
        if isinstance(action, Conflict | Blocked):
            return Outcome(action.key, action.kind, "blocked", _id(action), action.reason)
        if not action.CHANGES:
            return None
        start = self.writes
        out = self._attempts(action)
        return replace(out, writes=self.writes - start)

    def _attempts(self, action: Action) -> Outcome:
        for _ in range(MAX_ATTEMPTS):
            try:
                return _run(self, action)
            except _Stale as stale:
                log.info(
                    "%s: work item #%s changed meanwhile (412); re-reading and planning again", stale.key, stale.id
                )
                fresh = self.replan(stale.key, stale.id) if self.replan else None
                if fresh is None:
                    return Outcome(
                        action.key,
                        action.kind,
                        "unchanged",
                        stale.id,
                        "changed in ADO meanwhile; after a re-read nothing is left to do",
                    )
                if isinstance(fresh, Conflict | Blocked):
                    return Outcome(action.key, fresh.kind, "blocked", _id(fresh), fresh.reason)
                if not fresh.CHANGES:
                    return Outcome(
                        action.key, action.kind, "unchanged", stale.id, "after a re-read nothing is left to do"
                    )
                action = fresh
            except SYSTEMIC:
                raise
            except OutcomeUnknown as e:
                return Outcome(
                    action.key,
                    action.kind,
                    "unknown",
                    _id(action),
                    f"{e}; it will be re-found by its marker tag on the next pass",
                )
            except AdoError as e:
                return Outcome(action.key, action.kind, "failed", _id(action), str(e))
        return Outcome(
            action.key,
            action.kind,
            "failed",
            _id(action),
            f"the work item kept changing in ADO ({MAX_ATTEMPTS} stale revisions in a row); try again",
        )

    # ---- reads just before a write -------------------------------------------------------
    def marked(self, key: str) -> list[int]:
        """The items that carry ``key``'s marker tag now (one WIQL). The fence sees the query's
        ``asOf`` (ADO's time), so a create is never sent once ADO's clock says the lease is over."""
        result = self.client.wiql_result(self.project, marker_query(self.project, [key]), time_precision=True)
        if result.as_of is not None:
            self.client.check_ado_time(result.as_of)
        return sorted(result.ids)

    # ---- writes ---------------------------------------------------------------------------
    def create(self, wit: str, changes: tuple[FieldChange, ...], path: str) -> WorkItem:
        def send(md: bool, ch: tuple[FieldChange, ...]) -> WorkItem:
            return self.client.create_work_item(self.project, wit, patch.create_ops(ch, self.commit, path, markdown=md))

        return self._with_markdown(changes, send)

    def update(
        self, id: int, rev: int, changes: tuple[FieldChange, ...], first_state: str | None, path: str
    ) -> WorkItem:
        def send(md: bool, ch: tuple[FieldChange, ...]) -> WorkItem:
            ops = patch.update_ops(rev, ch, first_state, self.commit, path, markdown=md)
            return self.client.update_work_item(self.project, id, ops)

        return self._with_markdown(changes, send)

    def step(self, id: int, rev: int, state: str, path: str) -> WorkItem:
        return self._send_update(id, patch.state_step_ops(rev, state, self.commit, path))

    def _send_update(self, id: int, ops: list[PatchOp]) -> WorkItem:
        return self.client.update_work_item(self.project, id, ops)

    def _with_markdown(
        self, changes: tuple[FieldChange, ...], send: Callable[[bool, tuple[FieldChange, ...]], WorkItem]
    ) -> WorkItem:
        """Send with the Markdown description format; where the server refuses it (detected
        once per run and remembered), send the description as HTML instead."""
        wants = patch.uses_markdown(changes)
        if not wants or self.markdown_supported is False:
            return send(False, html_fallback(changes) if wants else changes)
        try:
            wi = send(True, changes)
        except RuleValidationError:
            raise  # a field value was refused, not the format
        except BadRequest as e:
            if self.markdown_supported is True or not refuses_markdown(e):
                raise  # refused for another reason (an unknown type, a bad path): sending HTML would not help
            wi = send(False, html_fallback(changes))
            log.info("the server refused the Markdown description format (%s); using HTML for this run", e)
            self.markdown_supported = False
            return wi
        kept = wi.format_of(DESCRIPTION) == "markdown"
        if self.markdown_supported is None:
            self.markdown_supported = kept
            if not kept:
                log.info("the server ignored the Markdown description format; HTML from now on")
        return wi


def refuses_markdown(error: BadRequest) -> bool:
    """A 400 that is about the Markdown format op itself: servers that do not know
    ``multilineFieldsFormat`` name that path when they refuse the patch."""
    return "multilinefieldsformat" in error.ado_message.lower()


def html_fallback(changes: tuple[FieldChange, ...]) -> tuple[FieldChange, ...]:
    """The same changes with a Markdown description rendered to HTML."""
    out = []
    for c in changes:
        if c.field == DESCRIPTION and c.format == "markdown":
            c = c.model_copy(update={"new": markdown_to_html(str(c.new or "")), "format": "html"})
        out.append(c)
    return tuple(out)


def _id(action: Action) -> int | None:
    """The work item an action concerns, when it names one."""
    match action:
        case UpdateWorkItem() | Held() | Prune() | Orphan() | Unpaired() | Blocked():
            return action.id
        case CreatePullRequest() | UpdatePullRequest() | LinkPullRequest():
            return action.work_item_id
        case Conflict() | CreateWorkItem() | CreateBranch() | PushSpec() | PullRequestClosed():
            return None
        case _:
            assert_never(action)


def _run(a: Applier, action: Action) -> Outcome:
    """Execute one action that changes ADO."""
    match action:
        case CreateWorkItem():
            return _create(a, action)
        case UpdateWorkItem():
            return _update(a, action)
        case Prune():
            return _prune(a, action)
        case CreateBranch():
            return git_exec.create_branch(a, action)
        case PushSpec():
            return git_exec.push_spec(a, action)
        case CreatePullRequest():
            return git_exec.create_pr(a, action)
        case UpdatePullRequest():
            return git_exec.update_pr(a, action)
        case LinkPullRequest():
            return git_exec.link_pr(a, action)
        case Conflict() | Blocked() | Held() | Orphan() | Unpaired() | PullRequestClosed():
            raise AssertionError(f"{action.kind} only reports; it is never executed")
        case _:
            assert_never(action)


def _walk(a: Applier, key: str, id: int, rev: int, steps: tuple[str, ...], path: str) -> None:
    """Set each remaining state in turn, each write guarded by the revision it follows."""
    for state in steps:
        try:
            rev = a.step(id, rev, state, path).rev
        except StaleRevision:
            raise _Stale(key, id) from None


def _create(a: Applier, action: CreateWorkItem) -> Outcome:
    found = a.marked(action.key)
    if found:
        listed = ", ".join(f"#{i}" for i in found)
        return Outcome(
            action.key,
            "create",
            "unchanged",
            found[0],
            f"not created: {listed} already carries the marker tag {key_tag(action.key)} (created by "
            "another run since this plan was made); the next pass pairs it",
        )
    fields = tuple(c for c in action.fields if c.field != "System.State")
    wi = a.create(action.work_item_type, fields, action.path)
    try:
        _walk(a, action.key, wi.id, wi.rev, action.state_path, action.path)
    except WritesStopped as e:
        raise _StoppedMidway(_created_but(action, wi, "stopped before its state steps", e), e) from None
    except (_Stale, *SYSTEMIC):
        raise
    except AdoError as e:
        return _created_but(action, wi, "its state steps failed", e)
    return Outcome(action.key, "create", "applied", wi.id, f"created #{wi.id}")


def _created_but(action: CreateWorkItem, wi: WorkItem, what: str, error: Exception) -> Outcome:
    """A create that was written but whose state walk was not: the item exists (with its id)."""
    target = action.state_path[-1] if action.state_path else "?"
    return Outcome(
        action.key,
        "create",
        "failed",
        wi.id,
        f"created #{wi.id} (state {wi.field_str('System.State') or '?'}), but {what} on the way to "
        f"{target}: {error}; the next pass moves it on",
    )


def _update(a: Applier, action: UpdateWorkItem) -> Outcome:
    first = action.state_path[0] if action.state_path else None
    try:
        wi = a.update(action.id, action.rev, action.changes, first, action.path)
    except StaleRevision:
        raise _Stale(action.key, action.id) from None
    try:
        _walk(a, action.key, wi.id, wi.rev, action.state_path[1:], action.path)
    except WritesStopped as e:
        done = Outcome(
            action.key,
            "update",
            "failed",
            action.id,
            f"updated #{action.id}, but stopped before its remaining state steps: {e}",
        )
        raise _StoppedMidway(done, e) from None
    drift = f" ({len(action.drift)} drifted field(s) put back)" if action.drift else ""
    return Outcome(action.key, "update", "applied", action.id, f"updated #{action.id}{drift}", drift=len(action.drift))


def _prune(a: Applier, action: Prune) -> Outcome:
    path = f"ticket {action.key} is no longer in git; pruned"
    _walk(a, action.key, action.id, action.rev, action.state_path, path)
    return Outcome(action.key, "prune", "applied", action.id, f"moved #{action.id} to {action.state_path[-1]}")
