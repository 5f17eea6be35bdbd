"""``ticketops`` command line: ``main(argv) -> int``, as tests call it directly."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import NoReturn

from ticketops import __version__
from ticketops.model.errors import ExitCode, TicketopsError

log = logging.getLogger("ticketops")


# Every command, in the order `ticketops --help` lists them; each is the module cli/cmd_NAME.py
# (NAME, HELP, DESCRIPTION, add_arguments(parser), run(args) -> int), imported only when needed.
COMMANDS: tuple[str, ...] = (
    "init",
    "validate",
    "new",
    "move",
    "list",
    "show",
    "plan",
    "apply",
    "reconcile",
    "status",
    "pull",
    "watch",
    "board",
    "mcp",
    "import",
    "doctor",
    "repos",
    "hooks",
    "demo",
    "emulator",
    "completion",
)


def _commands(only: str | None = None) -> list[ModuleType]:
    return [importlib.import_module(f"ticketops.cli.cmd_{n}") for n in ([only] if only else COMMANDS)]


def _invoked_command(argv: list[str]) -> str | None:
    """The sub-command named in ``argv`` when it is a known one, so only its module (and what it
    imports) loads: hooks run ticketops on every push and commit, and start-up time is paid there."""
    for arg in argv:
        if arg.startswith("-"):
            continue
        return arg if arg in COMMANDS else None
    return None


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error; 2 means "plan has changes" here, so usage errors
    exit 1 like every other error the user can fix."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(int(ExitCode.USER_ERROR), f"{self.prog}: error: {message}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ticketops",
        description="Git-native GitOps for Azure DevOps: tickets are files in git, ADO is the mirror.",
        epilog="Exit codes: 0 ok, 1 error you can fix, 2 plan has changes, 3 internal error, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"ticketops {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for mod in _commands(only):
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP))
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def _log_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "ticketops"


def _write_crash_log(exc: BaseException) -> Path:
    text = "".join(traceback.format_exception(exc))
    try:
        from ticketops.ado.redact import redact  # secrets never reach a file we write

        text = redact(text)
    except ImportError:  # pragma: no cover - the ado layer always ships redact
        pass
    for folder in (_log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path("<unwritable>")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_invoked_command(argv))
    args = parser.parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not getattr(args, "_run", None):
        parser.print_help()
        return ExitCode.USER_ERROR
    try:
        return int(args._run(args))
    except TicketopsError as e:
        print(f"error: {e}", file=sys.stderr)
        return int(e.exit_code)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`ticketops plan --json | head`): not an error of ours. Point
        # stdout at devnull so the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return ExitCode.OK
    except Exception as e:
        path = _write_crash_log(e)
        print(f"internal error: {type(e).__name__}. This is a bug in ticketops; details in {path}", file=sys.stderr)
        return ExitCode.INTERNAL


def entry() -> int:
    return main(sys.argv[1:])
