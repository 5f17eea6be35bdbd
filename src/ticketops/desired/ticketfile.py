"""One ticket file: bytes -> :class:`Ticket`, or every problem in it with its line and column.

Pure: no git, no disk. Used by the loader, and later by watch mode and the git hooks.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

import pygit2
from pydantic import ValidationError

from ticketops.desired import branchrules, fastyaml, yamldoc
from ticketops.desired.messages import describe, problems_from, suggest
from ticketops.desired.secrets import find_in
from ticketops.model.config import BoardConfig
from ticketops.model.errors import Problem
from ticketops.model.ticket import KEY_RE, FrontMatter, Ticket

MAX_FILE_BYTES = 1024 * 1024  # a spec larger than 1 MiB is a mistake (a pasted log, a binary)
FRONT_MATTER_FIELDS: tuple[str, ...] = tuple(FrontMatter.model_fields)
_FIELD_SET = frozenset(FRONT_MATTER_FIELDS)
_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
_OWN_FIELDS = frozenset({"key", "body", "path", "blob_id", "content"})  # reported by this module


@dataclass(frozen=True)
class ParsedTicket:
    """The outcome for one file. ``claimed_keys`` are the keys the file speaks for (its file name
    and its ``key`` field, when they are valid keys): an invalid file keeps them out of reach of
    the reconciler instead of letting their work items look orphaned."""

    ticket: Ticket | None
    problems: tuple[Problem, ...]
    claimed_keys: frozenset[str]


def key_from_name(path: str) -> str:
    """``.tickets/PAY-1.md`` -> ``PAY-1`` (the stem, unchecked)."""
    name = posixpath.basename(path)
    return name[:-3] if name.endswith(".md") else name


def decode(path: str, data: bytes) -> tuple[str | None, Problem | None]:
    """UTF-8 text without a BOM, or the problem: too large, or not UTF-8 (with its position)."""
    if len(data) > MAX_FILE_BYTES:
        return None, Problem(
            path,
            0,
            0,
            f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,} (1 MiB): "
            "move large material (logs, images) out of the ticket and link to it",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return None, Problem(
            path,
            line,
            col,
            f"not valid UTF-8 (byte 0x{data[e.start]:02x}); save the file as UTF-8",
        )
    return text.removeprefix("\ufeff"), None


def split_front_matter(path: str, text: str) -> tuple[str, str] | Problem:
    """``(yaml_text, body)``: the front matter starts on line 2. The body loses its leading blank
    lines and uses ``\\n`` line ends."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip(" \t\r") != "---":
        return Problem(
            path,
            1,
            1,
            "missing front matter: the file must start with a line '---', then fields such as "
            "'title:' and 'status:', then a line '---', then the Markdown spec",
        )
    start = first_end + 1 if first_end >= 0 else len(text)
    close = _CLOSE_RE.search(text, start)
    if close is None:
        return Problem(
            path, 1, 1, "the front matter that starts here is never closed: add a line '---' after the fields"
        )
    body = text[close.end() + 1 :].replace("\r\n", "\n")
    body = re.sub(r"\A(?:[ \t]*\n)+", "", body)
    return text[start : close.start()], body


def parse_ticket_file(
    path: str, data: bytes, config: BoardConfig | None, *, blob_id: str | None = None
) -> ParsedTicket:
    """Every problem in one ticket file. ``config`` None skips the checks that need the board
    (status, repo): used when config.yaml itself is invalid."""
    stem = key_from_name(path)
    claimed = {stem.upper()} if KEY_RE.match(stem.upper()) else set()
    problems: list[Problem] = []
    if not KEY_RE.match(stem):
        fix = (
            f"rename it to {stem.upper()}.md"
            if KEY_RE.match(stem.upper())
            else "rename it to KEY.md, for example PAY-12.md"
        )
        problems.append(
            Problem(
                path, 0, 0, f"file name '{stem}' is not a ticket key (like PAY-12, pattern {KEY_RE.pattern}); {fix}"
            )
        )
    leaks = find_in(path, data)
    if leaks:  # nothing else is parsed: no later message can echo a piece of the value
        return ParsedTicket(None, (*problems, *leaks), frozenset(claimed))
    text, problem = decode(path, data)
    if problem is not None:
        return ParsedTicket(None, (*problems, problem), frozenset(claimed))
    assert text is not None
    split = split_front_matter(path, text)
    if isinstance(split, Problem):
        return ParsedTicket(None, (*problems, split), frozenset(claimed))
    fm_text, body = split
    extra = {"key": stem, "body": body, "path": path, "content": data, "blob_id": blob_id or str(pygit2.hash(data))}
    if not problems:
        ticket = _fast(fm_text, extra, config)
        if ticket is not None:
            return ParsedTicket(ticket, (), frozenset(claimed | ({ticket.key} if ticket.key else set())))
    problems.extend(_full(path, fm_text, extra, config, claimed))
    if not problems:  # valid, but not simple enough for the fast path (quoted strings, ...)
        fields = yamldoc.parse(fm_text, path, first_line=2).value or {}
        ticket = Ticket.model_validate({**{k: v for k, v in fields.items() if k != "key"}, **extra})
        return ParsedTicket(ticket, (), frozenset(claimed | {ticket.key}))
    return ParsedTicket(None, tuple(sorted(problems)), frozenset(claimed))


