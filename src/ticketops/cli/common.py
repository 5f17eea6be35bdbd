"""Arguments shared by several commands, so every command spells them the same way."""

from __future__ import annotations

import argparse
import os

from ticketops.ado.urls import OrgUrlSource
from ticketops.model.desired import DesiredState
from ticketops.model.errors import Problem


def add_source_args(p: argparse.ArgumentParser) -> None:
    """``--repo PATH`` and ``--rev REV | --worktree``: where the desired state is read from."""
    p.add_argument(
        "--repo",
        default=".",
        metavar="PATH",
        help="folder that holds .tickets/ (any folder inside the git repository; default: .)",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--rev",
        default=None,
        metavar="REV",
        help="read .tickets/ from the committed tree of this revision (default: HEAD)",
    )
    src.add_argument(
        "--worktree",
        action="store_true",
        help="read the files on disk instead of a commit (watch mode, pre-commit checks)",
    )


def source_rev(args: argparse.Namespace) -> str:
    """The revision named by ``--rev`` (default ``HEAD``). ``--rev`` and ``--worktree`` are
    mutually exclusive; the default is applied here so argparse can refuse both given at once."""
    return getattr(args, "rev", None) or "HEAD"


def add_org_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--org-url",
        default=None,
        metavar="URL",
        help="override organization_url from config.yaml (env: TICKETOPS_ORG_URL); "
        "point it at `ticketops emulator` to try flows offline",
    )
    p.add_argument(
        "--read-only",
        action="store_true",
        help="never write to Azure DevOps (as `read_only: true` in config.yaml): any write is refused "
        "before it is sent; plan, status and import work, apply and reconcile refuse to run",
    )
    p.add_argument(
        "--device-code",
        action="store_true",
        help="sign in with Microsoft Entra ID by device code (a person at a terminal); without it "
        "auth.mode in config.yaml decides (pat, bearer, or entra via DefaultAzureCredential)",
    )


def read_only_requested(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "read_only", False))


def add_json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable JSON output")


def org_url_override(args: argparse.Namespace) -> str | None:
    return getattr(args, "org_url", None) or os.environ.get("TICKETOPS_ORG_URL") or None


def org_url_source(args: argparse.Namespace) -> OrgUrlSource:
    """Where the organization URL of this run came from, as the user wrote it."""
    if getattr(args, "org_url", None):
        return OrgUrlSource("--org-url")
    if "org_url" in vars(args) and os.environ.get("TICKETOPS_ORG_URL"):
        return OrgUrlSource("the TICKETOPS_ORG_URL environment variable")
    return OrgUrlSource()


def load_desired(args: argparse.Namespace) -> DesiredState:
    from ticketops.desired import load

    return load(args.repo, rev=None if args.worktree else source_rev(args), worktree=args.worktree)


def check_desired(args: argparse.Namespace) -> tuple[DesiredState | None, tuple[Problem, ...]]:
    """Every problem of the desired state named by ``--repo``/``--rev``/``--worktree``."""
    from ticketops.desired import check

    return check(args.repo, rev=None if args.worktree else source_rev(args), worktree=args.worktree)
