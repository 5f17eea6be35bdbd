"""Saved plans (``plan -out FILE``, ``apply FILE``): what a plan read, and what moved since.

A saved plan records the commit it planned and everything it read from ADO that the plan
depends on: every work item's revision, and per ticket the branch tip, the spec blob on it, the
base tip, and the pull requests (id, status, title, source commit marker). ``apply FILE`` plans
again and applies only when nothing of that moved, so what a person approved is what is
written. Pure: no I/O.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ticketops.model.gitlive import GitLive, LivePullRequest
from ticketops.model.live import LiveState

FORMAT = "ticketops-plan/1"


class ReadSet(BaseModel):
    """What one plan read: ``items`` id -> rev, ``git`` "KEY what" -> value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    commit: str | None
    items: dict[int, int]
    git: dict[str, str]


def _pr(pr: LivePullRequest | None) -> str:
    if pr is None:
        return "none"
    tip = pr.marker.tip if pr.marker and pr.marker.tip else "-"
    return f"#{pr.id} {pr.status} {pr.title!r} marker tip {tip}"


def read_set(commit: str | None, live: LiveState, git: GitLive | None) -> ReadSet:
    facts: dict[str, str] = {}
    for key, tg in sorted((git.tickets if git else {}).items()):
        facts[f"{key} branch tip"] = tg.tip or "none"
        facts[f"{key} spec blob"] = tg.spec_blob or "none"
        if tg.base_tip is not None:
            facts[f"{key} base tip"] = tg.base_tip
        facts[f"{key} pull request"] = _pr(tg.pr)
        if tg.closed_pr is not None:
            facts[f"{key} closed pull request"] = _pr(tg.closed_pr)
        for other in tg.other_prs:
            facts[f"{key} pull request #{other.id}"] = _pr(other)
    return ReadSet(commit=commit, items={i.id: i.rev for i in live.items}, git=facts)


def moved(saved: ReadSet, now: ReadSet) -> list[str]:
    """What differs between the read of a saved plan and a read made now, one line per thing."""
    out: list[str] = []
    if saved.commit != now.commit:
        out.append(f"the commit: {saved.commit} -> {now.commit}")
    for id in sorted(saved.items.keys() | now.items.keys()):
        old, new = saved.items.get(id), now.items.get(id)
        if old is None:
            out.append(f"work item #{id}: appeared (rev {new})")
        elif new is None:
            out.append(f"work item #{id}: no longer found (was rev {old})")
        elif old != new:
            out.append(f"work item #{id}: rev {old} -> {new}")
    for what in sorted(saved.git.keys() | now.git.keys()):
        old_v, new_v = saved.git.get(what, "none"), now.git.get(what, "none")
        if old_v != new_v:
            out.append(f"{what}: {old_v} -> {new_v}")
    return out
