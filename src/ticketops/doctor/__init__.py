"""``ticketops doctor``: is this board set up right? Local checks (config, tickets, committed
secrets) and, when the config is valid and a token is found, checks against Azure DevOps
(reachable, signed in, project, states, permissions, repos, identities). Never writes."""

from ticketops.desired.secrets import find_in, scan_tickets
from ticketops.doctor.local import LocalResult, local_checks
from ticketops.doctor.remote import RemoteChecks
from ticketops.doctor.report import Check, as_json, fail, ok, passed, render_text, skip

__all__ = [
    "Check",
    "LocalResult",
    "RemoteChecks",
    "as_json",
    "fail",
    "find_in",
    "local_checks",
    "ok",
    "passed",
    "render_text",
    "scan_tickets",
    "skip",
]
