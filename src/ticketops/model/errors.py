"""The one user-facing error family, and the exit codes the whole CLI keeps.

Every layer raises a subclass of :class:`TicketopsError`; the CLI maps it to an exit code
and prints its message. Anything else that escapes is an internal error (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    USER_ERROR = 1  # invalid input or another error the user can fix
    CHANGES = 2  # reserved: "plan has changes" (like terraform plan -detailed-exitcode)
    INTERNAL = 3  # unexpected internal error, with a pointer to a log
    INTERRUPTED = 130


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one input file, rendered as ``path:line:col: message``.

    ``line`` and ``col`` are 1-based; 0 means "the whole file".
    """

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class TicketopsError(Exception):
    """An error the user can fix. ``str()`` is the message shown to them."""

    exit_code: ExitCode = ExitCode.USER_ERROR


class ValidationFailed(TicketopsError):
    """One or more input files are invalid. Carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        n = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{lines}\n{n} problem{'s' if n != 1 else ''} found")


class ConfigError(TicketopsError):
    """The board configuration is missing or does not fit the ADO project."""


class NoBoard(ConfigError):
    """There is no ``.tickets/`` folder where the command looked (``init`` or ``import`` starts one)."""


class GitError(TicketopsError):
    """A git repository or revision cannot be read."""
