"""``ticketops hooks run pre-push REMOTE URL``: what the installed pre-push hook runs.

1. Read the ref updates (standard input, or the pre-commit framework's ``PRE_COMMIT_*``).
2. Validate ``.tickets/`` at every pushed commit that changed it; print ``path:line:col``
   problems under the commit they belong to; any problem blocks the push (exit 1).
3. For each pushed tip that carries ticket changes, :func:`plan_tip` (the engine integration):
   ``on_push: apply`` on the tracked branch reconciles, anything else only plans. In plan mode
   an unreachable or slow ADO is a warning, never a blocked push.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

import pygit2

from ticketops.hooks.locate import HookRepo, default_branch, open_repo
from ticketops.hooks.planning import PlanOutcome, org_url_for, plan_tip
from ticketops.hooks.pushrefs import RefUpdate, from_pre_commit_env, parse_lines, pushed_commits, remote_names_for
from ticketops.hooks.validation import CommitCheck, Validator
from ticketops.model.errors import GitError

__all__ = ["PushContext", "plan_tip", "run_pre_push"]

PREFIX = "ticketops:"


@dataclass(frozen=True)
class PushContext:
    """What git tells the hook: the remote (name or URL), its URL and the ref updates."""

    remote: str | None
    url: str | None
    updates: tuple[RefUpdate, ...]


def read_context(
    hrepo: HookRepo, remote: str | None, url: str | None, stdin_text: str, env: Mapping[str, str]
) -> PushContext:
    updates = parse_lines(stdin_text)
    if not updates and env.get("PRE_COMMIT"):
        updates = from_pre_commit_env(env, hrepo.git)
        remote = remote or env.get("PRE_COMMIT_REMOTE_NAME") or None
        url = url or env.get("PRE_COMMIT_REMOTE_URL") or None
    return PushContext(remote=remote, url=url, updates=updates)


def run_pre_push(
    repo_path: str | os.PathLike[str],
    remote: str | None,
    url: str | None,
    stdin_text: str,
    env: Mapping[str, str],
    out: TextIO = sys.stderr,
) -> int:
    hrepo = open_repo(repo_path)
    ctx = read_context(hrepo, remote, url, stdin_text, env)
    remotes = remote_names_for(hrepo.git, ctx.remote) if ctx.remote else ()
    validator = Validator(hrepo)
    checks, touched = _validate_updates(hrepo, validator, ctx.updates, remotes)
    if not touched:
        if ctx.updates:
            print(f"{PREFIX} no ticket changes in this push; nothing to check", file=out)
        return 0
    bad = [c for c in checks if not c.ok]
    if bad:
        _report_invalid(bad, out)
        return 1
    tip_check = checks[-1]
    tickets = len(tip_check.state.tickets) if tip_check.state else 0
    n = len(checks)
    print(
        f"{PREFIX} .tickets/ valid at {n} pushed commit{'s' if n != 1 else ''} "
        f"({tickets} tickets at {tip_check.short})",
        file=out,
    )
    blocked = False
    for update in touched:
        outcome = _plan_update(hrepo, validator, update, remotes, out)
        blocked = blocked or outcome.blocks_push
    return 1 if blocked else 0


def _validate_updates(
    hrepo: HookRepo, validator: Validator, updates: tuple[RefUpdate, ...], remotes: tuple[str, ...]
) -> tuple[list[CommitCheck], list[RefUpdate]]:
    """Checks of every pushed commit that changed tickets (each once), and the updates with any."""
    seen: set[pygit2.Oid] = set()
    checks: list[CommitCheck] = []
    touched: list[RefUpdate] = []
    for update in updates:
        changed = [c for c in pushed_commits(hrepo.git, update, remotes) if validator.changes_tickets(c)]
        if changed:
            touched.append(update)
        for commit in changed:
            if commit.id not in seen:
                seen.add(commit.id)
                checks.append(validator.check(commit))
    return checks, touched


def _report_invalid(bad: list[CommitCheck], out: TextIO) -> None:
    total = sum(len(c.problems) for c in bad)
    for check in bad:
        print(f"{PREFIX} {check.header()}:", file=out)
        for problem in check.problems:
            print(f"  {problem}", file=out)
    print(
        f"{PREFIX} push blocked: {total} problem{'s' if total != 1 else ''} in "
        f"{len(bad)} commit{'s' if len(bad) != 1 else ''}. Fix the ticket files and rewrite those "
        "commits (git commit --amend, or git rebase -i for older ones), or skip this check "
        "with git push --no-verify",
        file=out,
    )


def _plan_update(
    hrepo: HookRepo, validator: Validator, update: RefUpdate, remotes: tuple[str, ...], out: TextIO
) -> PlanOutcome:
    obj = hrepo.git.get(update.local_sha)
    if obj is None:  # git hands the hook only objects it has; a missing one is a broken repository
        raise GitError(f"the pushed commit {update.local_sha} is not in the repository")
    tip = obj.peel(pygit2.Commit)
    check = validator.check(tip)
    if check.state is None:
        outcome = PlanOutcome("failed", f"{update.remote_ref}: no valid tickets at {check.short}; nothing to plan")
        print(f"{PREFIX} {outcome.summary}", file=out)
        return outcome
    config = check.state.config
    tracked = config.tracked_branch or default_branch(hrepo, remotes[0] if remotes else None)
    apply = config.on_push == "apply" and update.branch == tracked
    verb = "reconciling ADO with" if apply else "plan for"
    print(f"{PREFIX} {verb} {update.remote_ref} at {check.short}", file=out)
    stream = _real_stream(out) if apply else None
    org_url = org_url_for(config.organization_url)
    outcome = plan_tip(hrepo, check.commit, apply=apply, org_url=org_url, stream=stream)
    if outcome.output:
        out.write(outcome.output if outcome.output.endswith("\n") else outcome.output + "\n")
    level = "" if outcome.status in ("in-sync", "changes", "applied", "unavailable") else " warning:"
    if outcome.blocks_push:
        level = " error:"
    print(f"{PREFIX}{level} {outcome.summary}", file=out)
    if outcome.blocks_push:
        fix = (
            "retry when ADO is reachable"
            if outcome.unreachable
            else "fix what `ticketops reconcile` reported above (ADO was reachable: retrying alone will not help)"
        )
        print(
            f"{PREFIX} push blocked (on_push: apply for {tracked}); {fix}, "
            "or push with --no-verify and run `ticketops reconcile` later",
            file=out,
        )
    return outcome


def _real_stream(out: TextIO) -> TextIO | None:
    """``out`` when it is a real file a child process can write to, else None (capture)."""
    try:
        out.fileno()
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None
    out.flush()
    return out
