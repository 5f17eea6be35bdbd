"""What the board shows: columns of cards, built from what ``status`` computes. No I/O.

The sync state of a card is the ``status`` row of its ticket (:func:`ticketops.plan.status_rows.rows`
over the engine's plan); the field diff, the blocked reason and the git facts come from the same
plan's actions and the git state the engine read, never from a second comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote

from ticketops.model.desired import DesiredState
from ticketops.model.errors import Problem
from ticketops.model.gitlive import GitLive, LivePullRequest, TicketGit
from ticketops.model.ticket import Ticket
from ticketops.plan import Blocked, Conflict, Plan, Unpaired, UpdateWorkItem, git_summary
from ticketops.plan.render import short
from ticketops.plan.status_rows import Row, rows

UNKNOWN = "Unknown"
# The sync states a card can be in, with the CSS class that colours it.
SYNC_CLASS = {
    "Synced": "synced",
    "OutOfSync": "outofsync",
    "Missing": "missing",
    "Orphaned": "orphaned",
    "Conflict": "conflict",
    "Blocked": "blocked",
    "Unpaired": "blocked",
    "Invalid": "invalid",
    UNKNOWN: "unknown",
}
VOTES = {10: "approved", 5: "approved with suggestions", 0: "no vote", -5: "waiting for author", -10: "rejected"}
_STATUS_LINE_RE = re.compile(r"^status:\s*['\"]?([a-z][a-z0-9_-]*)", re.MULTILINE)
_TITLE_LINE_RE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    drift: bool


@dataclass(frozen=True)
class Reviewer:
    name: str
    vote: int

    @property
    def verdict(self) -> str:
        return VOTES.get(self.vote, str(self.vote))


@dataclass(frozen=True)
class PullRequestView:
    id: int
    status: str
    url: str
    draft: bool
    conflicts: bool
    reviewers: tuple[Reviewer, ...]


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    status: str
    path: str
    blob_id: str = ""
    assignee: str | None = None
    priority: int | None = None
    tags: tuple[str, ...] = ()
    repo: str | None = None
    criteria: int = 0
    sync: str = UNKNOWN
    reason: str = ""  # why Blocked / Conflict / Unknown
    changes: tuple[Change, ...] = ()
    ado_id: int | None = None
    ado_url: str = ""
    branch: str = ""
    branch_exists: bool = False
    git: str = ""  # the status row's git column
    pr: PullRequestView | None = None
    problems: tuple[str, ...] = ()
    uncommitted: bool = False  # the working tree file differs from HEAD's (ahead of the commit)

    @property
    def sync_class(self) -> str:
        return SYNC_CLASS.get(self.sync, "unknown")

    @property
    def drift(self) -> bool:
        return any(c.drift for c in self.changes)

    @property
    def blocked(self) -> bool:
        return self.sync in ("Blocked", "Conflict", "Unpaired", "Invalid")

    def text(self) -> str:
        """What the text search looks in."""
        return " ".join([self.key, self.title, self.assignee or "", *self.tags, self.branch, self.reason]).lower()


@dataclass(frozen=True)
class Column:
    name: str
    state: str
    start: bool
    review: bool
    done: bool
    cards: tuple[Card, ...] = ()


@dataclass(frozen=True)
class BoardView:
    project: str
    source: str  # "the working tree" or the revision
    columns: tuple[Column, ...]
    read_only: bool
    sync_unknown: str | None = None  # why ADO was not consulted
    problems: tuple[str, ...] = ()  # problems that belong to no card (config.yaml, misplaced files)
    orphans: tuple[Row, ...] = ()
    statuses: tuple[str, ...] = field(default=())

    @property
    def cards(self) -> tuple[Card, ...]:
        return tuple(c for col in self.columns for c in col.cards)

    def card(self, key: str) -> Card | None:
        return next((c for c in self.cards if c.key == key), None)


@dataclass(frozen=True)
class Facts:
    """What was read for one board: the desired state and, when ADO answered, the plan."""

    desired: DesiredState
    source: str
    read_only: bool
    org_url: str
    plan: Plan | None = None
    git_live: GitLive | None = None
    unknown: str | None = None
    invalid: dict[str, str] = field(default_factory=dict)  # path -> raw text of tickets that failed validation
    uncommitted: frozenset[str] = frozenset()  # keys whose worktree file differs from HEAD


def build(facts: Facts) -> BoardView:
    desired = facts.desired
    config = desired.config
    table = {r.key: r for r in rows(facts.plan, git_summary(facts.git_live))} if facts.plan is not None else {}
    by_path: dict[str, list[Problem]] = {}
    for p in desired.problems:
        by_path.setdefault(p.path, []).append(p)
    cards = [_card(facts, t, table.get(t.key), [str(p) for p in by_path.pop(t.path, [])]) for t in desired.tickets]
    names = [s.name for s in config.effective_statuses]
    for path, problems in sorted(by_path.items()):
        key = PurePosixPath(path).stem.upper()
        if path not in facts.invalid and not path.lower().endswith(".md"):
            continue
        m = _STATUS_LINE_RE.search(facts.invalid.get(path, ""))
        status = m.group(1) if m and m.group(1) in names else names[0]
        t = _TITLE_LINE_RE.search(facts.invalid.get(path, ""))
        title = t.group(1).strip("'\"") if t else path
        cards.append(Card(key=key, title=title, status=status, path=path, sync="Invalid", problems=_strs(problems)))
        by_path[path] = []
    loose = tuple(str(p) for ps in by_path.values() for p in ps)
    columns = tuple(
        Column(s.name, s.state, s.start, s.review, s.done, tuple(c for c in cards if c.status == s.name))
        for s in config.effective_statuses
    )
    orphans = tuple(r for r in table.values() if r.status == "Orphaned")
    return BoardView(
        project=config.project,
        source=facts.source,
        columns=columns,
        read_only=facts.read_only,
        sync_unknown=facts.unknown,
        problems=loose,
        orphans=orphans,
        statuses=tuple(names),
    )


def _strs(problems: list[Problem]) -> tuple[str, ...]:
    return tuple(str(p) for p in problems)


def _card(facts: Facts, t: Ticket, row: Row | None, problems: list[str]) -> Card:
    desired = facts.desired
    plan = facts.plan
    changes: tuple[Change, ...] = ()
    reason = ""
    if plan is not None:
        for a in plan.for_key(t.key):
            if isinstance(a, UpdateWorkItem):
                changes = tuple(Change(c.label, short(c.old), short(c.new), c.drift) for c in a.changes)
            elif isinstance(a, Blocked | Unpaired):
                reason = a.reason
            elif isinstance(a, Conflict):
                reason = "claimed by " + ", ".join(f"#{i}" for i in a.ids)
    else:
        reason = facts.unknown or ""
    ado_id = row.id if row is not None else t.id
    tg = facts.git_live.tickets.get(t.key) if facts.git_live is not None else None
    return Card(
        key=t.key,
        title=t.title,
        status=t.status,
        path=t.path,
        blob_id=t.blob_id,
        assignee=t.assignee,
        priority=t.priority,
        tags=t.tags,
        repo=desired.repo_alias(t),
        criteria=len(t.acceptance_criteria),
        sync=row.status if row is not None else UNKNOWN,
        reason=reason,
        changes=changes,
        ado_id=ado_id,
        ado_url=_item_url(facts, ado_id),
        branch=desired.branch_name(t),
        branch_exists=bool(tg and tg.tip),
        git=row.git if row is not None else "",
        pr=_pr(facts, tg),
        problems=tuple(problems),
        uncommitted=t.key in facts.uncommitted,
    )


def _item_url(facts: Facts, ado_id: int | None) -> str:
    if ado_id is None:
        return ""
    return f"{facts.org_url}/{quote(facts.desired.config.project)}/_workitems/edit/{ado_id}"


def _pr(facts: Facts, tg: TicketGit | None) -> PullRequestView | None:
    if tg is None:
        return None
    pr: LivePullRequest | None = tg.pr or tg.closed_pr
    if pr is None:
        return None
    repo = tg.target.repo_name if tg.target is not None else ""
    url = f"{facts.org_url}/{quote(facts.desired.config.project)}/_git/{quote(repo)}/pullrequest/{pr.id}"
    return PullRequestView(
        id=pr.id,
        status=pr.status,
        url=url,
        draft=pr.is_draft,
        conflicts=pr.merge_status == "conflicts",
        reviewers=tuple(Reviewer(r.display_name or r.unique_name or r.id, r.vote) for r in pr.reviewers),
    )
