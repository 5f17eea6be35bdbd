"""Validate the tickets folder at given commits, skipping commits that did not change it.

A commit is checked when its tickets tree differs from every parent's (a root commit, when it
has a tickets folder). Results are cached by tree id, so the same tickets tree is read once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pygit2

from ticketops.hooks.locate import HookRepo, tree_id_at
from ticketops.model.desired import DesiredState
from ticketops.model.errors import Problem, TicketopsError


@dataclass(frozen=True)
class CommitCheck:
    """The validation result of the tickets folder at one commit."""

    commit: str  # full hex id
    subject: str  # first line of the commit message
    state: DesiredState | None
    problems: tuple[Problem, ...]

    @property
    def short(self) -> str:
        return self.commit[:7]

    @property
    def ok(self) -> bool:
        return not self.problems and self.state is not None

    def header(self) -> str:
        n = len(self.problems)
        return f'commit {self.short} "{self.subject}": {n} problem{"s" if n != 1 else ""} in tickets'


class Validator:
    """Validates the tickets folder of one repository at any of its commits."""

    def __init__(self, hrepo: HookRepo) -> None:
        self.hrepo = hrepo
        self._by_tree: dict[pygit2.Oid, tuple[DesiredState | None, tuple[Problem, ...]]] = {}

    def tickets_tree(self, commit: pygit2.Commit) -> pygit2.Oid | None:
        return tree_id_at(commit, self.hrepo.tickets_tree_path)

    def changes_tickets(self, commit: pygit2.Commit) -> bool:
        """True when ``commit`` has a tickets folder that differs from each parent's."""
        mine = self.tickets_tree(commit)
        if mine is None:
            return False
        return all(self.tickets_tree(parent) != mine for parent in commit.parents)

    def check(self, commit: pygit2.Commit) -> CommitCheck:
        tree = self.tickets_tree(commit)
        if tree is None:
            problem = Problem(self.hrepo.tickets_tree_path, 0, 0, "no tickets folder in this commit")
            return CommitCheck(str(commit.id), _subject(commit), None, (problem,))
        if tree not in self._by_tree:
            self._by_tree[tree] = self._run_check(str(commit.id))
        state, problems = self._by_tree[tree]
        return CommitCheck(str(commit.id), _subject(commit), state, problems)

    def check_changed(self, commits: Iterable[pygit2.Commit]) -> list[CommitCheck]:
        return [self.check(c) for c in commits if self.changes_tickets(c)]

    def _run_check(self, rev: str) -> tuple[DesiredState | None, tuple[Problem, ...]]:
        from ticketops.desired import check

        try:
            state, problems = check(self.hrepo.workdir, rev=rev, subdir=self.hrepo.subdir)
        except TicketopsError as e:  # an unreadable config or revision: one problem, not a crash
            problems = tuple(getattr(e, "problems", ())) or (Problem(self.hrepo.tickets_tree_path, 0, 0, str(e)),)
            return None, problems
        return state, tuple(problems)


def _subject(commit: pygit2.Commit) -> str:
    lines = commit.message.strip().splitlines()
    subject = lines[0] if lines else ""
    return subject if len(subject) <= 60 else subject[:57] + "..."
