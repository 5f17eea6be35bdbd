"""Diff one ticket against its live work item (or against nothing, for a create)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ticketops.model.config import BoardConfig
from ticketops.model.live import Identity, LiveWorkItem, WorkItemTypeInfo
from ticketops.model.ticket import Ticket
from ticketops.plan import fields as f
from ticketops.plan.actions import FieldChange
from ticketops.plan.states import canonical_state, state_path


class TicketBlocked(Exception):
    """Raised inside the diff when a ticket cannot be planned; becomes a ``blocked`` action."""


@dataclass(frozen=True)
class DiffContext:
    config: BoardConfig
    type_info: WorkItemTypeInfo
    identities: dict[str, Identity | None]
    markdown_supported: bool
    external: frozenset[str] = frozenset()  # fields whose last change was not ticketops'


@dataclass(frozen=True)
class ItemDiff:
    changes: tuple[FieldChange, ...]
    state_path: tuple[str, ...]
    adopting: bool = False  # the item is paired by the ticket's `id:` and not marked by ticketops yet


def target_state(ticket: Ticket, ctx: DiffContext) -> str:
    try:
        status = ctx.config.status(ticket.status)
    except KeyError:
        names = ", ".join(s.name for s in ctx.config.effective_statuses)
        raise TicketBlocked(f"status {ticket.status!r} is not in the config's statuses ({names})") from None
    if ctx.type_info.find_state(status.state) is None:
        raise TicketBlocked(
            f"status {ticket.status!r} maps to state {status.state!r}, which work item type {ctx.type_info.name!r} "
            f"does not have (its states: {', '.join(ctx.type_info.state_names)}); pick another status"
        )
    return canonical_state(ctx.type_info, status.state)


def _path(ctx: DiffContext, start: str | None, target: str) -> tuple[str, ...]:
    path = state_path(ctx.type_info, start, target)
    if path is None:
        origin = start if start is not None else f"{ctx.type_info.initial_state} (new item)"
        raise TicketBlocked(
            f"state {target!r} cannot be reached from {origin!r}: the process allows no sequence "
            f"of transitions there for type {ctx.type_info.name!r}"
        )
    return path


def _assignee(ticket: Ticket, ctx: DiffContext) -> str | None:
    if ticket.assignee is None:
        return None
    ident = ctx.identities.get(ticket.assignee.lower())
    if ident is None:
        raise TicketBlocked(
            f"assignee {ticket.assignee} is not a user in this organization (identities search found "
            f"nobody); fix `assignee:` in {ticket.path} or add the person to the organization"
        )
    return ident.email


def _require_field(ticket: Ticket, ctx: DiffContext, ref: str, wanted: bool) -> bool:
    """Whether ``ref`` is managed for this ticket; refuse values for fields the type lacks."""
    if ctx.type_info.has_field(ref):
        return True
    if wanted:
        raise TicketBlocked(
            f"work item type {ctx.type_info.name!r} has no field {ref}; remove "
            f"`{f.label(ref).replace(' ', '_')}` from {ticket.path}"
        )
    return False


def _description(ticket: Ticket, ctx: DiffContext) -> tuple[str, Literal["markdown", "html"]]:
    """The description to write: Markdown where the server stores it, else rendered HTML."""
    if ctx.markdown_supported:
        return f.normalize_text(ticket.body), "markdown"
    return f.markdown_to_html(ticket.body), "html"


def _description_matches(item: LiveWorkItem, ticket: Ticket) -> bool:
    """Compared in the item's own format: a Markdown item by its text, an HTML item (written
    by people, or by ticketops on a server without Markdown) by the ticket body's HTML
    rendering. So an adopted HTML item whose text matches stays as it is."""
    if not f.normalize_text(ticket.body) and not f.normalize_text(item.description):
        return True
    if item.description_format == "markdown":
        return f.normalize_text(item.description) == f.normalize_text(ticket.body)
    return f.normalize_html(item.description) == f.normalize_html(f.markdown_to_html(ticket.body))


def diff_create(ticket: Ticket, ctx: DiffContext) -> ItemDiff:
    """The fields a new item is created with (state set by walking ``state_path``)."""
    target = target_state(ticket, ctx)
    path = _path(ctx, None, target)
    out = [FieldChange(field=f.TITLE, new=ticket.title)]
    out.append(FieldChange(field=f.STATE, old=None, new=target))
    assignee = _assignee(ticket, ctx)
    if assignee:
        out.append(FieldChange(field=f.ASSIGNED_TO, new=assignee))
    if ticket.priority is not None and _require_field(ticket, ctx, f.PRIORITY, True):
        out.append(FieldChange(field=f.PRIORITY, new=ticket.priority))
    tags = f.merge_tags((), ticket.wanted_tags, ticket.unwanted_tags, ticket.key, ctx.config.board)
    out.append(FieldChange(field=f.TAGS, new=f.join_tags(tags)))
    if ticket.area_path:
        out.append(FieldChange(field=f.AREA_PATH, new=ticket.area_path))
    body, fmt = _description(ticket, ctx)
    if body:
        out.append(FieldChange(field=f.DESCRIPTION, new=body, format=fmt))
    wants_ac = _require_field(ticket, ctx, f.ACCEPTANCE_CRITERIA, bool(ticket.acceptance_criteria))
    if wants_ac and ticket.acceptance_criteria:
        ac = f.render_acceptance_criteria(ticket.acceptance_criteria)
        out.append(FieldChange(field=f.ACCEPTANCE_CRITERIA, new=ac, format="html"))
    return ItemDiff(tuple(out), path)


def diff_update(ticket: Ticket, item: LiveWorkItem, ctx: DiffContext) -> ItemDiff:
    """The managed fields whose live value differs from the ticket's (empty = in sync)."""
    out: list[FieldChange] = []
    target = target_state(ticket, ctx)
    path: tuple[str, ...] = ()
    if item.state.lower() != target.lower():
        path = _path(ctx, item.state, target)
        out.append(FieldChange(field=f.STATE, old=item.state, new=target))
    for check in _CHECKS:
        change = check(ticket, item, ctx)
        if change is not None:
            out.append(change)
    # Drift is a change made in ADO to a field ticketops wrote. An item being adopted (paired by
    # the ticket's `id:`, no marker tag, no ticketops write in its history) has none.
    adopting = not item.marker_keys and not item.recovered_keys
    marked = tuple(c.model_copy(update={"drift": not adopting and c.field in ctx.external}) for c in out)
    order = {name: i for i, name in enumerate(f.MANAGED_FIELDS)}
    return ItemDiff(tuple(sorted(marked, key=lambda c: order.get(c.field, 99))), path, adopting)


