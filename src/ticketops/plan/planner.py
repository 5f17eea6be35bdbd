"""``make_plan``: desired state + live state -> a sorted plan. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping

from ticketops.model.desired import DesiredState
from ticketops.model.live import STATE, FieldAuthors, LiveState, LiveWorkItem, WorkItemTypeInfo
from ticketops.model.ticket import Ticket
from ticketops.plan import ownership
from ticketops.plan.actions import (
    Action,
    Blocked,
    Conflict,
    CreateWorkItem,
    Held,
    Orphan,
    Plan,
    Prune,
    Synced,
    Unpaired,
    UpdateWorkItem,
    key_order,
    sort_actions,
)
from ticketops.plan.diff import DiffContext, TicketBlocked, diff_create, diff_update
from ticketops.plan.pair import Claim, InvalidTicket, LostClaim, pair
from ticketops.plan.states import check_statuses, state_path


def make_plan(
    desired: DesiredState,
    live: LiveState,
    *,
    prune: bool = False,
    authors: Mapping[int, FieldAuthors] | None = None,
) -> Plan:
    """Plan every ticket. Raises ``ConfigError`` (before anything is written) when the
    config's states do not exist on the work item type.

    ``authors`` (optional) says, per item id, which managed fields someone other than
    ticketops changed last; their changes are marked as drift.
    """
    check_statuses(desired.config, live.type_info)
    pairing = pair(desired, live.items)
    actions: list[Action] = []
    synced: list[Synced] = []
    for p in pairing.pairs:
        known = authors.get(p.item.id) if (authors and p.item) else None
        external = known.external if known else frozenset()
        typed = _type_of(desired, live, p.ticket, p.item)
        if isinstance(typed, Blocked):
            actions.append(typed)
            continue
        ctx = _context(desired, live, external, typed)
        planned = _plan_ticket(desired, p.ticket, p.item, ctx, known)
        if not planned and p.item is not None:
            synced.append(Synced(key=p.ticket.key, id=p.item.id, rev=p.item.rev))
        actions.extend(planned)
    actions.extend(_conflict(c) for c in pairing.conflicts)
    actions.extend(_invalid(i) for i in pairing.invalid)
    actions.extend(Blocked(key=m.ticket.key, id=m.id, reason=m.reason) for m in pairing.id_mismatches)
    actions.extend(_lost(c) for c in pairing.lost)
    actions.extend(_unpaired(i, desired) for i in pairing.unpaired)
    for item in pairing.orphans:
        orphan = _orphan(item, live, prune)
        if orphan is not None:
            actions.append(orphan)
    return Plan(
        project=desired.config.project,
        work_item_type=live.type_info.name,
        commit=desired.commit,
        actions=sort_actions(actions),
        synced=tuple(sorted(synced, key=lambda s: key_order(s.key))),
        other_boards=dict(live.other_boards),
    )


def _type_of(
    desired: DesiredState, live: LiveState, ticket: Ticket, item: LiveWorkItem | None
) -> WorkItemTypeInfo | Blocked:
    """The ticket's work item type (``type:``, else the board's), or why it cannot be used."""
    name = ticket.type or desired.config.effective_work_item_type
    info = live.type_named(ticket.type)
    ident = item.id if item else None
    if info is None:
        known = f" (its types: {', '.join(live.project_types)})" if live.project_types else ""
        return Blocked(
            key=ticket.key,
            id=ident,
            reason=f"work item type {name!r} (`type:` in {ticket.path}) does not "
            f"exist in project {desired.config.project!r}{known}",
        )
    if item is not None and item.type and item.type.lower() != info.name.lower():
        return Blocked(
            key=ticket.key,
            id=ident,
            reason=f"work item #{item.id} is a {item.type!r} but the ticket is a "
            f"{info.name!r}; set `type: {item.type}` in {ticket.path} "
            "(ticketops never changes an item's type)",
        )
    return info


def _context(
    desired: DesiredState, live: LiveState, external: frozenset[str], type_info: WorkItemTypeInfo
) -> DiffContext:
    return DiffContext(
        config=desired.config,
        type_info=type_info,
        identities=dict(live.identities),
        markdown_supported=live.markdown_supported,
        external=external,
    )


def _plan_ticket(
    desired: DesiredState,
    ticket: Ticket,
    item: LiveWorkItem | None,
    ctx: DiffContext,
    known: FieldAuthors | None,
) -> list[Action]:
    """The ticket's work item actions: a create, or an update of what is written and a
    :class:`Held` of what is only shown (plan/ownership.py); none when in sync."""
    try:
        if item is None:
            d = diff_create(ticket, ctx)
            create = CreateWorkItem(
                key=ticket.key,
                work_item_type=ctx.type_info.name,
                initial_state=ctx.type_info.initial_state,
                path=ticket.path,
                fields=d.changes,
                state_path=d.state_path,
            )
            return [create]
        d = diff_update(ticket, item, ctx)
    except TicketBlocked as e:
        return [Blocked(key=ticket.key, id=item.id if item else None, reason=str(e))]
    auto, before = (known.automation, known.written) if known else (None, {})
    written, held = ownership.split(ticket, item, d.changes, ctx.type_info, desired.config.fields, auto, before)
    out: list[Action] = []
    if written:
        path = d.state_path if any(c.field == STATE for c in written) else ()
        out.append(
            UpdateWorkItem(
                key=ticket.key,
                id=item.id,
                rev=item.rev,
                path=ticket.path,
                changes=written,
                state_path=path,
                adopting=d.adopting,
            )
        )
    if held:
        out.append(Held(key=ticket.key, id=item.id, rev=item.rev, path=ticket.path, changes=held))
    return out


def _conflict(claim: Claim) -> Conflict:
    ids = tuple(i.id for i in claim.items)
    multi = [i for i in claim.items if len(i.marker_keys) > 1]
    if len(ids) > 1:
        listed = ", ".join(f"#{i}" for i in ids)
        reason = (
            f"work items {listed} all carry the marker tag ticketops:{claim.key} (was one copied with its tags?); "
            f"no writes for {claim.key} until the tag is removed from all but one of them"
        )
    else:
        others = ", ".join(multi[0].marker_keys)
        reason = (
            f"work item #{ids[0]} carries marker tags for several tickets ({others}); "
            f"no writes for {claim.key} until it keeps only one ticketops:KEY tag"
        )
    return Conflict(key=claim.key, ids=ids, reason=reason)


def _lost(claim: LostClaim) -> Blocked | Conflict:
    """Never a create for a ticket whose item lost its tag: that would be a second item."""
    key, lost = claim.key, claim.lost
    listed = ", ".join(f"#{i.id}" for i in lost)
    several = [i for i in lost if len(i.recovered_keys) > 1]
    if claim.marked:
        ids = tuple(sorted(i.id for i in (*lost, *claim.marked)))
        marked = ", ".join(f"#{i.id}" for i in claim.marked)
        return Conflict(
            key=key,
            ids=ids,
            reason=(
                f"work item {listed} lost its tag ticketops:{key} while {marked} carries it (two items for one ticket); "
                f"remove the `ticketops` tag from the one that is not {key}'s, or put ticketops:{key} back on it "
                f"and keep only one; no writes for {key} until then"
            ),
        )
    if len(lost) > 1:
        return Conflict(
            key=key,
            ids=tuple(i.id for i in lost),
            reason=(
                f"work items {listed} all lost their tag ticketops:{key}; re-add it to the one that is {key}'s "
                f"(and remove the `ticketops` tag from the others); not creating another item"
            ),
        )
    (item,) = lost
    if several:
        tags = ", ".join(f"ticketops:{k}" for k in item.recovered_keys)
        return Blocked(
            key=key,
            id=item.id,
            reason=(
                f"work item #{item.id} lost its tags {tags} (it carried several); re-add the one it belongs to "
                f"(or remove the `ticketops` tag); not creating a second item"
            ),
        )
    return Blocked(
        key=key,
        id=item.id,
        reason=(
            f"work item #{item.id} lost its tag ticketops:{key}; re-add it (or remove the `ticketops` tag) "
            f"- not creating a second item"
        ),
    )


def _unpaired(item: LiveWorkItem, desired: DesiredState) -> Unpaired:
    keys = item.recovered_keys
    if not keys:
        why = (
            "carries the `ticketops` tag but no ticketops:KEY tag, and its history shows no ticketops write; "
            "left alone (remove the tag, or add ticketops:KEY to pair it with ticket KEY)"
        )
    else:
        tags = ", ".join(f"ticketops:{k}" for k in keys)
        known = {t.key for t in desired.tickets}
        gone = [k for k in keys if k not in known]
        state = f"ticket {', '.join(gone)} does not exist" if gone else "that ticket is blocked or paired by `id:`"
        why = f"lost its tag {tags} and {state}; left alone (re-add the tag, or remove the `ticketops` tag)"
    return Unpaired(
        key=keys[0] if len(keys) == 1 else f"#{item.id}",
        id=item.id,
        title=item.title,
        state=item.state,
        reason=f"work item #{item.id} {why}",
    )


def _invalid(inv: InvalidTicket) -> Blocked:
    problems = "; ".join(str(p) for p in inv.problems) or "the ticket file is invalid"
    ids = ", ".join(f"#{i.id}" for i in inv.items)
    left = f"; work item {ids} left alone until the file is fixed" if ids else "; nothing written for it"
    return Blocked(key=inv.key, id=inv.items[0].id if len(inv.items) == 1 else None, reason=problems + left)


def _orphan(item: LiveWorkItem, live: LiveState, prune: bool) -> Action | None:
    key = item.marker_keys[0]
    type_info = live.type_named(item.type or None) or live.type_info
    removed = type_info.removed_state()
    if removed is not None and item.state.lower() == removed.name.lower():
        return None  # already pruned
    if not prune:
        return Orphan(key=key, id=item.id, title=item.title, state=item.state)
    if removed is None:
        return Blocked(
            key=key,
            id=item.id,
            reason=f"cannot prune #{item.id}: work item type {type_info.name!r} has no state in the "
            f"Removed category (states: {', '.join(type_info.state_names)}); it is left as it is",
        )
    path = state_path(type_info, item.state, removed.name)
    if path is None:
        return Blocked(
            key=key,
            id=item.id,
            reason=f"cannot prune #{item.id}: no transitions lead from {item.state!r} to {removed.name!r}",
        )
    return Prune(key=key, id=item.id, rev=item.rev, title=item.title, from_state=item.state, state_path=path)
