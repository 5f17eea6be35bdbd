"""Plan a ticket's git work from its status and what ADO's git holds. Pure: no I/O.

Per ticket, in this order (after its work item):

* start status or later: the branch exists (created from the base head when missing, an
  existing one adopted as it is) and holds ``.tickets/KEY.md`` equal to the ticket file;
* review status or later: exactly one active PR from the branch to the base, title
  ``KEY: title``, description rendered from the spec, every ticket reviewer on it;
* and the work item is linked to that PR.

At the done status ticketops leaves git alone. A PR completed or abandoned in ADO is reported
and never recreated. Anything that cannot be decided (unknown alias, missing repository, base
branch or reviewer) blocks that ticket's git steps before any write; other tickets go on.
"""

from __future__ import annotations

from ticketops.model.desired import DesiredState
from ticketops.model.gitlive import GitLive, LivePullRequest, Phase, PrMarker, TicketGit, pr_text_hash
from ticketops.model.ticket import Ticket
from ticketops.plan.actions import Action, Blocked, Plan, Step, UpdateWorkItem
from ticketops.plan.git_actions import (
    CreateBranch,
    CreatePullRequest,
    LinkPullRequest,
    PlannedReviewer,
    PullRequestClosed,
    PushSpec,
    UpdatePullRequest,
)
from ticketops.plan.pr_text import content_hash, description, pr_body, pr_title


class _GitBlocked(Exception):
    pass


def plan_git(desired: DesiredState, plan: Plan, live: GitLive) -> list[Action]:
    """The git actions for every ticket whose status asks for git work."""
    errors = {a.key for a in plan.errors}
    ids = work_item_ids(plan)
    out: list[Action] = []
    for ticket in desired.tickets:
        tg = live.tickets.get(ticket.key)
        if tg is None or tg.phase in (Phase.NONE, Phase.DONE) or ticket.key in errors:
            continue
        try:
            out.extend(_ticket(desired, ticket, tg, live, ids.get(ticket.key)))
        except _GitBlocked as e:
            out.append(Blocked(key=ticket.key, step=Step.BRANCH, id=ids.get(ticket.key), reason=str(e)))
    return out


def work_item_ids(plan: Plan) -> dict[str, int]:
    """Ticket key -> its work item id, where the work item exists already."""
    ids = {s.key: s.id for s in plan.synced}
    ids.update({a.key: a.id for a in plan.actions if isinstance(a, UpdateWorkItem)})
    return ids


def _ticket(desired: DesiredState, ticket: Ticket, tg: TicketGit, live: GitLive, wi: int | None) -> list[Action]:
    if tg.problem is not None or tg.target is None or tg.repo is None:
        raise _GitBlocked(tg.problem or "its repository could not be resolved")
    if tg.pr is None and tg.closed_pr is not None:
        return [
            PullRequestClosed(
                key=ticket.key, pr_id=tg.closed_pr.id, status=tg.closed_pr.status, branch=tg.target.branch
            )
        ]
    if tg.phase is Phase.REVIEW and tg.pr is None and tg.other_prs:
        listed = ", ".join(f"#{p.id} (to {p.target})" for p in tg.other_prs)
        raise _GitBlocked(
            f"the branch {tg.target.branch} has active pull requests to other branches ({listed}) but "
            f"none to its base {tg.target.base}; retarget one in ADO or set `base:` in {ticket.path}"
        )
    reviewers = _reviewers(ticket, tg, live) if tg.phase is Phase.REVIEW else ()
    actions: list[Action] = [*_branch(ticket, tg), *_spec(desired, ticket, tg)]
    if tg.phase is Phase.REVIEW:
        actions.extend(_pull_request(ticket, tg, reviewers, wi))
    return actions


def _branch(ticket: Ticket, tg: TicketGit) -> list[Action]:
    assert tg.target is not None and tg.repo is not None
    if tg.tip is not None:
        return []
    if tg.base_tip is None:
        raise _GitBlocked(
            f"its base branch {tg.target.base!r} does not exist in {tg.repo.name} (an empty repository?); "
            f"create it, or set `base:` in {ticket.path} or default_branch in config.yaml"
        )
    return [
        CreateBranch(
            key=ticket.key, repo=tg.repo, branch=tg.target.branch, base=tg.target.base, base_commit=tg.base_tip
        )
    ]


def _spec(desired: DesiredState, ticket: Ticket, tg: TicketGit) -> list[Action]:
    assert tg.target is not None and tg.repo is not None
    if tg.tip is not None and tg.spec_blob == ticket.blob_id:
        return []
    new_branch = tg.tip is None
    return [
        PushSpec(
            key=ticket.key,
            repo=tg.repo,
            branch=tg.target.branch,
            path=tg.target.spec_path,
            blob_id=ticket.blob_id,
            old_blob=None if new_branch else tg.spec_blob,
            old_tip=tg.tip,
            exists=None if new_branch else tg.spec_blob is not None,
            ticket_path=ticket.path,
            source_commit=desired.commit,
            content=ticket.content,
        )
    ]


