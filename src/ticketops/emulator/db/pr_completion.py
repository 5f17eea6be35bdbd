"""What completing a pull request does to its linked work items, and how the az CLI completes one.

"Complete linked work items after merging" in the web UI is ``completionOptions.transitionWorkItems``
on the wire (GitPullRequestCompletionOptions.TransitionWorkItems, learn.microsoft.com/dotnet/api/
microsoft.teamfoundation.sourcecontrol.webapi.gitpullrequestcompletionoptions.transitionworkitems).
When a pull request with it completes, each work item linked to the pull request moves to its done
state: the first state of the item's type in the ``Completed`` category. The revision is made by the
identity that completed the pull request (``System.ChangedBy``) and its ``System.History`` names the
pull request; items already done or removed are left as they are, and an item whose process does not
allow the move keeps its state (the service shows a warning on the pull request, not an error).

``az repos pr update --status completed`` (azure-devops-cli-extension,
azext_devops/dev/repos/pull_request.py, ``update_pull_request``) sends ``status: completed`` with
``lastMergeSourceCommit`` copied from the pull request it just read, and the completion options it
was given (else the pull request's own). The REST reference (Pull Requests - Update, api-version
7.1, learn.microsoft.com/rest/api/azure/devops/git/pull-requests/update) lists ``lastMergeSourceCommit``
in the request body: the service completes the pull request only if that is still the source
branch's tip, so a push made after the caller looked is never merged unseen.
"""

from __future__ import annotations

from ticketops.emulator.db.patch import PatchOp
from ticketops.emulator.db.records import PullRequest, WorkItem
from ticketops.emulator.db.workitems import WorkItemStore
from ticketops.emulator.errors import AdoError, git_bad_request
from ticketops.emulator.identity import User

DONE_CATEGORY = "Completed"
_LEFT_ALONE = ("Completed", "Removed")


def history_line(pr: PullRequest) -> str:
    """The ``System.History`` of the revision a completion makes (it names the pull request)."""
    return f"Completed by pull request {pr.id}: {pr.title}"


def wants_transition(options: object) -> bool:
    return isinstance(options, dict) and options.get("transitionWorkItems") is True


def check_source_commit(pr: PullRequest, body: dict[str, object]) -> None:
    """Refuse a completion whose ``lastMergeSourceCommit`` is no longer the source branch's tip."""
    sent = body.get("lastMergeSourceCommit")
    if sent is None or body.get("status") != "completed" or pr.status != "active":
        return
    ref = pr.repo.git.references.get(pr.source)
    tip = str(ref.target) if ref is not None else None
    commit = sent.get("commitId") if isinstance(sent, dict) else None
    if not isinstance(commit, str):
        raise git_bad_request(
            'lastMergeSourceCommit must be a commit reference: {"commitId": "<40 hex digits>"}.',
            "InvalidArgumentValueException",
        )
    if tip is None or commit.lower() != tip.lower():
        # The emulator's wording: the service's exact error for a stale commit was not captured.
        raise AdoError(
            409,
            "GitPullRequestStaleException",
            f"The source branch of pull request {pr.id} has been updated (its tip is {tip}, "
            f"not {commit}); read the pull request again and complete it with its new lastMergeSourceCommit.",
            namespace="Microsoft.TeamFoundation.Git.Server",
        )


def transition_linked_items(wit: WorkItemStore, pr: PullRequest, by: User) -> list[WorkItem]:
    """Move every work item linked to the completed ``pr`` to its done state. Returns those moved."""
    if pr.status != "completed" or not wants_transition(pr.completion_options):
        return []
    target = pr.artifact_id.lower()
    moved: list[WorkItem] = []
    for item in wit.in_project(pr.repo.project):
        if not any(r.rel == "ArtifactLink" and r.url.lower() == target for r in item.relations):
            continue
        current = item.type.state(item.state)
        if current is not None and current.category in _LEFT_ALONE:
            continue
        done = next((s for s in item.type.states if s.category == DONE_CATEGORY), None)
        if done is None:
            continue
        ops = [
            PatchOp("add", "/fields/System.State", done.name),
            PatchOp("add", "/fields/System.History", history_line(pr)),
        ]
        try:
            moved.append(wit.apply(item, ops, by))
        except AdoError as e:
            if e.type_key != "RuleValidationException":
                raise
            continue  # the process does not allow the move: the item keeps its state
    return moved
