"""Checks that need no network: the board's files."""

from __future__ import annotations

from dataclasses import dataclass

from ticketops.desired import check, snapshot
from ticketops.desired.secrets import scan_tickets
from ticketops.desired.source import open_repository
from ticketops.doctor.report import Check, fail, ok, skip
from ticketops.model.config import BoardConfig
from ticketops.model.errors import Problem, TicketopsError
from ticketops.model.ticket import Ticket

MAX_LISTED = 10


@dataclass(frozen=True)
class LocalResult:
    checks: list[Check]
    config: BoardConfig | None  # None: no valid config, so nothing remote can be checked


def local_checks(repo: str, rev: str | None, worktree: bool) -> LocalResult:
    where = "the working tree" if worktree else f"revision {rev}"
    try:
        state, problems = check(repo, rev=rev, worktree=worktree)
        tickets_dir = snapshot(repo, rev, worktree).tickets_dir
    except TicketopsError as e:
        return LocalResult(
            [
                fail(
                    "config",
                    str(e),
                    "point --repo at the folder that holds .tickets/ (or use --worktree for files not committed yet)",
                )
            ],
            None,
        )
    config_file = f"{tickets_dir}/config.yaml"
    config_problems = [p for p in problems if p.path == config_file]
    ticket_problems = [p for p in problems if p.path != config_file]
    checks: list[Check] = []
    if state is None:
        checks.append(
            fail(
                "config",
                f"{config_file} in {where} is invalid:\n" + _listed(config_problems),
                "correct the lines above (`ticketops validate` lists every problem)",
            )
        )
    else:
        checks.append(
            ok(
                "config",
                f"{config_file} in {where} is valid (project {state.config.project}, "
                f"work item type {state.config.effective_work_item_type})",
            )
        )
    checks.append(_tickets(ticket_problems, state.tickets if state else None))
    checks.append(_secrets(repo, tickets_dir, rev or "HEAD"))
    return LocalResult(checks, state.config if state else None)


def _listed(problems: list[Problem]) -> str:
    shown = [f"      {p}" for p in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        shown.append(f"      ... and {len(problems) - MAX_LISTED} more")
    return "\n".join(shown)


def _tickets(problems: list[Problem], tickets: tuple[Ticket, ...] | None) -> Check:
    """``tickets`` None: config.yaml is invalid, so statuses and repos could not be checked."""
    if problems:
        partly = " (statuses and repos not checked: config.yaml is invalid)" if tickets is None else ""
        return fail(
            "tickets",
            f"{len(problems)} problem(s) in ticket files{partly}:\n" + _listed(problems),
            "fix them (`ticketops validate` lists them all); the other tickets still reconcile",
        )
    if tickets is None:
        return skip("tickets", "not checked: config.yaml is invalid (fix it, then run doctor again)")
    return ok("tickets", f"{len(tickets)} ticket file(s) valid")


def _secrets(repo: str, tickets_dir: str, rev: str) -> Check:
    found = scan_tickets(open_repository(repo), tickets_dir, rev)
    if not found:
        return ok("secrets", f"no token-like strings in {tickets_dir}/ (files on disk and {rev})")
    return fail(
        "secrets",
        f"{len(found)} token-like string(s) under {tickets_dir}/:\n" + _listed(found),
        "remove each one and revoke it (it may already be in the git history); keep tokens in environment variables",
    )