def _reviewers(ticket: Ticket, tg: TicketGit, live: GitLive) -> tuple[PlannedReviewer, ...]:
    """The ticket's reviewers still missing from its PR (all of them when there is no PR)."""
    out: list[PlannedReviewer] = []
    unknown: list[str] = []
    for email in ticket.reviewers:
        ident = live.identities.get(email.lower())
        if tg.pr is not None and tg.pr.has_reviewer(email, ident.id if ident else None):
            continue
        if ident is None:
            unknown.append(email)
            continue
        out.append(PlannedReviewer(email=email, id=ident.id))
    if unknown:
        raise _GitBlocked(
            f"reviewer(s) {', '.join(unknown)} in {ticket.path} are not known to Azure DevOps (the "
            "identities API found nobody); fix `reviewers:` — nothing is written for its git steps"
        )
    return tuple(out)


def _pull_request(
    ticket: Ticket, tg: TicketGit, reviewers: tuple[PlannedReviewer, ...], wi: int | None
) -> list[Action]:
    assert tg.target is not None and tg.repo is not None
    title = pr_title(ticket)
    body = pr_body(ticket, tg.target, tg.repo.web_url)
    common = {
        "key": ticket.key,
        "repo": tg.repo,
        "branch": tg.target.branch,
        "title": title,
        "body": body,
        "spec_blob": ticket.blob_id,
        "spec_path": tg.target.spec_path,
        "ticket_path": ticket.path,
    }
    if tg.pr is None:
        return [CreatePullRequest(**common, base=tg.target.base, reviewers=reviewers, work_item_id=wi)]
    marker = tg.pr.marker
    current = _current(marker, title, body, ticket.blob_id)
    edited = _edited(tg.pr, title, body, current)
    rewrite = not current or tg.pr.title != title or edited
    linked = marker is not None and wi is not None and marker.wi == wi
    actions: list[Action] = []
    if rewrite or reviewers:
        actions.append(
            UpdatePullRequest(
                **common,
                pr_id=tg.pr.id,
                old_title=tg.pr.title,
                rewrite=rewrite,
                add_reviewers=reviewers,
                work_item_id=wi,
                linked=linked,
                drift=edited,
                read_hash=tg.pr.read_hash,
                read_units=tg.pr.read_units,
            )
        )
    if not linked:
        actions.append(
            LinkPullRequest(
                **common, pr_id=tg.pr.id, work_item_id=wi, read_hash=tg.pr.read_hash, read_units=tg.pr.read_units
            )
        )
    return actions


def _current(marker: PrMarker | None, title: str, body: str, blob: str) -> bool:
    return marker is not None and marker.sha256 == content_hash(title, body, blob)


def _edited(pr: LivePullRequest, title: str, body: str, current: bool) -> bool:
    """A person edited the PR's title or description since ticketops wrote it: its text no longer
    matches the marker's ``text``. A marker written before ``text`` existed vouches for the text
    only while it is current (then ticketops wrote ``title`` and ``body``)."""
    if pr.edited:
        return True
    if pr.marker is None or not current:
        return False
    if pr.text_hash is None:  # a list cut the description: compare the head it shows
        return pr.description_head is not None and not _same_head(pr.description_head, description(pr.marker, body))
    if pr.marker.text:
        return False
    return pr.text_hash != pr_text_hash(title, body)


def _same_head(head: str, written: str) -> bool:
    """``head`` (a PR list's cut of a description, in UTF-16 code units) is how ``written`` begins."""
    units = len(head.encode("utf-16-le"))
    return written.encode("utf-16-le")[:units] == head.encode("utf-16-le")


def git_summary(live: GitLive | None) -> dict[str, str]:
    """One short line per ticket with git work, for ``status``: branch, and PR with its state."""
    if live is None:
        return {}
    out: dict[str, str] = {}
    for key, tg in live.tickets.items():
        if tg.phase is Phase.NONE or tg.target is None:
            continue
        if tg.phase is Phase.DONE:
            out[key] = "done: git left alone"
            continue
        parts = [f"branch {tg.target.branch}" if tg.tip else "no branch"]
        pr = tg.pr or tg.closed_pr
        if pr is not None:
            parts.append(f"PR #{pr.id} {pr.status}")
        elif tg.phase is Phase.REVIEW:
            parts.append("no PR")
        out[key] = ", ".join(parts)
    return out
