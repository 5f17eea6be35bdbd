"""``ticketops hooks run post-commit``: a one-line summary after a commit that changed tickets.

It never fails the commit: every outcome, internal errors included, exits 0 (an error is a
short warning). Commits that do not touch the tickets folder print nothing.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

import pygit2

from ticketops.hooks.locate import open_repo
from ticketops.hooks.planning import POST_COMMIT_TIMEOUT, hook_timeout, org_url_for, plan_tip
from ticketops.hooks.validation import CommitCheck, Validator

PREFIX = "ticketops:"


def run_post_commit(repo_path: str | os.PathLike[str], out: TextIO = sys.stderr) -> int:
    """Print the summary line; always returns 0."""
    try:
        line = summary_line(repo_path)
    except Exception as e:
        line = f"{PREFIX} warning: post-commit check skipped ({type(e).__name__}: {_one_line(str(e))})"
    if line:
        print(line, file=out)
    return 0


def summary_line(repo_path: str | os.PathLike[str]) -> str | None:
    """The line to print for HEAD, or None when HEAD did not change the tickets folder."""
    hrepo = open_repo(repo_path)
    if hrepo.git.head_is_unborn:
        return None
    head = hrepo.git.head.peel(pygit2.Commit)
    validator = Validator(hrepo)
    if not validator.changes_tickets(head):
        return None
    check = validator.check(head)
    text = _validation_text(check, hrepo.tickets_tree_path)
    if check.ok and check.state is not None:
        org_url = org_url_for(check.state.config.organization_url)
        text += f"; {plan_tip(hrepo, check.commit, org_url=org_url, timeout=min(POST_COMMIT_TIMEOUT, hook_timeout(hrepo))).summary}"
    return f"{PREFIX} {text}"


def _validation_text(check: CommitCheck, folder: str) -> str:
    if check.ok and check.state is not None:
        n = len(check.state.tickets)
        return f"{n} ticket{'s' if n != 1 else ''} valid at {check.short}"
    n = len(check.problems)
    first = _one_line(str(check.problems[0])) if check.problems else "unreadable"
    return (
        f"{n} problem{'s' if n != 1 else ''} in {folder}/ at {check.short} (first: {first}); "
        "run `ticketops validate` to see all; the pre-push hook blocks the push until they are fixed"
    )


def _one_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 160 else line[:157] + "..."
