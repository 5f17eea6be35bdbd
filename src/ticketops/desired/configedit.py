"""Edit ``.tickets/config.yaml`` on disk without losing its comments or key order (ruamel.yaml
round trip). Used by ``ticketops repos link``.

The edited text is validated like any config before it is written, and written atomically, so a
failed edit never leaves a broken file behind.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from ticketops.desired import source
from ticketops.desired.configfile import CONFIG_NAME, parse_config
from ticketops.model.errors import ConfigError, ValidationFailed

ALIAS_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
BOM = b"\xef\xbb\xbf"


def config_path(start: str | os.PathLike[str]) -> Path:
    """The ``config.yaml`` of the tickets folder nearest to ``start`` in the working tree."""
    repository = source.open_repository(start)
    snap = source.read_worktree(repository, source.start_dir(repository, start, None))
    path = Path(repository.workdir) / snap.tickets_dir / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(f"{path}: no such file; create config.yaml first (see example-repo/.tickets/config.yaml)")
    return path


def default_alias(repo_name: str) -> str:
    """``Payments Web`` -> ``payments-web``."""
    return re.sub(r"[^a-z0-9_-]+", "-", repo_name.lower()).strip("-") or "repo"


@dataclass(frozen=True)
class LinkResult:
    alias: str
    changed: bool
    message: str


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap long lines
    y.indent(mapping=2, sequence=4, offset=2)
    return y


@dataclass(frozen=True)
class _Layout:
    """How the file is written, kept on rewrite: a UTF-8 BOM, and CRLF or LF line ends."""

    bom: bool
    crlf: bool

    @classmethod
    def of(cls, raw: bytes) -> _Layout:
        body = raw.removeprefix(BOM)
        return cls(bom=raw.startswith(BOM), crlf=body.count(b"\r\n") * 2 > body.count(b"\n"))

    def encode(self, text: str) -> bytes:
        text = text.replace("\r\n", "\n")
        data = (text.replace("\n", "\r\n") if self.crlf else text).encode("utf-8")
        return BOM + data if self.bom else data


def _load(path: Path) -> tuple[YAML, CommentedMap, _Layout]:
    y = _yaml()
    try:
        raw = path.read_bytes()
        data = y.load(raw.removeprefix(BOM).decode("utf-8").replace("\r\n", "\n"))
    except (OSError, UnicodeDecodeError, YAMLError) as e:
        raise ConfigError(f"{path}: cannot read it as YAML ({e}); fix it first (`ticketops validate`)") from e
    if not isinstance(data, CommentedMap):
        raise ConfigError(f"{path}: config.yaml must be a mapping of settings")
    return y, data, _Layout.of(raw)


def link_repo(path: Path, *, name: str, alias: str | None = None, default_branch: str = "main") -> LinkResult:
    """Add ``repos.<alias>: {name, default_branch}``; keep everything else as it is."""
    y, data, layout = _load(path)
    repos = data.get("repos")
    if repos is None:
        repos = CommentedMap()
        data["repos"] = repos
    if not isinstance(repos, CommentedMap):
        raise ConfigError(f"{path}: `repos` must be a mapping of alias -> {{name, default_branch}}")
    existing = {a: str((v or {}).get("name", "")) for a, v in repos.items() if isinstance(v, dict)}
    if alias is None:
        same = next((a for a, n in existing.items() if n.lower() == name.lower()), None)
        if same is not None:
            return LinkResult(same, False, f"{name} is already linked as alias {same!r}; nothing changed")
        alias = default_alias(name)
    if not ALIAS_RE.match(alias):
        raise ConfigError(
            f"alias {alias!r}: use lower-case letters, digits, '-' and '_' (tickets write `repo: {alias}`)"
        )
    if alias in existing:
        if existing[alias].lower() == name.lower():
            return LinkResult(alias, False, f"alias {alias!r} already points at {existing[alias]}; nothing changed")
        raise ConfigError(
            f"alias {alias!r} already points at {existing[alias]!r} in {path}; pick another --alias or edit config.yaml"
        )
    entry = CommentedMap()
    entry["name"] = name
    entry["default_branch"] = default_branch.removeprefix("refs/heads/")
    if repos:
        _move_trailing_comment(repos, entry)
    repos[alias] = entry
    _write_checked(path, y, data, layout)
    return LinkResult(
        alias, True, f"linked {name} as alias {alias!r} (default branch {entry['default_branch']}) in {path}"
    )


def _last_leaf(m: CommentedMap) -> tuple[CommentedMap, object]:
    key = list(m.keys())[-1]
    value = m[key]
    return _last_leaf(value) if isinstance(value, CommentedMap) and value else (m, key)


def _move_trailing_comment(repos: CommentedMap, entry: CommentedMap) -> None:
    """The comment lines after the last repo belong to what follows ``repos``: keep them after
    the new entry rather than above it."""
    owner, key = _last_leaf(repos)
    token = owner.ca.items.get(key)
    if token is None or len(token) < 3 or token[2] is None:
        return
    entry.ca.items["default_branch"] = [None, None, token[2], None]
    token[2] = None


def _write_checked(path: Path, y: YAML, data: CommentedMap, layout: _Layout) -> None:
    buf = io.StringIO()
    y.dump(data, buf)
    raw = layout.encode(buf.getvalue())
    config, problems = parse_config(str(path), raw)
    if config is None:
        raise ValidationFailed(problems)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(tmp, path.stat().st_mode & 0o777)  # mkstemp makes it private; keep the file's mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
