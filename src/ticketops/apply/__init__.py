"""Layer ``apply``: execute a plan against ADO (guarded by ``test /rev``, failures isolated
per ticket, creates never duplicated). New action kinds plug in with ``register_executor``.
"""

from ticketops.apply import git_exec  # noqa: F401 - registers the git step executors
from ticketops.apply.executor import MAX_ATTEMPTS, Applier, Replanner, html_fallback, register_executor
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
    "register_executor",
    "render_outcomes",
]