def _fast(fm_text: str, extra: dict[str, Any], config: BoardConfig | None) -> Ticket | None:
    """The ticket when its front matter is simple and valid, else None (then :func:`_full` runs
    and finds every problem with its position)."""
    fields = fastyaml.parse_simple(fm_text)
    if fields is None or not fields.keys() <= _FIELD_SET:
        return None
    if fields.get("key") not in (None, extra["key"]):
        return None
    known = {k: v for k, v in fields.items() if k != "key"}
    try:
        ticket = Ticket.model_validate({**known, **extra})
    except ValidationError:
        return None
    if config is not None and _board_checks(known, config):
        return None
    return ticket


def _full(
    path: str, fm_text: str, extra: dict[str, Any], config: BoardConfig | None, claimed: set[str]
) -> list[Problem]:
    """Every problem of the front matter, at its line and column (full YAML parser)."""
    doc = yamldoc.parse(fm_text, path, first_line=2)
    problems = list(doc.problems)
    if doc.problems and doc.root is None:
        return problems
    fields = doc.value if doc.value is not None else {}
    if not isinstance(fields, dict):
        return [
            *problems,
            doc.problem(doc.root, f"the front matter must be fields like 'title: ...', not {describe(fields)}"),
        ]
    problems.extend(_unknown_fields(doc, fields))
    problems.extend(_key_field(doc, fields, extra["key"], claimed))
    known = {k: v for k, v in fields.items() if k in _FIELD_SET and k != "key"}
    try:
        Ticket.model_validate({**known, **extra})
    except ValidationError as e:
        problems.extend(problems_from(e, FrontMatter, doc, skip=_OWN_FIELDS))
    if config is not None:
        problems.extend(doc.problem(doc.node_at((name,)), msg) for name, msg in _board_checks(known, config))
    return problems


def parse_ticket(
    path: str, data: bytes, config: BoardConfig | None, *, blob_id: str | None = None
) -> tuple[Ticket | None, list[Problem]]:
    """``(ticket, [])`` for a valid file, ``(None, problems)`` otherwise. ``path`` is the file's
    path relative to the git repository root; the file name must be ``KEY.md``."""
    parsed = parse_ticket_file(path, data, config, blob_id=blob_id)
    return parsed.ticket, list(parsed.problems)


def _unknown_fields(doc: yamldoc.YamlDoc, fields: dict[Any, Any]) -> list[Problem]:
    out = []
    for name in fields:
        if name in FRONT_MATTER_FIELDS:
            continue
        hint = suggest(str(name), FRONT_MATTER_FIELDS) or f"; valid fields: {', '.join(FRONT_MATTER_FIELDS)}"
        out.append(doc.problem(doc.node_at((str(name),)), f"unknown field '{name}'{hint}"))
    return out


def _key_field(doc: yamldoc.YamlDoc, fields: dict[Any, Any], stem: str, claimed: set[str]) -> list[Problem]:
    if "key" not in fields or fields["key"] is None:
        return []
    value = fields["key"]
    node = doc.node_at(("key",))
    if not isinstance(value, str):
        return [doc.problem(node, f"key: expected text like {stem}, got {describe(value)}")]
    if KEY_RE.match(value):
        claimed.add(value)
    if value != stem:
        return [
            doc.problem(
                node,
                f"key '{value}' does not match the file name {stem}.md; "
                f"rename the file to {value}.md or remove the key field",
            )
        ]
    return []


def _board_checks(fields: dict[str, Any], config: BoardConfig) -> list[tuple[str, str]]:
    """Checks against config.yaml, as ``(field, message)``: the status and repo alias exist, a
    started ticket has a repository (``repo:``, else ``default_repo``, else the only linked one;
    several and no default is ambiguous), branch names are valid."""
    out: list[tuple[str, str]] = []
    names = [s.name for s in config.effective_statuses]
    status = fields.get("status")
    if isinstance(status, str) and status not in names:
        out.append(("status", f"unknown status '{status}'{suggest(status, names)}; valid statuses: {', '.join(names)}"))
    repo = fields.get("repo")
    aliases = sorted(config.repos)
    if isinstance(repo, str) and repo not in config.repos:
        valid = f"valid repos: {', '.join(aliases)}" if aliases else "config.yaml has no repos; add it under 'repos:'"
        out.append(("repo", f"unknown repo '{repo}'{suggest(repo, aliases)}; {valid}"))
    elif (
        repo is None
        and config.default_repo is None
        and len(aliases) > 1
        and isinstance(status, str)
        and status in names
        and config.work_started(status)
    ):
        out.append(
            (
                "status",
                f"status '{status}' needs a repository for the feature branch, and config.yaml links "
                f"several without a default_repo: add 'repo:' with one of {', '.join(aliases)}, "
                "or set default_repo in config.yaml",
            )
        )
    for name in ("branch", "base"):
        value = fields.get(name)
        if isinstance(value, str) and (problem := branchrules.name_problem(name, value)) is not None:
            fix = "branch_template" if name == "branch" else "the repo's default_branch"
            bad = value.strip() and branchrules.invalid_reason(value.removeprefix("refs/heads/")) is not None
            hint = f"; write a valid name, or remove `{name}:` to use {fix}" if bad else ""
            out.append((name, problem + hint))
    return out
