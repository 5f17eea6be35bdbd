"""Long text in a plan as a unified diff (``plan --diff``), and the texts an external diff tool
compares (``TICKETOPS_EXTERNAL_DIFF``). Pure: returns strings.

Descriptions and acceptance criteria are compared as they would be written: the description in
the format it is stored in (Markdown or HTML), the acceptance criteria as their checklist
items, one per line.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ticketops.plan import fields as f
from ticketops.plan.actions import CreateWorkItem, Plan, UpdateWorkItem
from ticketops.plan.base import FieldChange

INDENT = "        "


@dataclass(frozen=True)
class TextChange:
    """One long-text field of one ticket, before and after."""

    key: str
    label: str  # "description", "acceptance criteria"
    old: str
    new: str

    @property
    def file_name(self) -> str:
        """``PAY-1.description``: the name both sides get for an external diff tool."""
        return f"{self.key}.{self.label.replace(' ', '-')}"


def is_long_text(c: FieldChange) -> bool:
    return c.field in f.LONG_TEXT_FIELDS


def as_lines(c: FieldChange, value: object) -> str:
    """The text a person compares: checklist items one per line, other text as it is."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n")
    if c.field == f.ACCEPTANCE_CRITERIA:
        return "".join(f"- {item}\n" for item in f.parse_acceptance_criteria(text))
    return text if text.endswith("\n") or not text else text + "\n"


def field_diff(c: FieldChange, *, created: bool = False) -> list[str]:
    """The change as unified diff lines (``--- ADO`` / ``+++ ticket``), indented under the field."""
    old = "" if created else as_lines(c, c.old)
    lines = difflib.unified_diff(old.splitlines(), as_lines(c, c.new).splitlines(), "ADO", "ticket", lineterm="", n=2)
    return [INDENT + line for line in lines]


def text_changes(plan: Plan) -> list[TextChange]:
    """Every long-text change of the plan, in plan order."""
    out: list[TextChange] = []
    for a in plan.actions:
        if isinstance(a, UpdateWorkItem | CreateWorkItem):
            created = isinstance(a, CreateWorkItem)
            changes = a.fields if isinstance(a, CreateWorkItem) else a.changes
            for c in changes:
                if is_long_text(c):
                    old = "" if created else as_lines(c, c.old)
                    out.append(TextChange(a.key, f.LABELS.get(c.field, c.field), old, as_lines(c, c.new)))
    return out
