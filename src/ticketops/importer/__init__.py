"""``ticketops import``: existing Azure DevOps work items -> ticket files, adopted by the reconciler.

Sits at the apply layer: uses ``ado``, ``live``, ``plan``, ``desired`` and ``model``; never the
emulator. ``Importer(client, ImportOptions(...)).run(repo) -> ImportResult``.
"""

from ticketops.importer.report import ImportResult, ItemOutcome, render_text
from ticketops.importer.runner import Importer, ImportOptions
from ticketops.importer.wiql import WIQL_CAP, collect_ids, user_condition

__all__ = [
    "WIQL_CAP",
    "ImportOptions",
    "ImportResult",
    "Importer",
    "ItemOutcome",
    "collect_ids",
    "render_text",
    "user_condition",
]
