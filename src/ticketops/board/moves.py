"""Moving a card: the preview of what it does in ADO, then the one-line edit of ``status:``.

The edit is ``ticketops move``'s (:func:`ticketops.desired.authoring.replace_value`): only the
bytes of the ``status:`` value change, at the position the YAML composer reports, the file is
re-validated and replaced atomically. It is a compare-and-swap on the file's git blob id: when the
file on disk is not the one the page showed, nothing is written (:class:`Stale`, HTTP 409).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ticketops.ado.redact import redact
from ticketops.board.source import BoardSource, git_root
from ticketops.desired import authoring
from ticketops.desired.ticketfile import parse_ticket_file
from ticketops.model.desired import DesiredState
from ticketops.model.errors import ConfigError, TicketopsError, ValidationFailed
from ticketops.model.gitlive import git_blob_id
from ticketops.model.ticket import KEY_RE
from ticketops.plan import render_text
from ticketops.plan.move import describe_move


class Stale(TicketopsError):
    """The file changed since the page read it (another editor, another tab)."""


@dataclass(frozen=True)
class Preview:
    key: str
    old: str | None
    new: str
    blob_id: str
    lines: tuple[str, ...]  # describe_move: state walk, branch, pull request and reviewers
    plan: tuple[str, ...]  # the exact plan for this ticket once committed (empty when ADO is out of reach)
    unknown: str | None  # why ADO was not consulted
    unchanged: bool = False

    @property
    def message(self) -> str:
        return f"{self.key}: {self.old} -> {self.new}"


@dataclass(frozen=True)
class Written:
    key: str
    path: str
    blob_id: str
    message: str


def _key(key: str) -> str:
    key = key.upper()
    if not KEY_RE.match(key):
        raise ConfigError(f"{key!r} is not a ticket key")
    return key


def _edit(source: BoardSource, key: str, status: str, blob_id: str) -> tuple[authoring.Board, authoring.Edit]:
    board = authoring.open_board(source.repo)
    data = board.ticket_path(key).read_bytes() if board.ticket_path(key).is_file() else None
    if data is None:
        raise ConfigError(f"{board.display(key)}: no such ticket in the working tree")
    if blob_id and git_blob_id(data) != blob_id:
        raise Stale(f"{board.display(key)} changed on disk since the board showed it; nothing was written")
    text = authoring.read_text(board, key)
    return board, authoring.replace_value(board.display(key), text, "status", status)


def _moved(desired: DesiredState, status: str, edit: authoring.Edit, key: str) -> DesiredState:
    statuses = [s.name for s in desired.config.effective_statuses]
    if status not in statuses:
        raise ConfigError(f"{status!r} is not a status of this board; use one of: {', '.join(statuses)}")
    parsed = parse_ticket_file(edit.path, edit.after.encode("utf-8"), desired.config)
    if parsed.ticket is None:
        raise ValidationFailed(list(parsed.problems))
    tickets = tuple(parsed.ticket if t.key == key else t for t in desired.tickets)
    if all(t.key != key for t in desired.tickets):
        tickets = (*tickets, parsed.ticket)
    return desired.model_copy(update={"tickets": tickets})


def preview(source: BoardSource, key: str, status: str, blob_id: str) -> Preview:
    """What moving ``key`` to ``status`` would do, from the real planner; nothing is written."""
    key = _key(key)
    _board, edit = _edit(source, key, status, blob_id)
    desired = source.desired(None)
    moved = _moved(desired, status, edit, key)
    ticket = moved.ticket(key)
    current = blob_id or git_blob_id(edit.before.encode("utf-8"))
    if not edit.changed:
        return Preview(key, edit.old, status, current, (f"{key} is already {status}",), (), None, unchanged=True)
    lines = tuple(describe_move(moved, ticket, edit.old))
    plan, _git, unknown = source.plan(moved)
    shown: tuple[str, ...] = ()
    if plan is not None:
        only = plan.model_copy(update={"actions": plan.for_key(key), "synced": ()})
        shown = tuple(line for line in render_text(only).splitlines()[2:])
    return Preview(key, edit.old, status, current, lines, shown, unknown)


def write(source: BoardSource, key: str, status: str, blob_id: str) -> Written:
    """Replace the ``status:`` value of ``key``'s file, if it is still the file of ``blob_id``."""
    key = _key(key)
    board, edit = _edit(source, key, status, blob_id)
    desired = source.desired(None)
    _moved(desired, status, edit, key)
    if edit.changed:
        try:
            authoring.write_edit(board, key, edit, desired.config)
        except ConfigError as e:
            if "changed on disk" in str(e):
                raise Stale(str(e)) from e
            raise
    source.invalidate()
    new_blob = git_blob_id(board.ticket_path(key).read_bytes())
    return Written(key, edit.path, new_blob, f"{key}: {edit.old} -> {status}")


@dataclass(frozen=True)
class GitRun:
    ok: bool
    lines: tuple[str, ...]


def commit(source: BoardSource, key: str, message: str, *, push: bool) -> GitRun:
    """``git commit -m MESSAGE -- .tickets/KEY.md`` (the hooks run, as for any commit), then
    ``git push`` when asked. Never silent: the output is returned, secrets redacted."""
    key = _key(key)
    desired = source.desired(None)
    root = git_root(source.repo, desired)
    path = f"{desired.tickets_dir}/{key}.md"
    if not (root / path).is_file():
        raise ConfigError(f"{path}: no such ticket in the working tree")
    message = message.strip() or f"{key}: update"
    steps = [["git", "add", "--", path], ["git", "commit", "-m", message, "--", path]]
    if push:
        steps.append(["git", "push"])
    lines: list[str] = []
    for argv in steps:
        done = _git(root, argv)
        lines.append("$ " + " ".join(argv[:3]) + (" ..." if len(argv) > 3 else ""))
        lines += [redact(line) for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        if done.returncode != 0:
            source.invalidate()
            return GitRun(False, tuple(lines))
    source.invalidate()
    return GitRun(True, tuple(lines))


def _git(root: Path, argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=root, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
