"""Git-side models: what a ticket wants in its repository, and what ADO's git holds for it.

Shared by ``live`` (which reads it) and ``plan`` (which compares it with the tickets), so both
agree on the rules: which phase a ticket's status is in, which repository, branch and base it
uses, where its spec file goes, and the hidden marker ticketops keeps in each pull request.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.live import Identity
from ticketops.model.ticket import Ticket

ZERO_OID = "0" * 40
SPEC_DIR = ".tickets"  # the folder the spec goes to, at the root of the target repository


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def git_blob_id(data: bytes) -> str:
    """``git hash-object``: the blob id ADO reports as an item's ``objectId``."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


# ---- phases ---------------------------------------------------------------------------------
class Phase(str, Enum):
    """What a ticket's status asks of git."""

    NONE = "none"  # before the start status: no branch yet
    WORK = "work"  # start status or later: the branch exists and holds the spec
    REVIEW = "review"  # review status or later: plus one active pull request
    DONE = "done"  # the done status (after review): ticketops leaves git alone


def phase(config: BoardConfig, ticket: Ticket) -> Phase:
    idx = config.status_index(ticket.status)
    done = config.status_index(config.done_status.name)
    review = config.status_index(config.review_status.name)
    if idx >= done and done > review:
        return Phase.DONE
    if config.review_started(ticket.status):
        return Phase.REVIEW
    return Phase.WORK if config.work_started(ticket.status) else Phase.NONE


# ---- where a ticket's git work happens ----------------------------------------------------------
class GitTarget(_Frozen):
    """The repository alias, branch, base branch and spec path of one ticket."""

    key: str
    alias: str
    repo_name: str
    branch: str  # without refs/heads/
    base: str  # without refs/heads/
    spec_path: str  # in the target repository, e.g. ".tickets/PAY-1.md"
    # What every branch name of this ticket starts with, whatever its title (``feature/PAY-1-``):
    # a branch made before the title changed is found by it. None when the name is not templated.
    key_prefix: str | None = None

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.branch}"

    @property
    def base_ref(self) -> str:
        return f"refs/heads/{self.base}"


_BAD_REF_RE = re.compile(r"(\.\.|@\{|//|[\x00-\x20\x7f~^:?*\[\\])")


def branch_problem(name: str) -> str | None:
    """Why ``name`` is not a valid git branch name (None when it is)."""
    if not name or name.startswith(("-", "/")) or name.endswith(("/", ".", ".lock")) or name == "@":
        return f"{name!r} is not a valid branch name"
    if _BAD_REF_RE.search(name) or any(part.startswith(".") for part in name.split("/")):
        return f"{name!r} is not a valid branch name (no spaces, '..', '~^:?*[\\' or parts starting with '.')"
    return None


def git_target(desired: DesiredState, ticket: Ticket) -> GitTarget | str | None:
    """Where the ticket's branch, spec and PR go; a message when that cannot be decided;
    None when the board links no repositories at all (a board without code)."""
    config = desired.config
    alias = ticket.repo or config.default_repo
    where = f"{ticket.path}"
    if alias is None:
        if not config.repos:
            return None
        if len(config.repos) == 1:
            alias = next(iter(config.repos))
        else:
            return (
                f"{where} has no `repo:` and config.yaml has no `default_repo`, so its repository is ambiguous "
                f"(aliases: {', '.join(sorted(config.repos))}); set `repo:` in the ticket or `default_repo:`"
            )
    if alias not in config.repos:
        known = ", ".join(sorted(config.repos)) or "none; add one with `ticketops repos link NAME`"
        return f"`repo: {alias}` in {where} is not a repository alias of config.yaml (aliases: {known})"
    branch = desired.branch_name(ticket)
    base = ticket.base or config.repos[alias].default_branch
    for name, field in ((branch, "branch"), (base, "base")):
        problem = branch_problem(name)
        if problem and field == "base" and not ticket.base:
            return f"{problem}; fix `default_branch:` of repos.{alias} in config.yaml (the base of {where})"
        if problem and field == "branch" and not ticket.branch:
            return f"{problem}; fix branch_template in config.yaml (the branch of {where})"
        if problem:
            return f"{problem}; fix `{field}:` in {where}"
    if branch == base:
        return f"the branch {branch!r} of {where} is its base branch; a ticket needs its own branch"
    spec = posixpath.join(SPEC_DIR, posixpath.basename(ticket.path))
    prefix = None if ticket.branch else key_prefix(config.branch_template, ticket.key)
    return GitTarget(
        key=ticket.key,
        alias=alias,
        repo_name=config.repos[alias].name,
        branch=branch,
        base=base,
        spec_path=spec,
        key_prefix=prefix,
    )


def key_prefix(template: str, key: str) -> str | None:
    """``feature/{key}-{slug}`` -> ``feature/PAY-1-``: the part that does not depend on the title.
    None when the slug comes before the key or nothing separates them (``{key}{slug}``)."""
    if "{slug}" not in template:
        return None
    head = template.split("{slug}", 1)[0]
    if "{key}" not in head or not head or head[-1].isalnum():
        return None
    return head.replace("{key}", key)


