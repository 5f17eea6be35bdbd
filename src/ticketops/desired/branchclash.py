"""Rules across tickets: every ticket gets a branch of its own.

Two tickets whose branches are the same name in one repository would share one pull request
whose title flips between them on every run, and never converge. Azure DevOps compares ref names
case-insensitively, so ``Feature/X`` and ``feature/x`` are the same branch. A branch that is a
folder of another (``feature/x`` and ``feature/x/y``) cannot exist next to it in git either.
Both tickets of a clash are refused (each message names the other file); the others are applied.

The same pass checks what only the rendered name shows: a ``branch_template`` whose slug comes
first can put a ticket under the reserved ``ticketops/``, and a branch that is the ticket's own
base branch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ticketops.desired import branchrules, yamldoc
from ticketops.desired.ticketfile import decode, split_front_matter
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.errors import Problem
from ticketops.model.ticket import Ticket


@dataclass(frozen=True)
class _Branch:
    ticket: Ticket
    repo: str  # the ADO repository name
    name: str  # without refs/heads/
    explicit: bool  # from the ticket's ``branch:`` (else from branch_template)
    base: str

    @property
    def field(self) -> str:
        return "branch" if self.explicit else "title"

    @property
    def where(self) -> str:
        return f"{self.ticket.path}:{_position(self.ticket, self.field)[0]}"

    def problem(self, message: str) -> Problem:
        line, col = _position(self.ticket, self.field)
        return Problem(self.ticket.path, line, col, message)


@dataclass(frozen=True)
class TemplateSite:
    """Where ``branch_template`` is set: ``config.yaml:LINE``, or the default."""

    text: str
    where: str  # ``.tickets/config.yaml:9``, or ``config.yaml has no branch_template`` wording


def template_site(path: str, data: bytes | None, config: BoardConfig) -> TemplateSite:
    """Where ``config.yaml`` (at ``path``, holding ``data``) sets ``branch_template``."""
    text, _ = decode(path, data or b"")
    doc = yamldoc.parse(text or "", path)
    node = doc.node_at(("branch_template",)) if isinstance(doc.value, dict) and "branch_template" in doc.value else None
    if node is None:
        return TemplateSite(config.branch_template, f"the default: {path} has no branch_template")
    found = doc.problem(node, "")
    return TemplateSite(config.branch_template, f"{path}:{found.line}")


def problems(tickets: Iterable[Ticket], config: BoardConfig, template: TemplateSite) -> dict[str, list[Problem]]:
    """Problems by ticket key (only keys with problems)."""
    naming = DesiredState(config=config, tickets=(), commit=None)
    branches = [b for t in tickets if (b := _branch_of(t, naming)) is not None]
    out: dict[str, list[Problem]] = defaultdict(list)
    for b in branches:
        for message in _own_problems(b, template):
            out[b.ticket.key].append(b.problem(message))
    by_name: dict[tuple[str, str], list[_Branch]] = defaultdict(list)
    for b in branches:
        by_name[(b.repo.lower(), b.name.lower())].append(b)
    for group in by_name.values():
        for b in group if len(group) > 1 else ():
            others = [o for o in group if o is not b]
            out[b.ticket.key].append(b.problem(_same_message(b, others, template)))
    for b in branches:
        for parent in _folders(b.name):
            for o in by_name.get((b.repo.lower(), parent), ()):
                message = _folder_message(b, o, template)
                out[b.ticket.key].append(b.problem(message))
                out[o.ticket.key].append(o.problem(_folder_message(o, b, template)))
    return {k: sorted(set(v)) for k, v in out.items()}


def _branch_of(ticket: Ticket, naming: DesiredState) -> _Branch | None:
    config = naming.config
    alias = ticket.repo or config.default_repo or (next(iter(config.repos)) if len(config.repos) == 1 else None)
    if alias is None or alias not in config.repos:
        return None  # no repository (a board without code), or reported as ambiguous/unknown elsewhere
    explicit = bool(ticket.branch)
    name = naming.branch_name(ticket)
    base = ticket.base or config.repos[alias].default_branch
    return _Branch(ticket, config.repos[alias].name, name, explicit, base)


def _position(ticket: Ticket, field: str) -> tuple[int, int]:
    """The line and column of ``field`` in the ticket's file (1, 1 when it cannot be found)."""
    text, _ = decode(ticket.path, ticket.content)
    split = split_front_matter(ticket.path, text or "")
    if isinstance(split, Problem):
        return 1, 1
    doc = yamldoc.parse(split[0], ticket.path, first_line=2)
    found = doc.problem(doc.node_at((field,)), "")
    return found.line, found.col


def _source(b: _Branch, template: TemplateSite) -> str:
    if b.explicit:
        return f"branch '{b.name}'"
    return f"branch '{b.name}' (from branch_template '{template.text}', {template.where})"


def _fix(b: _Branch) -> str:
    if b.explicit:
        return "change `branch:` in one of them"
    return "give one of them its own `branch:`, or change the title of one (the slug comes from it)"


def _same_message(b: _Branch, others: list[_Branch], template: TemplateSite) -> str:
    names = ", ".join(f"{o.where} ('{o.name}')" if o.name != b.name else o.where for o in others)
    return (
        f"{_source(b, template)} is also the branch of {names} in repository {b.repo} (Azure DevOps compares "
        "branch names ignoring case): two tickets on one branch would share one pull request and never "
        f"converge; neither is applied until each has a branch of its own: {_fix(b)}"
    )


def _folder_message(b: _Branch, o: _Branch, template: TemplateSite) -> str:
    inner, outer = (b, o) if len(b.name) > len(o.name) else (o, b)
    return (
        f"{_source(b, template)} cannot exist next to '{o.name}' of {o.where} in repository {b.repo}: git "
        f"cannot hold both '{outer.name}' and '{inner.name}' (one is a folder of the other); "
        f"neither is applied until they differ: {_fix(b)}"
    )


def _folders(name: str) -> list[str]:
    """``a/b/c`` -> ``a``, ``a/b`` (lower case)."""
    parts = name.lower().split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _own_problems(b: _Branch, template: TemplateSite) -> list[str]:
    out = []
    if not b.explicit and branchrules.is_reserved(b.name):
        out.append(
            f"{_source(b, template)} is under {branchrules.RESERVED_PREFIX}, which is reserved for ticketops' "
            "own refs (the lease branch ticketops/lease); set `branch:` in this ticket, change its title, "
            "or change branch_template"
        )
    if b.name.lower() == b.base.lower():
        field = "`base:`" if b.ticket.base else "`branch:` (the repo's default_branch is its base)"
        out.append(
            f"{_source(b, template)} is the ticket's own base branch; a ticket needs a branch of its own: change {field}"
        )
    return out
