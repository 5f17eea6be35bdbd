"""``ticketops emulator --state FILE``: the organisation survives a restart.

The file is JSON: the seed the organisation was built from, then everything that can change:
people, each project's mutable fields, work items (every revision, update and comment), pull
requests, each repository's git objects and refs, and the counters that hand out ids and
timestamps. It is rewritten after every request that can change something (a temp file in the
same folder, fsync, ``os.replace``), so a crash leaves the old state or the new one, never half a
file. At start the seed is built again and the stored state replaces what can change.

Records are encoded generically (dataclass fields, by name), so a field added to a record is
stored without touching this module; a value of a type this module cannot encode fails the save
loudly (a ``TypeError``) rather than being dropped.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import importlib
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pygit2

from ticketops.emulator.db.records import Project, Repo
from ticketops.emulator.identity import User
from ticketops.emulator.log import RequestRecord
from ticketops.emulator.processes import WorkItemTypeDef
from ticketops.emulator.seed import Seed
from ticketops.model.errors import ConfigError

if TYPE_CHECKING:
    from ticketops.emulator.app import Emulator
    from ticketops.emulator.db import Database

FORMAT = 1
TAG = "__emu__"  # marks an encoded non-JSON value (a person, a reference, a tuple, a record)
_MODULE_PREFIX = "ticketops.emulator."
# Attributes rebuilt from the seed or from the stored items, never stored.
_DB_SKIP = frozenset(
    {"lock", "root", "stamper", "organization", "org_id", "markdown_supported", "users", "api_user"}
    | {"projects", "wit", "pulls", "ref_policy"}
)
_WIT_SKIP = frozenset({"directory", "stamper", "markdown_supported", "by_project", "by_tag"})
_PULLS_SKIP = frozenset({"stamper"})
_PROJECT_SKIP = frozenset({"id", "template", "repos"})
_READS = ("GET", "HEAD", "OPTIONS")


class _TypeRef:
    """A work item type by name, resolved against the record's project once it is decoded."""

    def __init__(self, name: str) -> None:
        self.name = name


class _Codec:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- encoding -------------------------------------------------------------------------
    def enc(self, v: object) -> object:
        if v is None or (isinstance(v, (str, bool, int, float)) and not isinstance(v, enum.Enum)):
            return v
        if isinstance(v, User):
            return {TAG: "user", "id": v.id}
        if isinstance(v, Project):
            return {TAG: "project", "id": v.id}
        if isinstance(v, Repo):
            return {TAG: "repo", "id": v.id}
        if isinstance(v, WorkItemTypeDef):
            return {TAG: "type", "name": v.name}
        if isinstance(v, enum.Enum):
            return {TAG: "enum", "class": _class_path(type(v)), "value": v.value}
        if isinstance(v, list):
            return [self.enc(x) for x in v]
        if isinstance(v, tuple):
            return {TAG: "tuple", "items": [self.enc(x) for x in v]}
        if isinstance(v, (set, frozenset)):
            kind = "frozenset" if isinstance(v, frozenset) else "set"
            return {TAG: kind, "items": [self.enc(x) for x in sorted(v, key=repr)]}
        if isinstance(v, dict):
            if all(isinstance(k, str) for k in v) and TAG not in v:
                return {k: self.enc(x) for k, x in v.items()}
            return {TAG: "dict", "items": [[self.enc(k), self.enc(x)] for k, x in v.items()]}
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            cls = type(v)
            if not cls.__module__.startswith(_MODULE_PREFIX):
                raise TypeError(f"cannot store a {cls.__qualname__} in the emulator's state file")
            values = {f.name: self.enc(getattr(v, f.name)) for f in dataclasses.fields(v) if f.init}
            return {TAG: "record", "class": _class_path(cls), "fields": values}
        raise TypeError(f"cannot store a {type(v).__qualname__} in the emulator's state file")

    # ---- decoding -------------------------------------------------------------------------
    def dec(self, v: object) -> object:
        if isinstance(v, list):
            return [self.dec(x) for x in v]
        if not isinstance(v, dict):
            return v
        kind = v.get(TAG)
        if kind is None:
            return {k: self.dec(x) for k, x in v.items()}
        if kind == "user":
            return self._user(str(v["id"]))
        if kind == "project":
            return self.db.project(str(v["id"]))
        if kind == "repo":
            return self.db.find_repo(str(v["id"]), None)
        if kind == "type":
            return _TypeRef(str(v["name"]))
        if kind == "enum":
            return _load_class(str(v["class"]))(v["value"])
        items = v.get("items")
        if kind in ("tuple", "set", "frozenset") and isinstance(items, list):
            seq = [self.dec(x) for x in items]
            return tuple(seq) if kind == "tuple" else (frozenset(seq) if kind == "frozenset" else set(seq))
        if kind == "dict" and isinstance(items, list):
            return {self.dec(k): self.dec(x) for k, x in items}
        if kind == "record":
            return self._record(str(v["class"]), v["fields"])
        raise ValueError(f"unknown stored value kind {kind!r}")

    def _user(self, user_id: str) -> User:
        found = self.db.users.by_id(user_id)
        if found is None:
            raise ValueError(f"the state names a person ({user_id}) it does not list")
        return found

    def _record(self, path: str, raw: object) -> object:
        cls = _load_class(path)
        if not isinstance(raw, dict):
            raise ValueError(f"a stored {path} has no fields")
        known = {f.name for f in dataclasses.fields(cls) if f.init}
        values = {k: self.dec(x) for k, x in raw.items() if k in known}
        project = values.get("project")
        for k, x in values.items():
            if isinstance(x, _TypeRef):
                wit = project.template.type(x.name) if isinstance(project, Project) else None
                if wit is None:
                    raise ValueError(f"work item type {x.name!r} is not in the project's process")
                values[k] = wit
        return cls(**values)


