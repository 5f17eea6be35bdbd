"""Adoption: the writes that make an imported item a managed one.

The planner decides what they are: the imported ticket is diffed against its item exactly as
``ticketops plan`` will diff it. Only the marker tags and the stored form of the description and
acceptance criteria may differ (the ticket holds Markdown and a checklist; ADO may hold HTML);
any other difference means the ticket does not say what the item says, and the item is not
imported. Writing those changes, guarded by ``test /rev``, leaves nothing for the next plan.
"""

from __future__ import annotations

from ticketops.ado import AdoClient, BadRequest, PatchOp, WorkItem
from ticketops.importer.render import NotImportable
from ticketops.model.config import BoardConfig
from ticketops.model.live import (
    ACCEPTANCE_CRITERIA,
    AUDIT_PREFIX,
    DESCRIPTION,
    HISTORY,
    TAGS,
    LiveWorkItem,
    WorkItemTypeInfo,
)
from ticketops.model.ticket import Ticket
from ticketops.plan.actions import FieldChange
from ticketops.plan.diff import DiffContext, TicketBlocked, diff_update
from ticketops.plan.fields import join_tags, label, merge_tags, same_tags
from ticketops.plan.render import short

ADOPTABLE = frozenset({TAGS, DESCRIPTION, ACCEPTANCE_CRITERIA})
MARKDOWN_FORMAT_PATH = f"/multilineFieldsFormat/{DESCRIPTION}"


def history_line(path: str) -> str:
    """The audit line of an adoption (starts like every ticketops write, so it is not drift)."""
    return f"{AUDIT_PREFIX}ticketops import ({path})"


def context(config: BoardConfig, type_info: WorkItemTypeInfo, *, markdown: bool) -> DiffContext:
    return DiffContext(config=config, type_info=type_info, identities={}, markdown_supported=markdown)


def adoption_changes(ticket: Ticket, item: LiveWorkItem, ctx: DiffContext) -> tuple[FieldChange, ...]:
    """What adopting ``item`` for ``ticket`` writes; :class:`NotImportable` when the ticket would
    change anything else about the item."""
    try:
        diff = diff_update(ticket, item, ctx)
    except TicketBlocked as e:
        raise NotImportable(f"#{item.id}: {e}") from None
    other = [c for c in diff.changes if c.field not in ADOPTABLE]
    if other:
        what = "; ".join(f"{label(c.field)} {short(c.old)} -> {short(c.new)}" for c in other)
        raise NotImportable(f"#{item.id}: the ticket cannot say exactly what the item holds ({what})")
    return diff.changes


def marker_changes(item: LiveWorkItem, key: str) -> tuple[FieldChange, ...]:
    """Only the marker tags (for a ticket file the import keeps as the user edited it)."""
    merged = merge_tags(item.tags, (), (), key)
    if same_tags(merged, item.tags):
        return ()
    return (FieldChange(field=TAGS, old=join_tags(item.tags), new=join_tags(merged)),)


def patch_ops(rev: int, changes: tuple[FieldChange, ...], path: str, *, markdown: bool) -> list[PatchOp]:
    ops = [PatchOp.test_rev(rev)]
    for c in changes:
        ops.append(PatchOp.update_field(c.field, c.new if c.new is not None else ""))
        if c.field == DESCRIPTION and c.format == "markdown" and markdown:
            ops.append(PatchOp(op="add", path=MARKDOWN_FORMAT_PATH, value="Markdown"))
    ops.append(PatchOp.set_field(HISTORY, history_line(path)))
    return ops


def wants_markdown(changes: tuple[FieldChange, ...]) -> bool:
    return any(c.field == DESCRIPTION and c.format == "markdown" for c in changes)


class MarkdownRefused(Exception):
    """The server refused (or ignored) the Markdown description format: re-plan with HTML."""


def send(client: AdoClient, project: str, item: LiveWorkItem, changes: tuple[FieldChange, ...], path: str) -> WorkItem:
    """One guarded update. Raises ``StaleRevision`` on 412 and :class:`MarkdownRefused` when a
    Markdown description was refused (nothing written) or stored as HTML (written; re-plan)."""
    markdown = wants_markdown(changes)
    try:
        wi = client.update_work_item(project, item.id, patch_ops(item.rev, changes, path, markdown=markdown))
    except BadRequest as e:
        if markdown:  # servers without Markdown support refuse the format op
            raise MarkdownRefused(str(e)) from None
        raise
    if markdown and wi.format_of(DESCRIPTION) != "markdown":
        raise MarkdownRefused("the server stored the description as HTML")
    return wi
