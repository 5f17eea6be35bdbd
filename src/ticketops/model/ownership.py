"""Who owns a managed field: git (``revert``, the default), git with ADO's edits only reported
(``report``), or ADO after the create (``ignore``). Set per board in config.yaml ``fields:`` and per
ticket in its front matter ``policy:`` (the ticket's wins), keyed by the ticket file's field names.

- ``revert``: a difference is written; a person's edit in ADO is drift and is put back.
- ``report``: the ticket's own changes are written, but a value a person set in ADO is shown
  (``report``), never put back; ``ticketops pull`` proposes it for the ticket file.
- ``ignore``: ADO owns the field: ticketops writes it when it creates the item, never after.

Argo CD's ``ignoreDifferences`` and Terraform's ``ignore_changes``, per field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

FieldPolicy = Literal["revert", "report", "ignore"]
# The ticket file's names of the managed fields (``status`` is the work item's state).
PolicyField = Literal[
    "title", "status", "assignee", "priority", "tags", "area_path", "description", "acceptance_criteria"
]
DEFAULT_POLICY: FieldPolicy = "revert"


def policy_of(
    name: PolicyField, board: Mapping[PolicyField, FieldPolicy], ticket: Mapping[PolicyField, FieldPolicy]
) -> FieldPolicy:
    """The policy for field ``name``: the ticket's, else the board's, else ``revert``."""
    return ticket.get(name) or board.get(name) or DEFAULT_POLICY
