"""Layer 0: pydantic models, ids and errors. Imports nothing else from ticketops."""

from ticketops.model.config import BoardConfig, Process, RepoLink, Status
from ticketops.model.desired import DesiredState
from ticketops.model.errors import (
    ConfigError,
    ExitCode,
    GitError,
    Problem,
    TicketopsError,
    ValidationFailed,
)
from ticketops.model.ticket import KEY_RE, FrontMatter, Ticket, slugify

__all__ = [
    "KEY_RE",
    "BoardConfig",
    "ConfigError",
    "DesiredState",
    "ExitCode",
    "FrontMatter",
    "GitError",
    "Problem",
    "Process",
    "RepoLink",
    "Status",
    "Ticket",
    "TicketopsError",
    "ValidationFailed",
    "slugify",
]