# ---- the hidden marker ---------------------------------------------------------------------------
_MARKER_RE = re.compile(
    r"^<!-- ticketops:v1 sha256=(?P<sha>[0-9a-f]{64}) spec=(?P<spec>[0-9a-f]{40}|-) "
    r"tip=(?P<tip>[0-9a-f]{40}|-) wi=(?P<wi>\d+|-)(?: text=(?P<text>[0-9a-f]{16}))? -->"
)


def pr_text_hash(title: str, text: str) -> str:
    """A short fingerprint of a PR's title and text (16 hex digits of SHA-256): what the marker's
    ``text`` records of the text below it, and what a re-read before a write compares."""
    return hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:16]


def head_units(text: str, units: int | None) -> str:
    """The first ``units`` UTF-16 code units of ``text`` (all of it for None), as ADO cuts."""
    if units is None:
        return text
    return text.encode("utf-16-le")[: 2 * units].decode("utf-16-le", errors="ignore")


def below_marker(description: str) -> str:
    """The part of a description below its first line (the marker)."""
    return description.split("\n", 1)[1] if "\n" in description else ""


class PrMarker(_Frozen):
    """The first line of every description ticketops writes (an HTML comment, invisible).

    ``sha256`` covers the title, the description below the marker and the ticket's blob id,
    so an unchanged marker proves the PR text is current from the 400 characters a PR list
    shows. ``spec`` is the blob of the spec file on the branch when the tip was ``tip``;
    ``wi`` is the work item whose link to this PR was verified. ``text`` is
    :func:`pr_text_hash` of the title and the text below the marker as ticketops wrote them: when
    the PR's differ, a person edited them (drift). Markers written before it have none.
    """

    sha256: str
    spec: str | None = None
    tip: str | None = None
    wi: int | None = None
    text: str | None = None

    def render(self) -> str:
        text = f" text={self.text}" if self.text else ""
        return (
            f"<!-- ticketops:v1 sha256={self.sha256} spec={self.spec or '-'} tip={self.tip or '-'} "
            f"wi={self.wi if self.wi is not None else '-'}{text} -->"
        )

    @classmethod
    def parse(cls, description: str | None) -> PrMarker | None:
        m = _MARKER_RE.match(description or "")
        if m is None:
            return None

        def dash(v: str) -> str | None:
            return None if v == "-" else v

        wi = dash(m.group("wi"))
        return cls(
            sha256=m.group("sha"),
            spec=dash(m.group("spec")),
            tip=dash(m.group("tip")),
            wi=int(wi) if wi else None,
            text=m.group("text"),
        )


# ---- live git state --------------------------------------------------------------------------
class LiveRepo(_Frozen):
    id: str
    name: str
    project_id: str
    web_url: str = ""


class LiveReviewer(_Frozen):
    id: str
    unique_name: str = ""  # lower-cased
    display_name: str = ""
    vote: int = 0  # 10 approved, 5 with suggestions, 0 none, -5 waiting for author, -10 rejected


class LivePullRequest(_Frozen):
    """A pull request as a list shows it (its description cut to 400 characters by ADO)."""

    id: int
    status: str  # active | completed | abandoned
    title: str
    source: str  # branch, without refs/heads/
    target: str
    reviewers: tuple[LiveReviewer, ...] = ()
    marker: PrMarker | None = None
    is_draft: bool = False
    merge_status: str | None = None  # succeeded | conflicts | queued | ... (None: not computed yet)
    # Known once the whole description was read (a list cuts it): pr_text_hash of the title and
    # the text below the marker (``text_hash``), and of the title and the whole description
    # (``read_hash``, what the re-read right before a write compares).
    text_hash: str | None = None
    read_hash: str | None = None
    description_head: str | None = None  # the description as a list cut it (None: whole, hashed above)
    read_units: int | None = None  # read_hash covers the first read_units UTF-16 units (None: all)

    @property
    def edited(self) -> bool:
        """A person changed the title or the text below the marker since ticketops wrote them."""
        return bool(self.marker and self.marker.text and self.text_hash and self.text_hash != self.marker.text)

    def has_reviewer(self, email: str, identity_id: str | None) -> bool:
        low = email.lower()
        return any(
            r.unique_name == low or (identity_id and r.id.lower() == identity_id.lower()) for r in self.reviewers
        )


class TicketGit(_Frozen):
    """What ADO's git holds for one ticket; ``problem`` says why it cannot be worked on."""

    key: str
    phase: Phase
    target: GitTarget | None = None
    repo: LiveRepo | None = None
    problem: str | None = None
    tip: str | None = None  # the branch's commit; None when the branch does not exist
    spec_blob: str | None = None  # blob of the spec on the branch tip; None when absent
    base_tip: str | None = None  # read only when the branch must be created
    pr: LivePullRequest | None = None  # the active PR from the branch to the base
    other_prs: tuple[LivePullRequest, ...] = ()  # active PRs from the branch to other targets
    closed_pr: LivePullRequest | None = None  # a completed (else abandoned) PR, when no active one


class GitLive(_Frozen):
    """Everything the git planner needs, read once per pass."""

    tickets: dict[str, TicketGit] = Field(default_factory=dict)
    # email -> identity (None: the identities API does not know that person)
    identities: dict[str, Identity | None] = Field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.tickets)))
