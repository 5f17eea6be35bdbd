"""One live work item -> the bytes of its ticket file, checked by the desired-state parser.

The ticket is written so that the planner finds nothing to change on the item except what the
import itself writes when it adopts it (marker tags, and the description and acceptance
criteria in the form ticketops stores them); ``adopt.check_round_trip`` verifies that.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from ticketops.desired import parse_ticket
from ticketops.importer.convert import acceptance_items, description_markdown
from ticketops.model.config import BoardConfig
from ticketops.model.live import COMMON_TAG, KEY_TAG_PREFIX, LiveWorkItem
from ticketops.model.ticket import EMAIL_RE, Ticket
from ticketops.plan.fields import same_path


class NotImportable(Exception):
    """This item cannot be written as a ticket; ``str()`` says why and how to fix it."""


@dataclass(frozen=True)
class RenderedTicket:
    key: str
    path: str  # relative to the git repository root, e.g. ".tickets/ADO-12.md"
    content: bytes
    ticket: Ticket
    notes: tuple[str, ...]  # things worth telling the user (tags left out, ...)


def _status(item: LiveWorkItem, config: BoardConfig) -> str:
    status = config.status_for_state(item.state)
    if status is None:
        known = ", ".join(f"{s.name}={s.state}" for s in config.effective_statuses)
        raise NotImportable(
            f"#{item.id} ({item.type}, state {item.state!r}): no status maps to state {item.state!r} "
            f"(statuses: {known}); add a status for it under `statuses:` in config.yaml to import it"
        )
    return status.name


def _tags(item: LiveWorkItem) -> tuple[list[str], list[str]]:
    """The item's tags a ticket can list, and the ones it cannot (they stay on the item: tags are additive)."""
    keep: list[str] = []
    left: list[str] = []
    for tag in item.tags:
        low = tag.lower()
        if low == COMMON_TAG or low.startswith(KEY_TAG_PREFIX):
            continue
        (left if tag.startswith("-") else keep).append(tag)
    return keep, left


def _assignee(item: LiveWorkItem) -> str | None:
    if item.assignee is None:
        return None
    if not EMAIL_RE.match(item.assignee):
        raise NotImportable(
            f"#{item.id}: assignee {item.assignee!r} is not an e-mail address, and tickets name people by "
            "e-mail; assign the item to a user with an e-mail address (or unassign it) in ADO and import again"
        )
    return item.assignee


def front_matter(item: LiveWorkItem, config: BoardConfig, *, project: str) -> tuple[dict[str, object], list[str]]:
    """The ticket's fields, in the order people read them, and notes about what was left out."""
    notes: list[str] = []
    status = _status(item, config)
    fm: dict[str, object] = {"title": item.title.strip(), "status": status}
    if item.type and item.type.lower() != config.effective_work_item_type.lower():
        fm["type"] = item.type
    fm["id"] = item.id
    assignee = _assignee(item)
    if assignee:
        fm["assignee"] = assignee
    if item.priority is not None and 1 <= item.priority <= 4:
        fm["priority"] = item.priority
    if item.area_path and not same_path(item.area_path, project):
        fm["area_path"] = item.area_path
    tags, left = _tags(item)
    if tags:
        fm["tags"] = tags
    if left:
        notes.append(f"tags {left} stay on the item but are not listed (a leading '-' means 'remove' in a ticket)")
    criteria = acceptance_items(item.acceptance_criteria)
    if criteria:
        fm["acceptance_criteria"] = list(criteria)
    return fm, notes


def ticket_bytes(fm: dict[str, object], body: str) -> bytes:
    text = yaml.safe_dump(fm, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000_000)
    out = f"---\n{text}---\n"
    if body:
        out += f"\n{body}\n"
    return out.encode("utf-8")


def render(item: LiveWorkItem, key: str, config: BoardConfig, *, tickets_dir: str, project: str) -> RenderedTicket:
    """The ticket file for ``item``; :class:`NotImportable` when it cannot be one."""
    fm, notes = front_matter(item, config, project=project)
    body = description_markdown(item.description, item.description_format)
    content = ticket_bytes(fm, body)
    path = f"{tickets_dir}/{key}.md" if tickets_dir else f"{key}.md"
    ticket, problems = parse_ticket(path, content, config)
    if ticket is None:
        raise NotImportable(f"#{item.id}: the ticket would not be valid: " + "; ".join(p.message for p in problems))
    return RenderedTicket(key, path, content, ticket, tuple(notes))
