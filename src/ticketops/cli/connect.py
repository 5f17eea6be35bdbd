"""Build an ``AdoClient`` for a CLI run from the board config, the arguments and the environment.

``--org-url`` (or ``TICKETOPS_ORG_URL``) overrides ``organization_url``; that is how tests and
the demo point the CLI at the emulator. The token comes from the environment variable the
config names (``resolve_auth``); a missing token is an error that names the variable.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from ticketops.ado import AdoClient, Auth, AuthInfo, Transport, resolve_auth
from ticketops.apply import Outcome
from ticketops.cli.common import org_url_override, org_url_source, read_only_requested
from ticketops.engine import Engine
from ticketops.model.config import BoardConfig
from ticketops.model.errors import ConfigError


def org_url(config: BoardConfig, args: argparse.Namespace) -> str:
    return (org_url_override(args) or config.organization_url).rstrip("/")


def build_client(
    config: BoardConfig,
    args: argparse.Namespace,
    *,
    write: bool,
    transport: Transport | None = None,
) -> AdoClient:
    """A client for the board. ``write=False`` makes it read-only (``plan``, ``status``);
    ``write=True`` refuses a board whose config says ``read_only: true``."""
    if write:
        refuse_read_only(config, args)
    auth, _info = resolve_board_auth(config, args)
    return AdoClient(
        org_url(config, args), auth, transport=transport, read_only=not write, org_url_source=org_url_source(args)
    )


class ReadOnlyMode(ConfigError):
    """A command that writes was run in read-only mode. No later attempt can succeed."""


def refuse_read_only(config: BoardConfig | None, args: argparse.Namespace) -> None:
    """Raise :class:`ReadOnlyMode` when ``--read-only`` was given or (with ``config``)
    config.yaml says ``read_only: true``."""
    if read_only_requested(args):
        where = "--read-only was given"
    elif config is not None and config.read_only:
        where = "`read_only: true` in .tickets/config.yaml"
    else:
        return
    raise ReadOnlyMode(
        f"read-only mode ({where}): this command writes to Azure DevOps, so it does not run. "
        "`ticketops plan` shows what it would change; drop the flag (or that config line) to write"
    )


def resolve_board_auth(config: BoardConfig, args: argparse.Namespace) -> tuple[Auth, AuthInfo]:
    """The auth flow for the board: ``auth:`` in config.yaml, or Entra ID device code sign-in
    with ``--device-code``. Tokens come from the environment, never from a file."""
    settings = config.auth
    device_code = bool(getattr(args, "device_code", False))
    if device_code:
        settings = settings.model_copy(update={"mode": "entra"})
    return resolve_auth(settings, os.environ, interactive=device_code)


def add_stats_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stats", action="store_true", help="print the number of ADO requests per operation at the end")


def print_stats(client: AdoClient, args: argparse.Namespace) -> None:
    if getattr(args, "stats", False):
        print("\nADO requests:", file=sys.stderr)
        print(client.stats.render(), file=sys.stderr)


def add_board_args(p: argparse.ArgumentParser, *, prune: bool = True) -> None:
    """The arguments plan/apply/reconcile/status share."""
    from ticketops.cli.common import add_json_arg, add_org_args, add_source_args

    add_source_args(p)
    add_org_args(p)
    add_json_arg(p)
    if prune:
        p.add_argument(
            "--prune",
            action="store_true",
            help="move work items whose ticket file is gone to the Removed state (never deleted); "
            "without it they are only reported as orphaned",
        )
    p.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="KEY",
        help="only this ticket (repeat for several): plan, apply and reconcile leave every other "
        "ticket alone; an unknown key is an error",
    )
    add_stats_arg(p)


def targets(args: argparse.Namespace) -> frozenset[str]:
    """The ``--target`` keys, as keys are written (upper case)."""
    return frozenset(k.strip().upper() for k in getattr(args, "target", []) if k.strip())


def open_engine(
    args: argparse.Namespace,
    *,
    write: bool,
    progress: Callable[[Outcome], None] | None = None,
) -> Engine:
    """Read the desired state named by the arguments and set up an engine for it."""
    from ticketops.cli.common import load_desired

    desired = load_desired(args)
    client = build_client(desired.config, args, write=write)
    return Engine(client, desired, prune=getattr(args, "prune", False), progress=progress, targets=targets(args))
