"""``ticketops mcp``: serve the board to an agent over the Model Context Protocol (stdio)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ticketops.model.errors import ConfigError, ExitCode

NAME = "mcp"
HELP = "serve list/show/new/move/plan/validate to an AI agent over the Model Context Protocol (stdio)"
DESCRIPTION = (
    "Run a Model Context Protocol server on standard input/output for an MCP client (an agent or an "
    "editor). Its tools are list, show, new, move, validate and plan, each returning the same JSON as "
    "the command with -o json. new and move edit the working tree and never commit; plan is read-only. "
    "Nothing here writes to Azure DevOps: applying stays with the hook, the pipeline or a person. "
    "Needs the `mcp` extra: pip install 'ticketops[mcp]'."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", default=".", metavar="PATH", help="folder that holds .tickets/ (default: .)")


def run(args: argparse.Namespace) -> int:
    try:
        from ticketops.cli.mcptools import Board, build_server
    except ImportError as e:  # pragma: no cover - depends on the installed extras
        raise ConfigError(f"ticketops mcp needs the mcp extra ({e}): pip install 'ticketops[mcp]'") from e
    try:
        build_server(Board(str(Path(args.repo).resolve()))).run("stdio")
    except ModuleNotFoundError as e:
        raise ConfigError(f"ticketops mcp needs the mcp extra ({e}): pip install 'ticketops[mcp]'") from e
    return int(ExitCode.OK)
