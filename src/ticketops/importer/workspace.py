"""The files of one board on disk: the tickets already there, the import records, and writes."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ticketops.desired import blob_id, parse_ticket
from ticketops.importer.boards import BoardTarget
from ticketops.importer.sidecar import RECORD_SUFFIX, SIDECAR_DIR, ImportRecord, parse_record
from ticketops.model.errors import TicketopsError

_ID_LINE_RE = re.compile(rb"^id:\s*(\d+)\s*$", re.MULTILINE)


@dataclass
class BoardFiles:
    target: BoardTarget
    dry_run: bool
    tickets: dict[str, bytes] = field(default_factory=dict)  # KEY (upper case) -> file bytes
    names: dict[str, str] = field(default_factory=dict)  # KEY -> the file name as it is on disk
    records: dict[str, ImportRecord] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)

    @classmethod
    def scan(cls, target: BoardTarget, *, dry_run: bool) -> BoardFiles:
        files = cls(target, dry_run)
        folder = target.folder
        if folder.is_dir():
            for entry in folder.iterdir():
                if entry.is_file() and entry.name.lower().endswith(".md") and entry.name.lower() != "readme.md":
                    key = entry.name[:-3].upper()
                    files.tickets[key] = entry.read_bytes()
                    files.names[key] = entry.name
        sidecars = folder / SIDECAR_DIR
        if sidecars.is_dir():
            for entry in sidecars.iterdir():
                if entry.is_file() and entry.name.endswith(RECORD_SUFFIX):
                    record = parse_record(entry.read_bytes())
                    if record is not None:
                        files.records[record.key.upper()] = record
        return files

    def file_id(self, key: str) -> int | None:
        """The ``id:`` of the ticket file ``key`` (read leniently: the file may be invalid)."""
        data = self.tickets.get(key)
        if data is None:
            return None
        ticket, _ = parse_ticket(self.target.rel(self.names[key]), data, None)
        if ticket is not None:
            return ticket.id
        m = _ID_LINE_RE.search(data)
        return int(m.group(1)) if m else None

    def owner(self, key: str) -> int | None:
        """The work item a ticket file (or its import record) belongs to, when known."""
        record = self.records.get(key)
        return record.id if record is not None else self.file_id(key)

    def ticket_path(self, key: str) -> str:
        return self.target.rel(self.names.get(key, f"{key}.md"))

    def sidecar_path(self, key: str, suffix: str) -> str:
        return self.target.rel(f"{SIDECAR_DIR}/{key}{suffix}")

    def unedited(self, key: str) -> bool:
        """The ticket file is byte for byte what the last import wrote."""
        record = self.records.get(key)
        data = self.tickets.get(key)
        return record is not None and data is not None and blob_id(data) == record.ticket_blob

    def write(self, rel: str, data: bytes) -> bool:
        """Write ``data`` to ``rel`` (relative to the git root) unless it already holds it."""
        path = self.target.root / rel
        if path.is_file() and path.read_bytes() == data:
            return False
        if self.dry_run:
            return True
        _atomic_write(path, data)
        if rel not in self.written:  # a retried item may write its file twice
            self.written.append(rel)
        return True


def _atomic_write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; ticket files are ordinary files
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise TicketopsError(f"{path}: cannot write ({e.strerror}); check the folder's permissions") from e