def _title(t: Ticket, i: LiveWorkItem, ctx: DiffContext) -> FieldChange | None:
    if t.title.strip() == i.title.strip():
        return None
    return FieldChange(field=f.TITLE, old=i.title, new=t.title)


def _assigned(t: Ticket, i: LiveWorkItem, ctx: DiffContext) -> FieldChange | None:
    if f.same_email(t.assignee, i.assignee):
        return None
    return FieldChange(field=f.ASSIGNED_TO, old=i.assignee, new=_assignee(t, ctx))


def _priority(t: Ticket, i: LiveWorkItem, ctx: DiffContext) -> FieldChange | None:
    if t.priority is None or t.priority == i.priority:
        return None
    _require_field(t, ctx, f.PRIORITY, True)
    return FieldChange(field=f.PRIORITY, old=i.priority, new=t.priority)


def _tags(t: Ticket, i: LiveWorkItem, ctx: DiffContext) -> FieldChange | None:
    merged = f.merge_tags(i.tags, t.wanted_tags, t.unwanted_tags, t.key, ctx.config.board)
    if f.same_tags(merged, i.tags):
        return None
    return FieldChange(field=f.TAGS, old=f.join_tags(i.tags), new=f.join_tags(merged))


def _area(t: Ticket, i: LiveWorkItem, ctx: DiffContext) -> FieldChange | None:
    if t.area_path is None or f.same_path(t.area_path, i.area_path):
        return None
    return FieldChange(field=f.AREA_PATH, old=i.area_path, new=t.area_path)


def _desc(t: Ticket, i: LiveWorkItem, ctx: DiffContext) -> FieldChange | None:
    if _description_matches(i, t):
        return None
    body, fmt = _description(t, ctx)
    return FieldChange(field=f.DESCRIPTION, old=i.description, new=body, format=fmt)


def _acceptance(t: Ticket, i: LiveWorkItem, ctx: DiffContext) -> FieldChange | None:
    if not _require_field(t, ctx, f.ACCEPTANCE_CRITERIA, bool(t.acceptance_criteria)):
        return None
    wanted = f.render_acceptance_criteria(t.acceptance_criteria)
    if f.normalize_html(wanted) == f.normalize_html(i.acceptance_criteria):
        return None
    return FieldChange(field=f.ACCEPTANCE_CRITERIA, old=i.acceptance_criteria, new=wanted, format="html")


_CHECKS: tuple[Callable[[Ticket, LiveWorkItem, DiffContext], FieldChange | None], ...] = (
    _title,
    _assigned,
    _priority,
    _tags,
    _area,
    _desc,
    _acceptance,
)
