"""The desired state: config + every valid ticket of one commit (or of the working tree).

Which files count, decided once here:

* ``config.yaml`` is the board config; without it nothing can be checked.
* ``KEY.md`` is a ticket. Two files whose keys differ only in case (``PAY-1.md``,
  ``pay-1.md``) are both refused: which one is meant is ambiguous.
* ``README.md`` (any case) is documentation and ignored. Any other ``*.md`` whose name is not a
  key is a problem (it looks like a ticket that the reconciler would silently skip).
* A ``KEY.md`` in a sub-folder (``.tickets/sprint1/PAY-4.md``) is a problem at its path: it is
  not a ticket, and skipping it silently would hide it. Its key is kept out of reach of the
  reconciler (its work item is not taken for an orphan) unless a ticket file has that key.
* Other files (``.gitkeep``, images, notes) and hidden sub-folders such as ``.ticketops/`` are
  ignored.
"""

from __future__ import annotations

import os
from collections import defaultdict

import pygit2

from ticketops.desired import branchclash, source
from ticketops.desired.configfile import CONFIG_NAME, parse_config
from ticketops.desired.ticketfile import key_from_name, parse_ticket_file
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.errors import Problem, ValidationFailed
from ticketops.model.ticket import KEY_RE, Ticket

_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")


def snapshot(
    repo: str | os.PathLike[str] = ".",
    rev: str | None = "HEAD",
    worktree: bool = False,
    *,
    subdir: str | None = None,
) -> source.Snapshot:
    """The raw files of the tickets folder. Raises GitError/ConfigError when they can't be found."""
    repository = source.open_repository(repo)
    start = source.start_dir(repository, repo, subdir)
    if worktree:
        return source.read_worktree(repository, start)
    return source.read_commit(repository, rev or "HEAD", start)


def _config(snap: source.Snapshot) -> tuple[BoardConfig | None, list[Problem]]:
    cfg = snap.file(CONFIG_NAME)
    path = f"{snap.tickets_dir}/{CONFIG_NAME}"
    if cfg is not None and cfg.problem is not None:
        return None, [cfg.problem]
    return parse_config(path, cfg.data if cfg else None, siblings=[f.name for f in snap.files])


def _is_ticket_candidate(name: str) -> bool:
    lower = name.lower()
    return lower.endswith(_MARKDOWN_SUFFIXES) and lower != "readme.md" and not name.startswith(".")


def _tickets(snap: source.Snapshot, config: BoardConfig | None) -> tuple[list[Ticket], list[Problem], set[str]]:
    files = [(f, key_from_name(f.name).upper()) for f in snap.files if _is_ticket_candidate(f.name)]
    by_key: dict[str, list[source.SourceFile]] = defaultdict(list)
    for f, upper in files:
        by_key[upper].append(f)
    tickets: list[Ticket] = []
    problems: list[Problem] = []
    invalid: set[str] = set()
    for f, upper in files:
        parsed_ok, file_problems, claimed = _one(f, upper, config)
        if len(by_key[upper]) > 1:
            dupes = ", ".join(g.path for g in by_key[upper] if g is not f)
            file_problems.append(
                Problem(
                    f.path,
                    0,
                    0,
                    f"duplicate ticket key {upper}: {dupes} has the same key "
                    "(keys compare case-insensitively); keep one file and renumber or delete the other",
                )
            )
        if file_problems or parsed_ok is None:
            problems.extend(file_problems)
            invalid |= claimed
        else:
            tickets.append(parsed_ok)
    if config is not None:
        cfg = snap.file(CONFIG_NAME)
        site = branchclash.template_site(f"{snap.tickets_dir}/{CONFIG_NAME}", cfg.data if cfg else None, config)
        clashes = branchclash.problems(tickets, config, site)
        problems.extend(p for key in sorted(clashes) for p in clashes[key])
        invalid |= set(clashes)
        tickets = [t for t in tickets if t.key not in clashes]
    for path in snap.misplaced:
        upper = key_from_name(path.rsplit("/", 1)[-1]).upper()
        problems.append(_misplaced(path, snap.tickets_dir, by_key.get(upper, [])))
        if upper not in by_key:
            invalid.add(upper)
    tickets.sort(key=lambda t: t.key)
    return tickets, problems, invalid


def _misplaced(path: str, tickets_dir: str, same_key: list[source.SourceFile]) -> Problem:
    name = path.rsplit("/", 1)[-1]
    also = f" ({same_key[0].path} already has this key: keep one of them)" if same_key else ""
    return Problem(
        path,
        0,
        0,
        f"{name} is in a sub-folder, so it is not a ticket: move it to {tickets_dir}/{also} "
        f"— only files directly in {tickets_dir}/ are tickets",
    )


def _one(f: source.SourceFile, upper: str, config: BoardConfig | None) -> tuple[Ticket | None, list[Problem], set[str]]:
    claimed = {upper} if _valid_key(upper) else set()
    if f.problem is not None:
        return None, [f.problem], claimed
    if not f.name.endswith(".md"):
        stem = f.name.rsplit(".", 1)[0]
        return None, [Problem(f.path, 0, 0, f"ticket files end in .md: rename it to {stem}.md")], claimed
    assert f.data is not None
    parsed = parse_ticket_file(f.path, f.data, config, blob_id=f.blob_id)
    if parsed.ticket is not None:
        return parsed.ticket, [], claimed
    return None, list(parsed.problems), set(parsed.claimed_keys) | claimed


def _valid_key(key: str) -> bool:
    return bool(KEY_RE.match(key))


def check(
    repo: str | os.PathLike[str] = ".",
    rev: str | None = "HEAD",
    worktree: bool = False,
    *,
    subdir: str | None = None,
) -> tuple[DesiredState | None, tuple[Problem, ...]]:
    """Every problem, config and tickets, in one run (for ``validate``). The state is None when
    config.yaml is invalid; tickets are still checked as far as possible without it."""
    snap = snapshot(repo, rev, worktree, subdir=subdir)
    config, config_problems = _config(snap)
    tickets, ticket_problems, invalid = _tickets(snap, config)
    problems = tuple(sorted(config_problems + ticket_problems))
    if config is None:
        return None, problems
    return _state(snap, config, tickets, ticket_problems, invalid), problems


def load(
    repo: str | os.PathLike[str] = ".",
    rev: str | None = "HEAD",
    worktree: bool = False,
    *,
    subdir: str | None = None,
) -> DesiredState:
    """The desired state. An invalid config raises :class:`ValidationFailed`; invalid tickets
    do not: they are in ``problems`` and their keys in ``invalid_keys``."""
    snap = snapshot(repo, rev, worktree, subdir=subdir)
    config, config_problems = _config(snap)
    if config is None:
        raise ValidationFailed(config_problems)
    tickets, ticket_problems, invalid = _tickets(snap, config)
    return _state(snap, config, tickets, ticket_problems, invalid)


def _state(
    snap: source.Snapshot, config: BoardConfig, tickets: list[Ticket], problems: list[Problem], invalid: set[str]
) -> DesiredState:
    return DesiredState(
        config=config,
        tickets=tuple(tickets),
        commit=snap.commit,
        tickets_dir=snap.tickets_dir,
        problems=tuple(sorted(problems)),
        invalid_keys=frozenset(invalid),
    )


def blob_id(data: bytes) -> str:
    """The git blob id of ``data`` (what ``Ticket.blob_id`` holds)."""
    return str(pygit2.hash(data))
