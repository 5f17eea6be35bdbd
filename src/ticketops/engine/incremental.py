"""Incremental passes: find out in O(1) requests whether anything changed since the last pass.

After a pass that left ADO matching the tickets, the run records (per organisation + project):

* ``commit``: the commit reconciled, and ``tickets_tree``: its tickets folder's tree id;
* ``watermark``: ADO's time (``asOf``) taken just before that pass read ADO.

The next pass then checks both sides before reading anything else:

* git: the tickets folder's tree id at the new commit; when it differs, a pygit2 tree diff
  names the files that changed;
* ADO: one WIQL with ``timePrecision=true`` for marked items whose ``System.ChangedDate`` is at
  or after the watermark (the same check sees this run's own writes once, and the pass that
  follows a writing pass confirms them and moves the watermark on).

Nothing changed on either side: the pass is over after that one request. Something changed: a
full plan runs. Every ``full_every`` passes (and with ``--full``) a full pass runs anyway; it
also catches what the check cannot see: an item deleted in ADO, a ``ticketops`` tag removed,
and git-side drift in ADO (a feature branch deleted, a pull request closed by hand).

The state is a small JSON file under the git directory (``.git/ticketops/state.json``; for a
bare repository ``<repo>/ticketops/state.json``), written atomically.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

from ticketops.ado import AdoClient
from ticketops.ado.clock import changed_since, server_now
from ticketops.desired.gitfacts import Repository, changed_paths, git_dir, tickets_tree_id
from ticketops.model.desired import DesiredState

log = logging.getLogger(__name__)

STATE_DIR = "ticketops"
STATE_FILE = "state.json"
DEFAULT_FULL_EVERY = 12


class BoardSync(BaseModel):
    """What the last settled pass of one board left behind."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    commit: str | None = None
    tickets_tree: str | None = None
    watermark: datetime | None = None  # ADO time
    passes_since_full: int = 0


class _StateFile(BaseModel):
    version: int = 1
    boards: dict[str, BoardSync] = {}


def state_key(org_url: str, project: str) -> str:
    """``https://dev.azure.com/contoso|payments`` (any user:password in the URL left out)."""
    parts = urlsplit(org_url.rstrip("/"))
    host = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{host}{parts.path}".lower() + f"|{project.lower()}"


class StateStore:
    """``state.json`` in the git directory; one entry per organisation + project."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / STATE_FILE

    @classmethod
    def for_repo(cls, repo: Repository) -> StateStore:
        """``.git/ticketops/`` (a bare repository: ``<repo>/ticketops/``)."""
        return cls(git_dir(repo) / STATE_DIR)

    def _read(self) -> _StateFile:
        try:
            return _StateFile.model_validate_json(self.path.read_bytes())
        except FileNotFoundError:
            return _StateFile()
        except (OSError, ValidationError, ValueError) as e:
            log.warning("%s is unreadable (%s); the next pass is a full one", self.path, e)
            return _StateFile()

    def load(self, key: str) -> BoardSync | None:
        return self._read().boards.get(key)

    def save(self, key: str, sync: BoardSync) -> None:
        data = self._read()
        data.boards[key] = sync
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".state-", suffix=".json", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(json.dumps(data.model_dump(mode="json"), indent=2) + "\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@dataclass(frozen=True)
class Decision:
    mode: Literal["full", "incremental"]
    reason: str


def decide(sync: BoardSync | None, *, force_full: bool, full_every: int) -> Decision:
    if force_full:
        return Decision("full", "--full")
    if sync is None or sync.commit is None or sync.watermark is None:
        return Decision("full", "no earlier pass recorded")
    if full_every > 0 and sync.passes_since_full + 1 >= full_every:
        return Decision("full", f"every {full_every} passes")
    return Decision("incremental", "")


@dataclass(frozen=True)
class Delta:
    """What changed since the last settled pass."""

    git_files: tuple[str, ...]  # ticket folder paths that differ (empty: none)
    git_unknown: bool  # the last commit is not in this repository: assume everything changed
    ado_ids: tuple[int, ...]  # marked items changed in ADO since the watermark
    as_of: datetime  # ADO time of the check: the next watermark

    @property
    def changed(self) -> bool:
        return bool(self.git_files or self.git_unknown or self.ado_ids)

    def describe(self) -> str:
        git = "unknown base commit" if self.git_unknown else _count(len(self.git_files), "file")
        return f"git: {git or 'no change'}, ADO: {_count(len(self.ado_ids), 'item') or 'no change'}"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''} changed" if n else ""


def detect(client: AdoClient, repo: Repository, desired: DesiredState, sync: BoardSync) -> Delta:
    """Both sides' changes since ``sync``: a local tree diff and one WIQL request."""
    assert desired.commit is not None and sync.commit is not None and sync.watermark is not None
    files = changed_paths(repo, sync.commit, desired.commit, desired.tickets_dir)
    ado = changed_since(client, desired.config.project, sync.watermark)
    return Delta(files or (), files is None, ado.ids, ado.as_of)


def full_delta(client: AdoClient, desired: DesiredState) -> Delta:
    """For a full pass: no check, only ADO's time (the next watermark), one request."""
    return Delta((), True, (), server_now(client, desired.config.project))


def after_pass(
    sync: BoardSync | None, repo: Repository, desired: DesiredState, delta: Delta, *, full: bool, settled: bool
) -> BoardSync:
    """The state to record. Only a settled pass (nothing left pending in ADO, no ticket blocked
    or in conflict) moves the commit and the watermark; otherwise the next pass looks at the
    same changes again, so a blocked ticket is planned again at every pass until it goes through."""
    since_full = 0 if full else (sync.passes_since_full if sync else 0) + 1
    if not settled or desired.commit is None:
        return (sync or BoardSync()).model_copy(update={"passes_since_full": since_full})
    return BoardSync(
        commit=desired.commit,
        tickets_tree=tickets_tree_id(repo, desired.commit, desired.tickets_dir),
        watermark=delta.as_of,
        passes_since_full=since_full,
    )
