"""``ticketops hooks install|uninstall|run``: git hooks that validate tickets and plan pushes."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from ticketops.model.errors import TicketopsError

if TYPE_CHECKING:
    from ticketops.hooks.install import HooksReport

NAME = "hooks"
HELP = "install git hooks that check tickets on commit and push"
DESCRIPTION = """\
Git hooks for ticketops. `install` writes a pre-push hook (validates .tickets/ at every pushed
commit, blocks the push when a pushed tip has invalid tickets, warns about problems fixed on
top, then shows the plan for the pushed tip) and a
post-commit hook (prints a one-line summary after commits that change .tickets/; never fails
the commit). The hooks run ticketops with the Python that installed them. An existing hook is
never overwritten: use --chain to run it first, or the pre-commit framework (hook ids
ticketops-validate and ticketops-pre-push in .pre-commit-hooks.yaml).
"""

HOOK_FLAGS = (("pre_push", "pre-push"), ("post_commit", "post-commit"))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="hooks_command", metavar="SUBCOMMAND")
    _add_install(sub)
    _add_uninstall(sub)
    _add_run(sub)
    parser.set_defaults(_hooks_parser=parser)


def _repo_arg(p: argparse.ArgumentParser, help_text: str) -> None:
    p.add_argument("--repo", default=".", metavar="PATH", help=help_text)


def _add_install(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "install",
        help="write the pre-push and post-commit hooks",
        description="Write the git hooks (both unless --pre-push or --post-commit picks one) into "
        "the repository's hooks folder, honouring core.hooksPath. Installing again updates our "
        "hooks in place. A hook that ticketops did not write is never overwritten: --chain keeps "
        "it (renamed to <hook>.ticketops-chained) and runs it first with the same arguments and "
        "input; otherwise install refuses and explains how to combine them.",
    )
    p.add_argument("--pre-push", action="store_true", help="install the pre-push hook")
    p.add_argument("--post-commit", action="store_true", help="install the post-commit hook")
    p.add_argument("--chain", action="store_true", help="keep an existing hook and run it before ours")
    _repo_arg(
        p,
        "folder that holds .tickets/ (default: .); a subfolder of the repository is "
        "recorded in `git config ticketops.path` for the hooks",
    )
    p.set_defaults(_hooks_run=_install)


def _add_uninstall(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "uninstall",
        help="remove our hooks and restore chained ones",
        description="Remove the hooks ticketops wrote (and git config ticketops.path), put a "
        "chained hook back under its original name, and leave every other hook alone.",
    )
    _repo_arg(p, "any folder inside the git repository (default: .)")
    p.set_defaults(_hooks_run=_uninstall)


def _add_run(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="run a hook's checks (what the installed hooks call)",
        description="Run what an installed hook runs. git calls these; you rarely need to.",
    )
    hooks = p.add_subparsers(dest="hook", metavar="HOOK")
    pp = hooks.add_parser(
        "pre-push",
        help="validate the pushed commits and plan the pushed tip",
        description="Read the refs being pushed from standard input (as git's pre-push hook "
        "gets them: '<local ref> <local sha> <remote ref> <remote sha>' per line; or from the "
        "pre-commit framework's PRE_COMMIT_* variables), validate .tickets/ at every pushed "
        "commit that changed it, and show the plan for each pushed tip (or apply it: "
        "on_push: apply on the tracked branch). Exit 1 blocks the push; an unreachable ADO "
        "only warns in plan mode.",
    )
    pp.add_argument("remote", nargs="?", default=None, metavar="REMOTE", help="remote name (or URL)")
    pp.add_argument("url", nargs="?", default=None, metavar="URL", help="remote URL")
    _repo_arg(pp, "any folder inside the git repository (default: .)")
    pp.set_defaults(_hooks_run=_run_pre_push)
    pc = hooks.add_parser(
        "post-commit",
        help="print a one-line summary after a commit that changed .tickets/",
        description="Validate .tickets/ at HEAD when the commit changed it and print a one-line "
        "summary (and the plan summary when the reconcile engine is available). Always exits 0.",
    )
    _repo_arg(pc, "any folder inside the git repository (default: .)")
    pc.set_defaults(_hooks_run=_run_post_commit)
    p.set_defaults(_run_parser=p)


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "_hooks_run", None)
    if action is None:
        parser = getattr(args, "_run_parser", None) if args.hooks_command == "run" else None
        (parser or args._hooks_parser).print_help(sys.stderr)
        return 1
    return int(action(args))


def _install(args: argparse.Namespace) -> int:
    from ticketops.hooks.install import install

    picked = tuple(hook for flag, hook in HOOK_FLAGS if getattr(args, flag))
    report = install(args.repo, picked or tuple(h for _, h in HOOK_FLAGS), chain=args.chain)
    _print_report(report)
    return 0


def _uninstall(args: argparse.Namespace) -> int:
    from ticketops.hooks.install import uninstall

    _print_report(uninstall(args.repo))
    return 0


def _print_report(report: HooksReport) -> None:
    print(f"hooks folder: {report.hooks_dir}")
    for change in report.changes:
        print(f"  {change}")
    for note in report.notes:
        print(note)


def _run_pre_push(args: argparse.Namespace) -> int:
    from ticketops.hooks.prepush import run_pre_push

    stdin = sys.stdin
    interactive = stdin is None or stdin.isatty()
    if interactive and not os.environ.get("PRE_COMMIT"):
        raise TicketopsError(
            "`hooks run pre-push` reads the refs being pushed from standard input, one "
            "'<local ref> <local sha> <remote ref> <remote sha>' line each, as git's pre-push hook "
            "passes them; install the hook with `ticketops hooks install` instead of running it by hand"
        )
    text = "" if interactive else stdin.read()
    return run_pre_push(args.repo, args.remote, args.url, text, os.environ)


def _run_post_commit(args: argparse.Namespace) -> int:
    from ticketops.hooks.postcommit import run_post_commit

    return run_post_commit(args.repo)
