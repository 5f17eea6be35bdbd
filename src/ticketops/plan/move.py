"""What moving a ticket to another status means, in words, from the board alone. Pure: no I/O.

``move`` and the board show this before anything is written; the exact plan (which needs ADO's
current state) follows it when ADO can be reached.
"""

from __future__ import annotations

from ticketops.model.desired import DesiredState
from ticketops.model.gitlive import Phase, phase
from ticketops.model.ticket import Ticket


def describe_move(desired: DesiredState, moved: Ticket, old_status: str | None) -> list[str]:
    """One line per consequence of ``moved`` (the ticket with its new status) having left ``old_status``."""
    config = desired.config
    new = config.status(moved.status)
    lines: list[str] = []
    old = config.status(old_status) if old_status in {s.name for s in config.effective_statuses} else None
    if old is None or old.state.lower() != new.state.lower():
        before = f"{old.state} -> " if old is not None else ""
        lines.append(f"work item: state {before}{new.state} (through the states the process allows in between)")
    else:
        lines.append(f"work item: state stays {new.state}")
    was = phase(config, moved.model_copy(update={"status": old.name})) if old is not None else Phase.NONE
    now = phase(config, moved)
    branch = desired.branch_name(moved)
    base = desired.base_branch(moved)
    alias = desired.repo_alias(moved)
    where = f" in repo {alias}" if alias else ""
    if now in (Phase.WORK, Phase.REVIEW) and was is Phase.NONE:
        lines.append(f"branch: {branch} is created{where} from {base} (when missing), and {moved.path} is pushed to it")
    if now is Phase.REVIEW and was is not Phase.REVIEW:
        people = ", ".join(moved.reviewers) or "none"
        lines.append(
            f"pull request: opens from {branch} into {base}, titled '{moved.key}: {moved.title}', "
            f"reviewers: {people}; the work item is linked to it"
        )
    if was is Phase.REVIEW and now is Phase.WORK:
        lines.append("pull request: left open as it is (ticketops never abandons one)")
    if now is Phase.DONE and was is not Phase.DONE:
        lines.append("git: left alone from here on (the pull request is expected to be merged)")
    if now is Phase.NONE and was is not Phase.NONE:
        lines.append(f"git: the branch {branch} and any pull request are left as they are (never deleted)")
    return lines
