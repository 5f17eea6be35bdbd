"""The integration point between the hooks and the reconcile engine: :func:`plan_tip`.

When ``ticketops.engine`` is importable, ``plan_tip`` runs ``ticketops plan`` (or, to apply,
``ticketops reconcile``, which writes under the lease so a hook never races a scheduled job)
for the pushed tip in a child process, with the same interpreter, so a slow or unreachable ADO
is bounded by a timeout and can never hang a push. Exit codes follow the CLI contract:
``plan`` 0 = in sync, 2 = changes pending, anything else = could not plan; ``reconcile``
0 = converged. The summary line carries the plan's counts (``2 to create, 1 to update``).
Without the engine it says that planning is unavailable.
"""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TextIO
from urllib.parse import urlsplit

from ticketops.hooks.locate import HookRepo

ENGINE_MODULE = "ticketops.engine"
DEFAULT_TIMEOUT = 20.0  # seconds; `git config ticketops.hookTimeout` overrides it
POST_COMMIT_TIMEOUT = 8.0  # seconds: a commit should not wait long for a one-line summary
APPLY_COMMAND = "reconcile"  # applies until converged, under the lease
PROBE_TIMEOUT = 3.0  # seconds for the TCP connect that tells an unreachable ADO quickly
PROXY_VARS = ("https_proxy", "http_proxy", "all_proxy")
TIMEOUT_KEY = "ticketops.hookTimeout"

Status = Literal["unavailable", "in-sync", "changes", "applied", "failed", "timeout"]


@dataclass(frozen=True)
class PlanOutcome:
    status: Status
    summary: str  # one line, for the post-commit summary and the pre-push report
    output: str = ""  # what the plan/apply command printed (captured runs only)
    blocks_push: bool = False
    unreachable: bool = False  # ADO could not be reached: retrying later may help


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def engine_available(command: str = "plan") -> bool:
    """True when the reconcile engine and the ``ticketops <command>`` CLI it runs both exist."""
    return _importable(ENGINE_MODULE) and _importable(f"ticketops.cli.cmd_{command}")


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
    if not engine_available(command):
        return PlanOutcome("unavailable", "planning is not available yet (this ticketops has no reconcile engine)")
    if org_url and (reason := unreachable_reason(org_url)) is not None:
        summary = f"ADO is unreachable ({reason}); {'nothing applied' if apply else 'plan skipped'}"
        return PlanOutcome("failed", summary, blocks_push=apply, unreachable=True)
    argv = [sys.executable, "-m", "ticketops", command, "--repo", str(hrepo.tickets_root), "--rev", sha]
    limit = None if apply else (timeout if timeout is not None else hook_timeout(hrepo))
    if apply:  # wait for another run's lease no longer than a plan may take
        argv += ["--lease-wait", f"{timeout if timeout is not None else hook_timeout(hrepo):g}"]
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=stream if stream is not None else subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return PlanOutcome("timeout", f"ticketops {command} took longer than {limit:g}s; skipped (is ADO reachable?)")
    return _outcome(command, done.returncode, done.stdout or "", sha)


def counts_of(output: str) -> str | None:
    """``2 to create, 1 to update`` from the ``Plan: ...`` line of ``ticketops plan`` (the
    non-zero counts, up to the first ``;``), or None when there is no such line."""
    found = re.findall(r"^Plan: ([^;\n]*)", output, flags=re.MULTILINE)
    if not found:
        return None
    parts = [p.strip() for p in found[-1].rstrip(".").split(",")]
    kept = [p for p in parts if p and not p.startswith("0 ")]
    return ", ".join(kept) or None


def _outcome(command: str, code: int, output: str, sha: str) -> PlanOutcome:
    short = sha[:7]
    if command in ("apply", APPLY_COMMAND):
        if code == 0:
            return PlanOutcome("applied", f"ADO reconciled to {short}", output)
        return PlanOutcome("failed", f"ticketops {command} failed (exit {code})", output, blocks_push=True)
    if code == 0:
        return PlanOutcome("in-sync", f"ADO is in sync with {short}", output)
    if code == 2:
        counts = counts_of(output)
        pending = f"{counts} (run `ticketops apply`)" if counts else "changes pending until it is reconciled"
        return PlanOutcome("changes", f"ADO differs from {short}: {pending}", output)
    return PlanOutcome(
        "failed",
        f"could not plan {short} (exit {code}: ADO unreachable, or a ticket it cannot apply; "
        "`ticketops plan` shows why)",
        output,
    )
