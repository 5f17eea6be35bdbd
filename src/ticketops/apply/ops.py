"""JSON Patch documents for the plan's work item actions.

Every update starts with ``test /rev`` (never write on a stale revision) and every write sets
``System.History`` to the audit line naming the source commit.
"""

from __future__ import annotations

from ticketops.ado import PatchOp
from ticketops.model.live import DESCRIPTION, HISTORY, STATE, audit_line
from ticketops.plan.actions import FieldChange

MARKDOWN_FORMAT_PATH = f"/multilineFieldsFormat/{DESCRIPTION}"


def field_ops(changes: tuple[FieldChange, ...], *, markdown: bool, existing: bool = True) -> list[PatchOp]:
    """One op per changed field (state excluded: it is walked step by step). On an ``existing``
    item each value replaces what is there (``PatchOp.update_field``: tags are merged by ``add``).

    ``markdown=False`` sends the description as it is in ``new`` but without the Markdown
    format op (the caller re-renders HTML before that, see ``html_fallback``).
    """
    ops: list[PatchOp] = []
    for c in changes:
        if c.field == STATE:
            continue
        if c.new is None:
            ops.append(PatchOp(op="remove", path=f"/fields/{c.field}"))
            continue
        ops.append(PatchOp.update_field(c.field, c.new) if existing else PatchOp.set_field(c.field, c.new))
        if c.field == DESCRIPTION and c.format == "markdown" and markdown:
            ops.append(PatchOp(op="add", path=MARKDOWN_FORMAT_PATH, value="Markdown"))
    return ops


def uses_markdown(changes: tuple[FieldChange, ...]) -> bool:
    return any(c.field == DESCRIPTION and c.format == "markdown" for c in changes)


def history(commit: str | None, path: str) -> PatchOp:
    return PatchOp.set_field(HISTORY, audit_line(commit, path))


def create_ops(changes: tuple[FieldChange, ...], commit: str | None, path: str, *, markdown: bool) -> list[PatchOp]:
    return [*field_ops(changes, markdown=markdown, existing=False), history(commit, path)]


def update_ops(
    rev: int,
    changes: tuple[FieldChange, ...],
    first_state: str | None,
    commit: str | None,
    path: str,
    *,
    markdown: bool,
) -> list[PatchOp]:
    ops = [PatchOp.test_rev(rev), *field_ops(changes, markdown=markdown)]
    if first_state is not None:
        ops.append(PatchOp.set_field(STATE, first_state))
    ops.append(history(commit, path))
    return ops


def state_step_ops(rev: int, state: str, commit: str | None, path: str) -> list[PatchOp]:
    return [PatchOp.test_rev(rev), PatchOp.set_field(STATE, state), history(commit, path)]
