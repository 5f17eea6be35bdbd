"""Writing ticket files for people: the next free key, a new ticket, and one-field edits in place.

An edit replaces the bytes of one value only, at the position the YAML composer reports for it;
the rest of the file (comments, quoting, key order, line ends) is kept byte for byte. Files are
written atomically (a temporary file in the same folder, then a rename) and re-validated first,
so an edit never leaves a ticket that `validate` would reject.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pygit2
import yaml
from yaml.nodes import ScalarNode

from ticketops.desired import yamldoc
from ticketops.desired.source import open_repository, read_worktree, start_dir
from ticketops.desired.ticketfile import decode, parse_ticket_file, split_front_matter
from ticketops.model.config import BoardConfig
from ticketops.model.errors import ConfigError, Problem, ValidationFailed
from ticketops.model.ticket import KEY_RE

_KEY_FILE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)-([0-9]+)\.md$")
_PREFIX_RE = re.compile(r"^[A-Z][A-Z0-9]*$")
WORKTREE = "the working tree"


@dataclass(frozen=True)
class Board:
    """Where a board's files are: the repository, and its tickets folder on disk and in trees."""

    repo: pygit2.Repository
    tickets_dir: str  # relative to the git root, posix

    @property
    def folder(self) -> Path:
        return Path(self.repo.workdir) / self.tickets_dir

    def ticket_path(self, key: str) -> Path:
        return self.folder / f"{key}.md"

    def display(self, key: str) -> str:
        return f"{self.tickets_dir}/{key}.md"


def open_board(start: str | os.PathLike[str]) -> Board:
    """The board whose ``.tickets/`` folder is nearest to ``start`` in the working tree."""
    repo = open_repository(start)
    if repo.is_bare:
        raise ConfigError(f"{repo.path} is a bare repository: ticket files are written to a working tree")
    snap = read_worktree(repo, start_dir(repo, start, None))
    return Board(repo, snap.tickets_dir)


# ---- keys ------------------------------------------------------------------------------------
def keys_in_use(board: Board) -> dict[str, list[str]]:
    """Every ticket key with the places it is taken: the working tree, the index, and the tip of
    every local and remote-tracking branch (a key taken on a branch not merged yet is taken)."""
    found: dict[str, list[str]] = {}

    def note(name: str, where: str) -> None:
        m = _KEY_FILE_RE.match(name)
        if m:
            places = found.setdefault(f"{m.group(1).upper()}-{int(m.group(2))}", [])
            if where not in places:
                places.append(where)

    if board.folder.is_dir():
        for entry in os.scandir(board.folder):
            note(entry.name, WORKTREE)
    prefix = board.tickets_dir + "/"
    for entry in board.repo.index:
        if entry.path.startswith(prefix) and "/" not in entry.path[len(prefix) :]:
            note(entry.path[len(prefix) :], "the index")
    for ref in board.repo.references:
        if not ref.startswith(("refs/heads/", "refs/remotes/")) or ref.endswith("/HEAD"):
            continue
        try:
            tree = board.repo.revparse_single(ref).peel(pygit2.Commit).tree
            folder = tree[board.tickets_dir]
        except (KeyError, ValueError, pygit2.GitError):
            continue
        if isinstance(folder, pygit2.Tree):
            short = ref.removeprefix("refs/heads/").removeprefix("refs/")
            for obj in folder:
                if obj.name:
                    note(obj.name, short)
    return found


def prefix_for(used: dict[str, list[str]], wanted: str | None) -> str:
    """The key prefix of a new ticket: ``wanted``, or the one prefix the board uses. Several
    prefixes, or none, is ambiguous and refused."""
    if wanted is not None:
        if not _PREFIX_RE.match(wanted):
            raise ConfigError(f"--prefix {wanted!r}: a key prefix is upper-case letters and digits, such as PAY")
        return wanted
    prefixes = sorted({k.rsplit("-", 1)[0] for k in used})
    if len(prefixes) == 1:
        return prefixes[0]
    if not prefixes:
        raise ConfigError(
            "the board has no tickets yet, so no key prefix to continue: pass --prefix, e.g. --prefix PAY"
        )
    raise ConfigError(f"the board uses several key prefixes ({', '.join(prefixes)}): pass --prefix to choose one")


