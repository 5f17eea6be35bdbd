"""Pairing: desired tickets by key <-> live items by their ``ticketops:KEY`` marker."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from ticketops.model.desired import DesiredState
from ticketops.model.errors import Problem
from ticketops.model.live import LiveWorkItem
from ticketops.model.ticket import Ticket


@dataclass(frozen=True)
class Pair:
    ticket: Ticket
    item: LiveWorkItem | None  # None: not in ADO yet


@dataclass(frozen=True)
class Claim:
    """Two or more items claim ``key``, or one item claims several keys."""

    key: str
    items: tuple[LiveWorkItem, ...]


@dataclass(frozen=True)
class InvalidTicket:
    key: str
    problems: tuple[Problem, ...]
    items: tuple[LiveWorkItem, ...]


@dataclass(frozen=True)
class Pairing:
    pairs: tuple[Pair, ...]
    conflicts: tuple[Claim, ...]
    orphans: tuple[LiveWorkItem, ...]
    invalid: tuple[InvalidTicket, ...]


def problem_key(problem: Problem) -> str:
    """The ticket key a problem is about: the file name without ``.md``."""
    return PurePosixPath(problem.path).stem


def claims_by_key(items: tuple[LiveWorkItem, ...]) -> dict[str, list[LiveWorkItem]]:
    claims: dict[str, list[LiveWorkItem]] = {}
    for item in sorted(items, key=lambda i: i.id):
        for key in item.marker_keys:
            claims.setdefault(key, []).append(item)
    return claims


def pair(desired: DesiredState, items: tuple[LiveWorkItem, ...]) -> Pairing:
    claims = claims_by_key(items)
    invalid = _invalid(desired, claims)
    invalid_keys = {i.key for i in invalid}
    conflicts: list[Claim] = []
    for key, claimants in sorted(claims.items()):
        if key in invalid_keys:
            continue
        if len(claimants) > 1 or len(claimants[0].marker_keys) > 1:
            conflicts.append(Claim(key, tuple(claimants)))
    conflicted = {c.key for c in conflicts}
    wanted = {t.key for t in desired.tickets}
    pairs = tuple(
        Pair(t, claims[t.key][0] if t.key in claims else None)
        for t in desired.tickets
        if t.key not in conflicted and t.key not in invalid_keys
    )
    orphans = tuple(
        claimants[0]
        for key, claimants in sorted(claims.items())
        if key not in wanted and key not in conflicted and key not in invalid_keys
    )
    return Pairing(pairs=pairs, conflicts=tuple(conflicts), orphans=orphans, invalid=invalid)


def _invalid(desired: DesiredState, claims: dict[str, list[LiveWorkItem]]) -> tuple[InvalidTicket, ...]:
    by_key: dict[str, list[Problem]] = {k: [] for k in desired.invalid_keys}
    valid = {t.key for t in desired.tickets}
    for p in desired.problems:
        key = problem_key(p)
        if key in by_key or key not in valid:
            by_key.setdefault(key, []).append(p)
    return tuple(
        InvalidTicket(key, tuple(sorted(ps)), tuple(claims.get(key, ())))
        for key, ps in sorted(by_key.items())
    )
