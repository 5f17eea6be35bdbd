"""Layer ``apply``: execute a plan against ADO (guarded by ``test /rev``, failures isolated per
ticket, creates never duplicated). Every action kind is dispatched in ``executor._run``."""

from ticketops.apply.executor import MAX_ATTEMPTS, Applier, Replanner, html_fallback
from ticketops.apply.report import (
    ApplyReport,
    Outcome,
    OutcomeStatus,
    render_outcomes,
)

__all__ = [
    "MAX_ATTEMPTS",
    "Applier",
    "ApplyReport",
    "Outcome",
    "OutcomeStatus",
    "Replanner",
    "html_fallback",
    "render_outcomes",
]
