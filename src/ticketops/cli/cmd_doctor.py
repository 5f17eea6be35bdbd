"""``ticketops doctor``: check the board's setup, one line per check (ok / FAIL / skip)."""

from __future__ import annotations

import argparse
import json
import sys

from ticketops.ado import AdoClient, RetryPolicy
from ticketops.cli.common import add_json_arg, add_org_args, add_source_args, read_only_requested, source_rev
from ticketops.cli.connect import org_url, resolve_board_auth
from ticketops.doctor import Check, RemoteChecks, as_json, fail, local_checks, ok, passed, render_text
from ticketops.model.config import BoardConfig
from ticketops.model.errors import ExitCode, TicketopsError

NAME = "doctor"
HELP = "check the setup: config, committed secrets, auth, connectivity, project, permissions, repos, states"
DESCRIPTION = (
    "Check the board and its connection to Azure DevOps, one line per check: ok, FAIL (with what is "
    "missing and how to fix it) or skip. Local: config.yaml and the tickets are valid, and no file "
    "under .tickets/ holds a token. Remote: the auth mode and where the token comes from (never the "
    "token), the organization answers with JSON (not a sign-in page), the token is accepted, the "
    "project exists, the work item type has the configured states, Work Items read and write (a "
    "validateOnly create, skipped in read-only mode), Code read, the linked repos and their default "
    "branches, identity search. Never changes anything. Exit 0 when every check passes, 1 otherwise."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_source_args(p)
    add_org_args(p)
    add_json_arg(p)


def _remote(config: BoardConfig, args: argparse.Namespace) -> list[Check]:
    read_only = read_only_requested(args) or config.read_only
    try:
        auth, info = resolve_board_auth(config, args)
    except TicketopsError as e:
        return [fail("auth", str(e))]
    checks = [ok("auth", f"mode {info.mode}: {info.source} (the token itself is never shown)")]
    # A diagnosis should answer quickly: two attempts, not the reconciler's patient five.
    retry = RetryPolicy(max_attempts=2, max_total_wait=5.0)
    with AdoClient(org_url(config, args), auth, read_only=read_only, retry=retry) as client:
        checks += RemoteChecks(client, config, info, read_only=read_only).run()
    return checks


def run(args: argparse.Namespace) -> int:
    local = local_checks(args.repo, None if args.worktree else source_rev(args), args.worktree)
    checks = list(local.checks)
    if local.config is None:
        checks.append(fail("remote", "not checked: needs a valid .tickets/config.yaml"))
        header = "ticketops doctor"
    else:
        checks += _remote(local.config, args)
        header = f"ticketops doctor: project {local.config.project} at {org_url(local.config, args)}"
    if args.json:
        sys.stdout.write(json.dumps({"ok": passed(checks), "checks": as_json(checks)}, indent=2) + "\n")
    else:
        sys.stdout.write(render_text(checks, header))
    return int(ExitCode.OK if passed(checks) else ExitCode.USER_ERROR)
