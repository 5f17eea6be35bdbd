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
class IdMismatch:
    """A ticket whose ``id:`` cannot be honoured: the item is missing, or another ticket's
    marker (or another item carrying this ticket's marker) says otherwise."""

    ticket: Ticket
    id: int | None
    reason: str


@dataclass(frozen=True)
class LostClaim:
    """Ticket ``key``'s item(s) lost their ``ticketops:KEY`` tag (their history names ``key``);
    ``marked`` are the items that still carry the tag, if any. The ticket gets no writes and
    is never created anew."""

    key: str
    lost: tuple[LiveWorkItem, ...]
    marked: tuple[LiveWorkItem, ...] = ()


@dataclass(frozen=True)
class Pairing:
    pairs: tuple[Pair, ...]
    conflicts: tuple[Claim, ...]
    orphans: tuple[LiveWorkItem, ...]
    invalid: tuple[InvalidTicket, ...]
    id_mismatches: tuple[IdMismatch, ...] = ()
    lost: tuple[LostClaim, ...] = ()
    # Items marked ``ticketops`` that name no ticket and block none: reported, left alone.
    unpaired: tuple[LiveWorkItem, ...] = ()


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
    by_id = {i.id: i for i in items}
    named: dict[int, list[str]] = {}
    for t in desired.tickets:
        if t.id is not None:
            named.setdefault(t.id, []).append(t.key)
    open_keys = {t.key for t in desired.tickets if t.id is None} - conflicted - invalid_keys
    lost, unpaired = _lost(items, open_keys, set(named), claims)
    lost_keys = {c.key for c in lost}
    pairs: list[Pair] = []
    mismatches: list[IdMismatch] = []
    for t in desired.tickets:
        if t.key in conflicted or t.key in invalid_keys or t.key in lost_keys:
            continue
        if t.id is not None and len(named[t.id]) > 1:
            mismatches.append(
                IdMismatch(t, t.id, f"tickets {', '.join(named[t.id])} all say `id: {t.id}`; keep it in one of them")
            )
            continue
        claimed = claims[t.key][0] if t.key in claims else None
        found = _by_id(t, claimed, by_id)
        if isinstance(found, IdMismatch):
            mismatches.append(found)
        else:
            pairs.append(Pair(t, found))
    orphans = tuple(
        claimants[0]
        for key, claimants in sorted(claims.items())
        if key not in wanted and key not in conflicted and key not in invalid_keys
    )
    return Pairing(
        pairs=tuple(pairs),
        conflicts=tuple(conflicts),
        orphans=orphans,
        invalid=invalid,
        id_mismatches=tuple(mismatches),
        lost=lost,
        unpaired=unpaired,
    )


def _lost(
    items: tuple[LiveWorkItem, ...], open_keys: set[str], named_ids: set[int], claims: dict[str, list[LiveWorkItem]]
) -> tuple[tuple[LostClaim, ...], tuple[LiveWorkItem, ...]]:
    """Items marked ``ticketops`` whose ``ticketops:KEY`` tag is gone. Those whose history names
    a ticket that could otherwise be created (valid, no ``id:``, not in conflict) hold that
    ticket back; the others (no ticket, or no ticketops write in their history) are unpaired.
    Items a ticket's ``id:`` names are paired through it instead."""
    by_key: dict[str, list[LiveWorkItem]] = {}
    unpaired: list[LiveWorkItem] = []
    for item in sorted(items, key=lambda i: i.id):
        if not item.lost_marker or item.id in named_ids:
            continue
        keys = [k for k in item.recovered_keys if k in open_keys]
        for key in keys:
            by_key.setdefault(key, []).append(item)
        if not keys:
            unpaired.append(item)
    lost = tuple(
        LostClaim(key, tuple(found), tuple(c for c in claims.get(key, ()) if c.id not in {i.id for i in found}))
        for key, found in sorted(by_key.items())
    )
    return lost, tuple(unpaired)


def _by_id(t: Ticket, claimed: LiveWorkItem | None, by_id: dict[int, LiveWorkItem]) -> LiveWorkItem | IdMismatch | None:
    """The item for ``t``: the one carrying its marker; else, for a ticket with ``id:``, that
    item while it carries no marker (an imported item not adopted yet). Never None for a
    ticket with ``id:``: such a ticket is never created anew."""
    if t.id is None:
        return claimed
    if claimed is not None:
        if claimed.id == t.id:
            return claimed
        return IdMismatch(
            t,
            claimed.id,
            f"the ticket says `id: {t.id}` but work item #{claimed.id} carries its "
            f"marker tag ticketops:{t.key}; fix `id:` in {t.path} or the tags in ADO",
        )
    item = by_id.get(t.id)
    if item is None:
        return IdMismatch(
            t,
            None,
            f"work item #{t.id} (`id:` in {t.path}) was not found in the project: deleted, "
            "moved or not visible to this token; remove `id:` to create a new item instead",
        )
    if item.marker_keys:
        return IdMismatch(
            t,
            item.id,
            f"work item #{t.id} (`id:` in {t.path}) belongs to ticket "
            f"{', '.join(item.marker_keys)} (its marker tag); remove `id:` from one of them",
        )
    return item


def _invalid(desired: DesiredState, claims: dict[str, list[LiveWorkItem]]) -> tuple[InvalidTicket, ...]:
    by_key: dict[str, list[Problem]] = {k: [] for k in desired.invalid_keys}
    valid = {t.key for t in desired.tickets}
    for p in desired.problems:
        key = problem_key(p)
        if key in by_key or key not in valid:
            by_key.setdefault(key, []).append(p)
    return tuple(
        InvalidTicket(key, tuple(sorted(ps)), tuple(claims.get(key, ()))) for key, ps in sorted(by_key.items())
    )