def _class_path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _load_class(path: str) -> type:
    module, _, name = path.partition(":")
    if not module.startswith(_MODULE_PREFIX) and not module.startswith("ticketops.model."):
        raise ValueError(f"the state file names a class outside the emulator: {path}")
    found = getattr(importlib.import_module(module), name, None)
    if not isinstance(found, type):
        raise ValueError(f"the state file names an unknown class: {path}")
    return found


# ---- git ------------------------------------------------------------------------------------
class _GitCache:
    """Encoded git objects by id: objects never change, so each is encoded once."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[str, list[object]]] = {}

    def encode(self, repo: Repo, git: pygit2.Repository) -> dict[str, object]:
        known = self.objects.setdefault(repo.id, {})
        for oid in git.odb:
            key = str(oid)
            if key not in known:
                obj_type, data = git.odb.read(oid)
                known[key] = [int(obj_type), base64.b64encode(data).decode("ascii")]
        refs: dict[str, str] = {}
        for name in git.references:
            ref = git.references[name]
            refs[name] = str(ref.target)
        head = git.lookup_reference("HEAD").target
        return {"head": str(head), "refs": refs, "objects": known}


def _restore_git(repo: Repo, raw: dict[str, object]) -> None:
    shutil.rmtree(repo.path, ignore_errors=True)
    git = pygit2.init_repository(repo.path, bare=True, initial_head=str(raw["head"]))
    objects = raw["objects"]
    refs = raw["refs"]
    if not isinstance(objects, dict) or not isinstance(refs, dict):
        raise ValueError(f"repository {repo.name}: objects and refs must be objects")
    for oid, (obj_type, data) in objects.items():
        written = git.odb.write(int(obj_type), base64.b64decode(data))
        if str(written) != oid:
            raise ValueError(f"repository {repo.name}: object {oid} is corrupt")
    for name, target in refs.items():
        if str(target).startswith("refs/"):
            git.references.create(name, str(target), force=True)
        else:
            git.references.create(name, pygit2.Oid(hex=str(target)), force=True)
    repo._git = git


# ---- the state file ---------------------------------------------------------------------------
class StateFile:
    """Load an emulator from ``path`` (when it exists) and keep ``path`` current.

    ``state = StateFile(path); emu = state.open(seed)`` builds the emulator; from then on every
    request that can change something rewrites the file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._git = _GitCache()
        self._opened: frozenset[str] = frozenset()
        self._emulator: Emulator | None = None
        self.saves = 0

    def stored_seed(self) -> Seed | None:
        raw = self._read()
        if raw is None:
            return None
        try:
            return Seed.model_validate(raw["seed"])
        except (KeyError, ValueError) as e:
            raise ConfigError(
                f"{self.path}: the stored seed is invalid ({e}); move the file away to start afresh"
            ) from e

    def open(self, seed: Seed | None, **emulator_kwargs: object) -> Emulator:
        """An emulator from the stored state, or from ``seed`` when the file does not exist yet.

        A seed that differs from the one the state was built from is refused: which one should win
        is not for the emulator to guess."""
        from ticketops.emulator.app import Emulator

        raw = self._read()
        stored = self.stored_seed()
        if stored is not None and seed is not None and stored != seed:
            raise ConfigError(
                f"{self.path}: the state was built from another seed; drop --seed to keep the state, "
                "or move the state file away to start from the new seed"
            )
        emu = Emulator(stored or seed, **emulator_kwargs)  # type: ignore[arg-type]  # the keyword arguments are Emulator's own
        if raw is not None:
            try:
                with emu.db.lock:
                    self._restore(emu.db, raw)
            except (KeyError, TypeError, ValueError) as e:
                emu.close()
                raise ConfigError(f"{self.path}: cannot load the emulator's state ({e})") from e
        emu.observers.append(self.observe)
        self.save(emu)
        return emu

    def observe(self, record: RequestRecord) -> None:
        """Request observer: save after anything that can have changed the organisation."""
        emu = self._emulator
        if emu is None:
            return
        if record.method.upper() not in _READS or self._opened != _opened_repos(emu.db):
            self.save(emu)

    def save(self, emu: Emulator) -> None:
        """Write the whole state atomically: a temp file next to the target, then ``os.replace``."""
        self._emulator = emu
        with self._lock:
            with emu.db.lock:
                data = self._encode(emu)
            text = json.dumps(data, separators=(",", ":"), sort_keys=True)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self.saves += 1

    # ---- internals ------------------------------------------------------------------------------
    def _read(self) -> dict[str, object] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as e:
            raise ConfigError(f"{self.path}: cannot read the state file ({e.strerror})") from e
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as e:
            raise ConfigError(f"{self.path}: line {e.lineno}: not valid JSON ({e.msg})") from e
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ConfigError(f"{self.path}: not an emulator state file (format {FORMAT} expected)")
        return raw

    def _encode(self, emu: Emulator) -> dict[str, object]:
        db = emu.db
        codec = _Codec(db)
        self._opened = _opened_repos(db)
        repos = {}
        for p in db.projects.values():
            for r in p.repos.values():
                if r._git is not None:
                    repos[r.id] = self._git.encode(r, r._git)
        return {
            "format": FORMAT,
            "seed": emu.seed.model_dump(mode="json"),
            "lastStamp": db.stamper._last,
            "users": [{"id": u.id, "email": u.email, "displayName": u.display_name} for u in db.users.all()],
            "projects": {
                p.id: {
                    f.name: codec.enc(getattr(p, f.name)) for f in dataclasses.fields(p) if f.name not in _PROJECT_SKIP
                }
                for p in db.projects.values()
            },
            "database": _attrs(codec, db, _DB_SKIP),
            "workItems": _attrs(codec, db.wit, _WIT_SKIP),
            "pullRequests": _attrs(codec, db.pulls, _PULLS_SKIP),
            "repositories": repos,
        }

    def _restore(self, db: Database, raw: dict[str, object]) -> None:
        codec = _Codec(db)
        for u in _as_list(raw["users"]):
            db.users.add(str(u["email"]), str(u["displayName"]), str(u["id"]))
        for pid, fields in _as_dict(raw["projects"]).items():
            project = db.project(pid)
            for name, value in _as_dict(fields).items():
                setattr(project, name, codec.dec(value))
        for rid, repo_raw in _as_dict(raw["repositories"]).items():
            _restore_git(db.find_repo(rid, None), _as_dict(repo_raw))
        _set_attrs(codec, db, _as_dict(raw["database"]))
        _set_attrs(codec, db.pulls, _as_dict(raw["pullRequests"]))
        db.wit.by_project.clear()
        db.wit.by_tag.clear()
        _set_attrs(codec, db.wit, _as_dict(raw["workItems"]))
        for item in db.wit.items.values():
            db.wit._index(item)
        last = raw.get("lastStamp")
        if isinstance(last, (int, float)):
            db.stamper._last = max(db.stamper._last, float(last))


def _opened_repos(db: Database) -> frozenset[str]:
    return frozenset(r.id for p in db.projects.values() for r in p.repos.values() if r._git is not None)


def _attrs(codec: _Codec, obj: object, skip: frozenset[str]) -> dict[str, object]:
    return {k: codec.enc(v) for k, v in vars(obj).items() if k not in skip and not k.startswith("_")}


def _set_attrs(codec: _Codec, obj: object, raw: dict[str, object]) -> None:
    for k, v in raw.items():
        if k.startswith("_") or not hasattr(obj, k):
            raise ValueError(f"unknown stored attribute {k!r} of {type(obj).__name__}")
        setattr(obj, k, codec.dec(v))


def _as_dict(v: object) -> dict[str, object]:
    if not isinstance(v, dict):
        raise ValueError("expected an object")
    return v


def _as_list(v: object) -> list[dict[str, object]]:
    if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
        raise ValueError("expected a list of objects")
    return v
