"""Layer ``plan``: pair desired tickets with live items, diff them, and plan. Pure: no I/O.

``make_plan(desired, live, prune=..., authors=...) -> Plan``; render with
``render_text(plan)`` / ``render_json(plan)``.
"""

from ticketops.plan.actions import (
    Action,
    ActionBase,
    Blocked,
    Conflict,
    CreateWorkItem,
    FieldChange,
    Held,
    Orphan,
    Plan,
    Prune,
    Step,
    Synced,
    Unpaired,
    UpdateWorkItem,
    key_order,
    sort_actions,
)
from ticketops.plan.git_actions import (
    CreateBranch,
    CreatePullRequest,
    LinkPullRequest,
    PullRequestClosed,
    PushSpec,
    UpdatePullRequest,
)
from ticketops.plan.git_plan import git_summary, plan_git
from ticketops.plan.planner import make_plan
from ticketops.plan.render import action_lines, action_reason, plan_json, render_json, render_text, summary_line
from ticketops.plan.states import check_statuses, state_path

__all__ = [
    "Action",
    "ActionBase",
    "Blocked",
    "Conflict",
    # git steps (branch, spec push, pull request, link)
    "CreateBranch",
    "CreatePullRequest",
    "CreateWorkItem",
    "FieldChange",
    "Held",
    "LinkPullRequest",
    "Orphan",
    "Plan",
    "Prune",
    "PullRequestClosed",
    "PushSpec",
    "Step",
    "Synced",
    "Unpaired",
    "UpdatePullRequest",
    "UpdateWorkItem",
    "action_lines",
    "action_reason",
    "check_statuses",
    "git_summary",
    "key_order",
    "make_plan",
    "plan_git",
    "plan_json",
    "render_json",
    "render_text",
    "sort_actions",
    "state_path",
    "summary_line",
]
