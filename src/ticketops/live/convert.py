"""Wire DTOs (``ticketops.ado.dto``) -> live models (``ticketops.model.live``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ticketops.ado.dto.common import IdentityRef as IdentityRefDto
from ticketops.ado.dto.core import Identity as IdentityDto
from ticketops.ado.dto.wit import WorkItem, WorkItemState, WorkItemType, WorkItemUpdate
from ticketops.model import live as f
from ticketops.model.live import (
    AUDIT_PREFIX,
    FieldAuthors,
    Identity,
    LiveWorkItem,
    StateAutomation,
    StateInfo,
    WorkItemTypeInfo,
    marker_keys,
    split_tags,
)
from ticketops.model.ticket import KEY_RE

# A revision made by ADO's pull request completion names the pull request in its history.
_PR_HISTORY_RE = re.compile(r"\bpull request (?P<id>\d+)\b", re.IGNORECASE)
_HTML_TAG_RE = re.compile(r"<[^>]+>")

# The ticket file an audit line names: ``... (.tickets/PAY-1.md)`` -> ``PAY-1``.
_AUDIT_FILE_RE = re.compile(r"\((?:[^()]*/)?(?P<key>[^/()]+)\.md\)\s*$")


def live_item(wi: WorkItem) -> LiveWorkItem:
    tags = tuple(wi.tags)
    keys = marker_keys(tags)
    assigned = wi.identity(f.ASSIGNED_TO)
    changed_by = wi.identity("System.ChangedBy")
    return LiveWorkItem(
        id=wi.id,
        rev=wi.rev,
        type=wi.work_item_type or "",
        key=keys[0] if len(keys) == 1 else None,
        title=wi.field_str(f.TITLE) or "",
        state=wi.field_str(f.STATE) or "",
        assignee=(assigned.unique_name or assigned.display_name) if assigned else None,
        description=wi.field_str(f.DESCRIPTION) or "",
        description_format="markdown" if wi.format_of(f.DESCRIPTION) == "markdown" else "html",
        acceptance_criteria=wi.field_str(f.ACCEPTANCE_CRITERIA) or "",
        priority=wi.field_int(f.PRIORITY),
        tags=tags,
        area_path=wi.field_str(f.AREA_PATH),
        changed_date=wi.field_str("System.ChangedDate"),
        changed_by=str(changed_by) if changed_by else None,
        url=wi.url or None,
    )


def type_info(wit: WorkItemType, states: Iterable[WorkItemState] | None = None) -> WorkItemTypeInfo:
    """States with their categories (from ``/states`` when given) and the transitions."""
    categories = {s.name.lower(): s.category for s in (states or ())}
    state_list = list(states) if states else list(wit.states)
    infos = tuple(
        StateInfo(name=s.name, category=s.category or categories.get(s.name.lower()) or "InProgress")
        for s in state_list
    )
    initial = (wit.initial_states or [infos[0].name if infos else ""])[0]
    return WorkItemTypeInfo(
        name=wit.name,
        states=infos,
        transitions={k: tuple(v) for k, v in wit.transitions.items()},
        initial_state=initial,
    )


def identity(email: str, found: IdentityDto | None) -> Identity | None:
    """The person ``email`` names, or None when the identities search found nobody."""
    if found is None:
        return None
    return Identity(email=found.mail or email, id=found.id, display_name=found.display_name or "")


def field_authors(item_id: int, updates: Iterable[WorkItemUpdate]) -> FieldAuthors:
    """Which managed fields someone other than ticketops changed last.

    An update is ticketops' own when its ``System.History`` starts with the audit prefix.
    """
    last_external: dict[str, bool] = {}
    automation: StateAutomation | None = None
    written: dict[str, str] = {}
    for upd in sorted(updates, key=lambda u: (u.rev or 0, u.id)):
        history = upd.fields.get(f.HISTORY)
        ours = bool(history and isinstance(history.new_value, str) and history.new_value.startswith(AUDIT_PREFIX))
        for name, change in upd.fields.items():
            if name in f.MANAGED_FIELDS:
                last_external[name] = not ours
                if ours:
                    written[name] = _value_text(change.new_value)
        if f.STATE in upd.fields:
            automation = None if ours else pr_completion(upd)
    external = frozenset(k for k, ext in last_external.items() if ext)
    return FieldAuthors(id=item_id, external=external, automation=automation, written=written)


def pr_completion(upd: WorkItemUpdate) -> StateAutomation | None:
    """The state change of ``upd`` when its history says a pull request completion made it.
    (The reader then checks that pull request: completed, by the identity that made the revision.)"""
    history, state = upd.fields.get(f.HISTORY), upd.fields.get(f.STATE)
    m = _PR_HISTORY_RE.search(_HTML_TAG_RE.sub(" ", _text(history.new_value))) if history else None
    if m is None or state is None or not isinstance(state.new_value, str) or upd.revised_by is None:
        return None
    by = upd.revised_by
    return StateAutomation(
        rev=upd.rev or 0,
        state=state.new_value,
        by=str(by.unique_name or by.display_name or by.id or ""),
        by_id=by.id,
        date=upd.revised_date,
        pull_request=int(m.group("id")),
    )


def recovered_keys(updates: Iterable[WorkItemUpdate]) -> tuple[str, ...]:
    """The ticket key(s) an item whose ``ticketops:KEY`` tag was removed belonged to, from its
    history (``/updates``): the last ``ticketops:KEY`` tags it carried (the update that removed
    them names them in its old value); else the ticket file named by ticketops' last audit line
    (every ticketops write names its ticket file in ``System.History``). Empty when neither is
    there: ticketops never wrote the item."""
    tagged: tuple[str, ...] = ()
    audited: str | None = None
    for upd in sorted(updates, key=lambda u: (u.rev or 0, u.id)):
        tags = upd.fields.get(f.TAGS)
        if tags is not None:
            new = marker_keys(split_tags(_text(tags.new_value)))
            tagged = new or marker_keys(split_tags(_text(tags.old_value))) or tagged
        history = upd.fields.get(f.HISTORY)
        text = _text(history.new_value) if history is not None else ""
        m = _AUDIT_FILE_RE.search(text) if text.startswith(AUDIT_PREFIX) else None
        if m and KEY_RE.match(m.group("key")):
            audited = m.group("key")
    return tagged or ((audited,) if audited else ())


def _value_text(value: object) -> str:
    """A field value as text: an identity by its unique name, a number in decimal."""
    if isinstance(value, IdentityRefDto):
        return str(value.unique_name or value.display_name or "").lower()
    return "" if value is None else str(value)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
