"""Read what ADO's git holds for the tickets, in bulk, per linked repository.

Per pass and per repository with git work: one ``refs`` list filtered by the common prefix of the
ticket branches (``heads/feature/``...), one paged list of the active pull requests, and one
``itemsbatch`` per 200 branches whose spec blob the PR marker does not already prove. The
repository list is read once per run. Only where a write follows are there per-ticket reads:
the PR history of a branch about to be created or a PR about to be opened (so a completed PR is
never recreated), the base head of a branch to create, and the identities of reviewers to add.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence

from ticketops.ado import AdoClient, NotFound, PermissionDenied, PullRequest, ReadOnlyViolation, Repository
from ticketops.ado.git_api import ItemDescriptor
from ticketops.live.convert import identity
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.gitlive import (
    GitLive,
    GitTarget,
    LivePullRequest,
    LiveRepo,
    LiveReviewer,
    Phase,
    PrMarker,
    TicketGit,
    below_marker,
    git_target,
    phase,
    pr_text_hash,
)
from ticketops.model.live import Identity
from ticketops.model.ticket import Ticket

log = logging.getLogger(__name__)
ITEMS_BATCH_SIZE = 200
LIST_DESCRIPTION_UNITS = 400  # a PR list cuts each description to this many UTF-16 code units


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def live_pull_request(pr: PullRequest, *, whole: bool = False) -> LivePullRequest:
    """``whole``: ``pr`` was read by itself, so its description is not cut as in a list."""
    reviewers = tuple(
        LiveReviewer(id=r.id, unique_name=(r.unique_name or "").lower(), display_name=r.display_name or "", vote=r.vote)
        for r in pr.reviewers
    )
    return LivePullRequest(
        id=pr.pull_request_id,
        status=pr.status,
        title=pr.title,
        source=pr.source_ref_name.removeprefix("refs/heads/"),
        target=pr.target_ref_name.removeprefix("refs/heads/"),
        reviewers=reviewers,
        marker=PrMarker.parse(pr.description),
        is_draft=pr.is_draft,
        merge_status=pr.merge_status,
        **_text_hashes(pr, whole),
    )


def _text_hashes(pr: PullRequest, whole: bool) -> dict[str, str | int]:
    """The hashes of the whole text, when this read has it; else the head a list shows, which the
    planner compares with the head of what ticketops wrote (reading every PR by itself to see
    the rest would cost a request per PR on every pass: 20 -> 1,022 requests for a no-op at
    N=1,000 in review). The rest is compared right before a write (apply re-reads the PR)."""
    text = pr.description or ""
    if not whole and _units(text) >= LIST_DESCRIPTION_UNITS - 1:  # maybe cut (a surrogate pair is never split)
        units = _units(text)
        return {"description_head": text, "read_hash": pr_text_hash(pr.title, text), "read_units": units}
    return {"text_hash": pr_text_hash(pr.title, below_marker(text)), "read_hash": pr_text_hash(pr.title, text)}


def ref_filter(branches: Iterable[str]) -> str:
    """The longest prefix all branches share, as a refs filter (``heads/feature/``)."""
    prefix = os.path.commonprefix(  # noqa: RUF071 - a string prefix is what a refs filter matches
        [f"heads/{b}" for b in branches]
    )
    return prefix or "heads/"


class GitReader:
    """Reads one board's git state. Keep one per run: the repository list is cached."""

    def __init__(self, client: AdoClient, config: BoardConfig) -> None:
        self.client = client
        self.config = config
        self.project = config.project
        self._repos: dict[str, Repository] | None = None
        self._batch_refused = False  # itemsbatch is a POST: a read-only client refuses to send it

    def repositories(self) -> dict[str, Repository]:
        """The project's repositories by lower-case name (read once per run)."""
        if self._repos is None:
            self._repos = {r.name.lower(): r for r in self.client.list_repositories(self.project)}
        return self._repos

    def read(self, desired: DesiredState) -> GitLive:
        found: dict[str, TicketGit] = {}
        groups: dict[str, list[tuple[Ticket, TicketGit]]] = defaultdict(list)
        for ticket in desired.tickets:
            tg = self._start(desired, ticket)
            if tg is None:
                continue
            found[ticket.key] = tg
            if tg.target is not None and tg.phase in (Phase.WORK, Phase.REVIEW):
                groups[tg.target.repo_name.lower()].append((ticket, tg))
        for name, members in groups.items():
            for tg in self._read_repo(name, members):
                found[tg.key] = tg
        people = self._identities(desired, found)
        return GitLive(tickets=found, identities=people)

    # ---- per ticket ------------------------------------------------------------------------
    def _start(self, desired: DesiredState, ticket: Ticket) -> TicketGit | None:
        ph = phase(self.config, ticket)
        if ph is Phase.NONE:
            return None
        target = git_target(desired, ticket)
        if target is None:
            return None
        if isinstance(target, str):
            return TicketGit(key=ticket.key, phase=ph, problem=target)
        return TicketGit(key=ticket.key, phase=ph, target=target)

    # ---- per repository --------------------------------------------------------------------------
    def _read_repo(self, name: str, members: list[tuple[Ticket, TicketGit]]) -> list[TicketGit]:
        repo = self.repositories().get(name)
        if repo is None:
            return [tg.model_copy(update={"problem": self._missing_repo(tg.target)}) for _, tg in members]
        try:
            return self._read_existing(repo, members)
        except (PermissionDenied, NotFound) as e:  # this repository only; auth/network errors stop the run
            problem = f"cannot read repository {repo.name}: {e}"
            return [tg.model_copy(update={"problem": problem}) for _, tg in members]

    def _read_existing(self, repo: Repository, members: list[tuple[Ticket, TicketGit]]) -> list[TicketGit]:
        live_repo = LiveRepo(
            id=repo.id,
            name=repo.name,
            project_id=repo.project.id if repo.project and repo.project.id else "",
            web_url=repo.web_url or "",
        )
        targets = [tg.target for _, tg in members if tg.target is not None]
        wanted = ref_filter(t.key_prefix or t.branch for t in targets)
        refs = {r.name: r.object_id for r in self.client.list_refs(self.project, repo.id, filter=wanted)}
        prs = [live_pull_request(p) for p in self.client.list_pull_requests(self.project, repo.id, status="active")]
        by_source: dict[str, list[LivePullRequest]] = defaultdict(list)
        for pr in prs:
            by_source[pr.source].append(pr)
        out = [self._match(tg, live_repo, refs, by_source) for _, tg in members]
        out = self._specs(repo.id, out)
        out = [self._history(repo.id, tg) for tg in out]
        return self._bases(repo.id, out)

    def _missing_repo(self, target: GitTarget | None) -> str:
        assert target is not None
        names = ", ".join(sorted(r.name for r in self.repositories().values())) or "none"
        return (
            f"repository {target.repo_name!r} (alias {target.alias!r} in config.yaml) does not exist in project "
            f"{self.project!r} (its repositories: {names}); fix repos.{target.alias}.name, or see `ticketops repos`"
        )

    @staticmethod
    def _match(tg: TicketGit, repo: LiveRepo, refs: dict[str, str], prs: dict[str, list[LivePullRequest]]) -> TicketGit:
        t = tg.target
        assert t is not None
        if t.ref not in refs and t.key_prefix:
            named = sorted(n for n in refs if n.startswith(f"refs/heads/{t.key_prefix}"))
            if len(named) > 1:
                shown = ", ".join(n.removeprefix("refs/heads/") for n in named)
                return tg.model_copy(
                    update={
                        "repo": repo,
                        "problem": f"several branches of {tg.key} exist in "
                        f"{repo.name} ({shown}); delete all but one, or set `branch:` in the ticket",
                    }
                )
            if named:  # made before the ticket's title (and so its slug) changed: keep using it
                t = t.model_copy(update={"branch": named[0].removeprefix("refs/heads/")})
                tg = tg.model_copy(update={"target": t})
        mine = prs.get(t.branch, [])
        to_base = next((p for p in mine if p.target == t.base), None)
        others = tuple(p for p in mine if p.target != t.base)
        tip = refs.get(t.ref)
        spec = None
        if to_base is not None and to_base.marker is not None and tip is not None and to_base.marker.tip == tip:
            spec = to_base.marker.spec  # proven by the marker: this tip was read when the PR was written
        return tg.model_copy(update={"repo": repo, "tip": tip, "pr": to_base, "other_prs": others, "spec_blob": spec})

    def _specs(self, repo_id: str, tgs: list[TicketGit]) -> list[TicketGit]:
        """Spec blobs of branches the marker does not vouch for: ``itemsbatch`` at their tips."""
        todo = [tg for tg in tgs if tg.tip is not None and tg.spec_blob is None]
        blobs: dict[str, str | None] = {}
        for i in range(0, len(todo), ITEMS_BATCH_SIZE):
            chunk = todo[i : i + ITEMS_BATCH_SIZE]
            for tg, blob in zip(chunk, self._blobs(repo_id, chunk), strict=True):
                blobs[tg.key] = blob
        return [tg.model_copy(update={"spec_blob": blobs[tg.key]}) if tg.key in blobs else tg for tg in tgs]

    def _blobs(self, repo_id: str, tgs: Sequence[TicketGit]) -> list[str | None]:
        """Blob ids (None: no such file). A 404 fails the whole batch, so split it to find which."""
        if not tgs:
            return []
        if self._batch_refused:
            return [self._blob_one(repo_id, tg) for tg in tgs]
        descs = [ItemDescriptor(path=tg.target.spec_path, version=tg.tip or "") for tg in tgs if tg.target]
        try:
            answer = self.client.get_items_batch(self.project, repo_id, descs)
        except NotFound:
            if len(tgs) == 1:
                return [None]
            half = len(tgs) // 2
            return self._blobs(repo_id, tgs[:half]) + self._blobs(repo_id, tgs[half:])
        except ReadOnlyViolation:
            # read-only mode lets only GET (and the work item queries) through: one metadata GET each
            log.info("itemsbatch is not sent in read-only mode; reading the %d spec(s) one by one", len(tgs))
            self._batch_refused = True
            return [self._blob_one(repo_id, tg) for tg in tgs]
        return [items[0].object_id if items and not items[0].is_folder else None for items in answer]

    def _blob_one(self, repo_id: str, tg: TicketGit) -> str | None:
        assert tg.target is not None
        item = self.client.get_item(self.project, repo_id, tg.target.spec_path, branch=tg.target.branch)
        return item.object_id if item is not None and not item.is_folder else None

    def _history(self, repo_id: str, tg: TicketGit) -> TicketGit:
        """Before a branch is created or a PR opened: was there a completed (or abandoned) PR?"""
        t = tg.target
        if t is None or tg.problem or tg.pr or tg.other_prs or not (tg.tip is None or tg.phase is Phase.REVIEW):
            return tg
        past = self.client.list_pull_requests(
            self.project, repo_id, status="all", source_ref=t.branch, target_ref=t.base
        )
        closed = [live_pull_request(p) for p in past if p.status in ("completed", "abandoned")]
        closed.sort(key=lambda p: (p.status != "completed", -p.id))
        return tg.model_copy(update={"closed_pr": closed[0]}) if closed else tg

    def _bases(self, repo_id: str, tgs: list[TicketGit]) -> list[TicketGit]:
        """Base heads, read only for branches that must be created."""
        bases = sorted(
            {tg.target.base for tg in tgs if tg.target and not tg.problem and tg.tip is None and not tg.closed_pr}
        )
        heads: dict[str, str | None] = {}
        for base in bases:
            heads[base] = self.client.ref_tip(self.project, repo_id, base)
        return [
            tg.model_copy(update={"base_tip": heads.get(tg.target.base)})
            if tg.target and tg.target.base in heads
            else tg
            for tg in tgs
        ]

    # ---- people ----------------------------------------------------------------------------
    def _identities(self, desired: DesiredState, found: dict[str, TicketGit]) -> dict[str, Identity | None]:
        """Reviewers to add: every reviewer of a PR to open, and those missing from an open PR."""
        emails: set[str] = set()
        for ticket in desired.tickets:
            tg = found.get(ticket.key)
            if tg is None or tg.phase is not Phase.REVIEW or tg.problem or tg.closed_pr or (tg.other_prs and not tg.pr):
                continue
            emails.update(e for e in ticket.reviewers if tg.pr is None or not tg.pr.has_reviewer(e, None))
        return {e: identity(e, self.client.search_identity(e)) for e in sorted(emails)}