def next_key(used: dict[str, list[str]], prefix: str) -> str:
    """One past the highest number taken under ``prefix`` anywhere (gaps are never reused: a
    deleted ticket's key may still name its work item in ADO)."""
    numbers = [int(k.rsplit("-", 1)[1]) for k in used if k.rsplit("-", 1)[0] == prefix]
    return f"{prefix}-{max(numbers, default=0) + 1}"


# ---- new tickets ---------------------------------------------------------------------------
def scalar(value: str | int) -> str:
    """``value`` as one YAML flow scalar: plain when it reads back as the same string, else quoted."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 30)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def new_ticket_text(fields: dict[str, str | int | list[str] | None], body: str) -> str:
    """The text of a ticket file: the fields given (in order, empty ones left out), then the body."""
    lines = ["---"]
    for name, value in fields.items():
        if value is None or value == []:
            continue
        if isinstance(value, list):
            lines.append(f"{name}:")
            lines.extend(f"  - {scalar(v)}" for v in value)
        else:
            lines.append(f"{name}: {scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + (body.rstrip("\n") + "\n" if body.strip() else "")


def write_new(board: Board, key: str, text: str, config: BoardConfig) -> Path:
    """Validate and create ``KEY.md``; never overwrites a file that exists."""
    path = board.ticket_path(key)
    _check(board.display(key), text, config)
    board.folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="") as f:
            f.write(text)
    except FileExistsError as e:
        raise ConfigError(f"{board.display(key)} already exists; nothing was written") from e
    return path


# ---- one-field edits in place --------------------------------------------------------------
@dataclass(frozen=True)
class Edit:
    """The text of a ticket file before and after replacing one front-matter value."""

    path: str
    before: str
    after: str
    old: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def replace_value(path: str, text: str, field: str, value: str | int) -> Edit:
    """``text`` with the value of front-matter ``field`` replaced by ``value``, changing only that
    value's characters. A field that is missing is added after the last field."""
    split = split_front_matter(path, text)
    if isinstance(split, Problem):
        raise ValidationFailed([split])
    fm_text, _body = split
    fm_start = text.index("\n") + 1
    doc = yamldoc.parse(fm_text, path, first_line=2)
    if doc.problems:
        raise ValidationFailed(doc.problems)
    node = doc.value_node((field,))
    if node is None:
        insert = fm_start + len(fm_text)
        newline = "\r\n" if "\r\n" in text[:insert] else "\n"
        added = f"{field}: {scalar(value)}{newline}"
        return Edit(path, text, text[:insert] + added + text[insert:], None)
    if not isinstance(node, ScalarNode):
        raise ValidationFailed([doc.problem(node, f"`{field}:` is not a single value; edit the file by hand")])
    start, end = fm_start + node.start_mark.index, fm_start + node.end_mark.index
    return Edit(path, text, text[:start] + scalar(value) + text[end:], str(node.value))


def read_text(board: Board, key: str) -> str:
    path = board.ticket_path(key)
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise ConfigError(f"{board.display(key)}: no such ticket in {WORKTREE}") from e
    text, problem = decode(board.display(key), data)
    if problem is not None or text is None:
        raise ValidationFailed([problem] if problem else [])
    return text


def write_edit(board: Board, key: str, edit: Edit, config: BoardConfig) -> None:
    """Re-validate ``edit.after`` and replace the file atomically, unless the file changed on
    disk since ``edit.before`` was read (then nothing is written)."""
    _check(edit.path, edit.after, config)
    path = board.ticket_path(key)
    if read_text(board, key) != edit.before:
        raise ConfigError(f"{edit.path} changed on disk while it was being edited; nothing was written, try again")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(edit.after)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _check(path: str, text: str, config: BoardConfig) -> None:
    stem = Path(path).stem
    if not KEY_RE.match(stem):
        raise ConfigError(f"{path}: {stem!r} is not a ticket key")
    parsed = parse_ticket_file(path, text.encode("utf-8"), config)
    if parsed.problems:
        raise ValidationFailed(list(parsed.problems))
