"""``ticketops validate``: check config.yaml and every ticket, and report every problem at once."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ticketops.cli.annotations import annotation, ci_of
from ticketops.cli.common import add_json_arg, add_source_args, check_desired, source_rev
from ticketops.model.desired import DesiredState
from ticketops.model.errors import ExitCode, Problem, TicketopsError

NAME = "validate"
HELP = "check .tickets/ (config and every ticket) and list every problem"
DESCRIPTION = (
    "Check .tickets/config.yaml and every ticket file, and print each problem as "
    "path:line:col: message (paths relative to the git repository root). Reads the committed "
    "tree of --rev (default HEAD); --worktree checks the files on disk instead. "
    "Exit 0 when everything is valid, 1 when there are problems. In Azure Pipelines (TF_BUILD "
    "set) and GitHub Actions (GITHUB_ACTIONS=true) each problem is also printed as the CI's "
    "annotation (##vso[task.logissue ...] or ::error file=...::), so it shows on the changed line "
    "of the pull request."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_source_args(p)
    add_json_arg(p)


def run(args: argparse.Namespace) -> int:
    try:
        state, problems = check_desired(args)
        if state is not None:
            problems = tuple(sorted(set(problems) | set(_committed_secrets(args, state))))
    except TicketopsError as e:
        if not args.json:
            raise
        problems = tuple(getattr(e, "problems", ())) or (Problem(str(args.repo), 0, 0, str(e)),)
        state = None
    if args.json:
        _print_json(state, problems)
    else:
        _print_text(args, state, problems)
    return int(ExitCode.USER_ERROR if problems else ExitCode.OK)


def _committed_secrets(args: argparse.Namespace, state: DesiredState) -> list[Problem]:
    """A token in any file under the tickets folder (tickets, sidecars, notes) is an error."""
    from ticketops.desired.secrets import scan_source
    from ticketops.desired.source import open_repository

    repo = open_repository(args.repo)
    return scan_source(repo, state.tickets_dir, commit=state.commit)


def _where(args: argparse.Namespace, state: DesiredState | None) -> str:
    if state is not None and state.commit:
        return state.commit[:10]
    return "the working tree" if args.worktree else source_rev(args)


def _print_text(args: argparse.Namespace, state: DesiredState | None, problems: tuple[Problem, ...]) -> None:
    ci = ci_of(os.environ)
    for p in problems:
        print(p)
        if ci is not None:  # the same problem, as the CI's annotation on that line of the PR
            print(annotation(p, ci))
    if problems:
        files = len({p.path for p in problems})
        n = len(problems)
        print(
            f"{n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''} at {_where(args, state)}",
            file=sys.stderr,
        )
        return
    assert state is not None
    n = len(state.tickets)
    print(f"{n} ticket{'s' if n != 1 else ''} valid at {_where(args, state)}")


def _print_json(state: DesiredState | None, problems: tuple[Problem, ...]) -> None:
    doc = {
        "ok": not problems,
        "commit": state.commit if state else None,
        "tickets_dir": state.tickets_dir if state else None,
        "tickets": len(state.tickets) if state else 0,
        "problems": [{"path": p.path, "line": p.line, "col": p.col, "message": p.message} for p in problems],
    }
    print(json.dumps(doc, indent=2))
