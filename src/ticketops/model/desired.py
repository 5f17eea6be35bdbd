"""The desired state: the board config plus every ticket, read from one git commit."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ticketops.model.config import BoardConfig
from ticketops.model.errors import Problem
from ticketops.model.ticket import Ticket, slugify


class DesiredState(BaseModel):
    model_config = ConfigDict(frozen=True)

    config: BoardConfig
    tickets: tuple[Ticket, ...]  # sorted by key
    commit: str | None  # the commit id it was read from; None when read from the worktree
    tickets_dir: str = ".tickets"  # path of the tickets folder inside the git repository
    # Tickets that failed validation: reported, and their ADO items left untouched (never
    # treated as orphans), so one bad file never blocks or corrupts the others.
    problems: tuple[Problem, ...] = ()
    invalid_keys: frozenset[str] = frozenset()

    def ticket(self, key: str) -> Ticket:
        for t in self.tickets:
            if t.key == key:
                return t
        raise KeyError(key)

    def repo_alias(self, ticket: Ticket) -> str | None:
        return ticket.repo or self.config.default_repo

    def branch_name(self, ticket: Ticket) -> str:
        """Branch name without ``refs/heads/``."""
        if ticket.branch:
            return ticket.branch
        return self.config.branch_template.format(key=ticket.key, slug=slugify(ticket.title))

    def base_branch(self, ticket: Ticket) -> str:
        if ticket.base:
            return ticket.base
        alias = self.repo_alias(ticket)
        return self.config.repos[alias].default_branch if alias else "main"
