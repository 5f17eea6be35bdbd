"""The integration point between the hooks and the reconcile engine: :func:`plan_tip`.

``plan_tip`` runs ``ticketops plan --json`` (or, to apply, ``ticketops reconcile``, which
writes under the lease through the same pass runner as every other trigger, so a hook never
races a scheduled job) for the pushed tip in a child process, with the same interpreter, so a
slow or unreachable ADO is bounded by a timeout and can never hang a push. Exit codes follow the
CLI contract: ``plan`` 0 = in sync, 2 = changes pending, anything else = could not plan;
``reconcile`` 0 = converged. The summary line carries the plan's counts (``2 to create, 1 to
update``), read from the plan's JSON, never from its human text.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TextIO
from urllib.parse import urlsplit

from ticketops.hooks.locate import HookRepo

DEFAULT_TIMEOUT = 20.0  # seconds; `git config ticketops.hookTimeout` overrides it
POST_COMMIT_TIMEOUT = 8.0  # seconds: a commit should not wait long for a one-line summary
APPLY_COMMAND = "reconcile"  # applies until converged, under the lease
PROBE_TIMEOUT = 3.0  # seconds for the TCP connect that tells an unreachable ADO quickly
PROXY_VARS = ("https_proxy", "http_proxy", "all_proxy")
TIMEOUT_KEY = "ticketops.hookTimeout"

Status = Literal["in-sync", "changes", "applied", "failed", "timeout"]


@dataclass(frozen=True)
class PlanOutcome:
    status: Status
    summary: str  # one line, for the post-commit summary and the pre-push report
    output: str = ""  # what the plan/apply command printed (captured runs only)
    blocks_push: bool = False
    unreachable: bool = False  # ADO could not be reached: retrying later may help


def hook_timeout(hrepo: HookRepo) -> float:
    raw = hrepo.config_value(TIMEOUT_KEY)
    try:
        value = float(raw) if raw is not None else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def org_url_for(configured: str, env: Mapping[str, str] = os.environ) -> str:
    """The URL the plan command will use: ``TICKETOPS_ORG_URL`` wins, as in the CLI."""
    return env.get("TICKETOPS_ORG_URL") or configured


def unreachable_reason(url: str, env: Mapping[str, str] = os.environ, timeout: float = PROBE_TIMEOUT) -> str | None:
    """Why ``url``'s host cannot be reached (one TCP connect), or None when it can or we can't tell.

    Behind a proxy a direct connect proves nothing, so then no probe is made.
    """
    if any(env.get(v) or env.get(v.upper()) for v in PROXY_VARS):
        return None
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            return None
    except OSError as e:
        return f"{parts.hostname}:{port}: {e.strerror or type(e).__name__}"


def plan_tip(
    hrepo: HookRepo,
    sha: str,
    *,
    apply: bool = False,
    org_url: str | None = None,
    timeout: float | None = None,
    stream: TextIO | None = None,
) -> PlanOutcome:
    """Plan (or, with ``apply``, reconcile) the desired state at commit ``sha``.

    With ``org_url``, one quick TCP connect first tells an unreachable ADO in seconds instead of
    waiting for the client's retries. Output is captured and returned, or copied to ``stream``
    as it comes when one is given.
    Plan failures and timeouts are reported, never raised: in plan mode they do not block a push.
    An ``apply`` that fails blocks the push (``blocks_push``), since the branch is meant to
    reconcile when pushed.
    """
    command = APPLY_COMMAND if apply else "plan"
    if org_url and (reason := unreachable_reason(org_url)) is not None:
        summary = f"ADO is unreachable ({reason}); {'nothing applied' if apply else 'plan skipped'}"
        return PlanOutcome("failed", summary, blocks_push=apply, unreachable=True)
    argv = [sys.executable, "-m", "ticketops", command, "--repo", str(hrepo.tickets_root), "--rev", sha]
    if not apply:
        argv.append("--json")
    limit = None if apply else (timeout if timeout is not None else hook_timeout(hrepo))
    if apply:  # wait for another run's lease no longer than a plan may take
        argv += ["--lease-wait", f"{timeout if timeout is not None else hook_timeout(hrepo):g}"]
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=stream if stream is not None else subprocess.PIPE,
            # plan: stdout is the JSON plan, stderr the reason it could not plan
            stderr=subprocess.PIPE if not apply else subprocess.STDOUT,
            text=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return PlanOutcome("timeout", f"ticketops {command} took longer than {limit:g}s; skipped (is ADO reachable?)")
    if apply:
        return _applied(done.returncode, done.stdout or "", sha)
    return _planned(done.returncode, done.stdout or "", done.stderr or "", sha)


@dataclass(frozen=True)
class PlanCounts:
    """What a ``plan --json`` document says is pending."""

    phrase: str | None  # ``2 to create, 1 to update (1 with drift)``; None when nothing is
    lines: tuple[str, ...]  # one line per pending or refused action: ``  create PAY-1``


KIND_PHRASES = (("create", "to create"), ("update", "to update"), ("prune", "to prune"))
QUIET_KINDS = frozenset({"synced", "orphan", "pr-closed", "held"})  # reported by `plan`, never pending work
# The marks `ticketops plan` prints before each action, so a push shows the plan as plan does.
MARKS = {"create": "+", "create-branch": "+", "create-pr": "+", "prune": "-", "conflict": "!", "blocked": "x"}


def counts_of(document: str) -> PlanCounts | None:
    """The pending counts of ``ticketops plan --json`` output, or None when it is not a plan."""
    try:
        doc = json.loads(document)
        summary: dict[str, int] = {str(k): int(v) for k, v in doc["summary"].items()}
        actions = [a for a in doc["actions"] if isinstance(a, dict)]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    drift = sum(1 for a in actions if a.get("kind") == "update" and a.get("drift"))
    parts = []
    for kind, label in KIND_PHRASES:
        if n := summary.get(kind, 0):
            parts.append(f"{n} {label}" + (f" ({drift} with drift)" if kind == "update" and drift else ""))
    known = {kind for kind, _ in KIND_PHRASES} | QUIET_KINDS
    parts += [f"{n} {kind}" for kind, n in sorted(summary.items()) if kind not in known and n]
    lines = tuple(
        f"  {MARKS.get(str(a.get('kind')), '~')} {a.get('key')} {a.get('kind')}"
        + (f": {a['reason']}" if a.get("reason") else "")
        for a in actions
        if a.get("kind") not in QUIET_KINDS
    )
    return PlanCounts(", ".join(parts) or None, lines)


def _planned(code: int, stdout: str, stderr: str, sha: str) -> PlanOutcome:
    """The outcome of ``plan --json`` for commit ``sha``."""
    short = sha[:7]
    counts = counts_of(stdout)
    if code == 0:
        return PlanOutcome("in-sync", f"ADO is in sync with {short}", "")
    if code == 2 and counts is not None:
        pending = (
            f"{counts.phrase} (run `ticketops apply`)" if counts.phrase else "changes pending until it is reconciled"
        )
        return PlanOutcome("changes", f"ADO differs from {short}: {pending}", "\n".join(counts.lines))
    shown = "\n".join([*(counts.lines if counts is not None else ()), *([stderr.strip()] if stderr.strip() else [])])
    return PlanOutcome(
        "failed",
        f"could not plan {short} (exit {code}: ADO unreachable, or a ticket it cannot apply; "
        "`ticketops plan` shows why)",
        shown,
    )


def _applied(code: int, output: str, sha: str) -> PlanOutcome:
    """The outcome of ``reconcile`` for commit ``sha``: a failure blocks the push."""
    if code == 0:
        return PlanOutcome("applied", f"ADO reconciled to {sha[:7]}", output)
    return PlanOutcome("failed", f"ticketops {APPLY_COMMAND} failed (exit {code})", output, blocks_push=True)
