"""``ticketops import``: existing work items -> ticket files (plus read-only sidecars), adopted.

Per project: find the ids (WIQL in id ranges), read the items in batches, give each a key,
render its ticket, decide what to do with the file already there (local edits are kept unless
``overwrite``), write it, and adopt the item (marker tags and the stored form of its long
texts, guarded by ``test /rev``) unless the run is read-only or a dry run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from ticketops.ado import (
    AdoClient,
    AdoError,
    AuthError,
    NetworkError,
    ReadOnlyViolation,
    Relation,
    StaleRevision,
    Throttled,
)
from ticketops.ado.wit_api import Expand
from ticketops.desired import blob_id
from ticketops.importer import adopt
from ticketops.importer.boards import BoardTarget, main_board, select_projects, target_for
from ticketops.importer.keys import assign_keys
from ticketops.importer.links import link_entries
from ticketops.importer.render import NotImportable, RenderedTicket, render
from ticketops.importer.report import Adoption, FileStatus, ImportResult, ItemOutcome
from ticketops.importer.sidecar import (
    COMMENTS_SUFFIX,
    LINKS_SUFFIX,
    RECORD_SUFFIX,
    ImportRecord,
    comments_markdown,
    links_yaml,
    record_bytes,
)
from ticketops.importer.wiql import WIQL_CAP, base_condition, collect_ids, user_condition
from ticketops.importer.workspace import BoardFiles
from ticketops.live import LiveReader, live_item
from ticketops.model.errors import TicketopsError
from ticketops.model.live import LiveWorkItem, WorkItemTypeInfo
from ticketops.plan import check_statuses
from ticketops.plan.actions import FieldChange

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # an item that changes in ADO while it is adopted is read again at most this often
SYSTEMIC = (AuthError, NetworkError, Throttled, ReadOnlyViolation)
Progress = Callable[[int, int], None]  # (items done, items found so far)


@dataclass(frozen=True)
class ImportOptions:
    projects: tuple[str, ...] = ()  # none: every project of the organisation
    types: tuple[str, ...] = ()  # none: every type
    query: str | None = None  # a WIQL condition (or flat query) to narrow the items
    with_comments: bool = False
    with_links: bool = False
    dry_run: bool = False
    overwrite: bool = False
    key_prefix: str | None = None  # default: the config's import.key_prefix
    read_only: bool = False
    wiql_cap: int = WIQL_CAP


@dataclass
class _Board:
    target: BoardTarget
    files: BoardFiles
    reader: LiveReader
    keys: dict[int, str] = field(default_factory=dict)
    refused: dict[int, str] = field(default_factory=dict)
    relations: dict[int, list[Relation]] = field(default_factory=dict)


class Importer:
    def __init__(self, client: AdoClient, options: ImportOptions, *, progress: Progress | None = None) -> None:
        self.client = client
        self.options = options
        self.progress = progress
        self.markdown: bool | None = None  # does the server keep Markdown descriptions? (None: not known yet)
        self._done = 0
        self._total = 0
        self._condition = user_condition(options.query)

    @property
    def writes_ado(self) -> bool:
        return not (self.options.read_only or self.options.dry_run)

    # ---- the run ----------------------------------------------------------------------------
    def run(self, repo: str) -> ImportResult:
        main = main_board(repo)
        result = ImportResult(dry_run=self.options.dry_run, read_only=self.options.read_only)
        projects = select_projects(self.client, main.config, self.options.projects)
        types = self._types(projects)
        for project in projects:
            if self.options.types and not types[project]:
                result.notes.append(f"project {project} has none of the types {', '.join(self.options.types)}; skipped")
                continue
            self._project(project, types[project], main, result)
        return result

    def _types(self, projects: list[str]) -> dict[str, list[str]]:
        """Per project, the requested types it has (spelled as ADO does); an unknown type is an error."""
        if not self.options.types:
            return {p: [] for p in projects}
        have = {p: {t.name.lower(): t.name for t in self.client.list_work_item_types(p)} for p in projects}
        known = {low for names in have.values() for low in names}
        unknown = [t for t in self.options.types if t.strip().lower() not in known]
        if unknown:
            real = sorted({name for names in have.values() for name in names.values()})
            raise TicketopsError(
                f"--types: {', '.join(repr(t) for t in unknown)} is not a work item type of "
                f"{', '.join(projects)}; the types are: {', '.join(real)}"
            )
        return {
            p: [have[p][t.strip().lower()] for t in self.options.types if t.strip().lower() in have[p]]
            for p in projects
        }

    def _project(self, project: str, types: list[str], main: BoardTarget, result: ImportResult) -> None:
        try:
            board = self._open(project, main)
        except TicketopsError as e:
            if project.lower() == main.config.project.lower() or isinstance(e, SYSTEMIC):
                raise
            result.notes.append(f"project {project} not imported: {e}")
            return
        where = base_condition(project, types, self._condition)
        ids = collect_ids(self.client, project, where, cap=self.options.wiql_cap)
        self._total += len(ids)
        self._tick()
        items = self._read(board, ids)
        board.keys, board.refused = assign_keys(
            items, self.options.key_prefix or board.target.config.import_.key_prefix
        )
        new_config = board.target.new_config
        if items and new_config is not None and board.files.write(board.target.rel("config.yaml"), new_config):
            result.boards.append(board.target.tickets_dir)
        for item in items:
            result.outcomes.append(self._item(board, item))
            self._done += 1
            self._tick()
        result.written.extend(board.files.written)
        if items:
            result.folders.append(board.target.tickets_dir)

    def _open(self, project: str, main: BoardTarget) -> _Board:
        target = target_for(project, main, self.client)
        reader = LiveReader(self.client, target.config)
        check_statuses(target.config, reader.type_info())
        return _Board(target, BoardFiles.scan(target, dry_run=self.options.dry_run), reader)

    def _expand(self) -> Expand | None:
        return "relations" if self.options.with_links else None

    def _read(self, board: _Board, ids: list[int]) -> list[LiveWorkItem]:
        wis = self.client.get_work_items(board.target.project, ids, expand=self._expand())
        board.relations = {wi.id: list(wi.relations) for wi in wis} if self.options.with_links else {}
        return [live_item(wi) for wi in wis]

    def _tick(self) -> None:
        if self.progress is not None:
            self.progress(self._done, self._total)

    # ---- one item -------------------------------------------------------------------------
    def _item(self, board: _Board, item: LiveWorkItem) -> ItemOutcome:
        key = board.keys.get(item.id)
        if key is None:
            return self._outcome(board, item, None, "skipped", message=board.refused[item.id])
        try:
            return self._attempts(board, item, key)
        except NotImportable as e:
            return self._outcome(board, item, key, "skipped", message=str(e))
        except SYSTEMIC:
            raise
        except AdoError as e:  # one item ADO refuses does not stop the others
            return self._outcome(board, item, key, "failed", message=str(e))

    def _attempts(self, board: _Board, item: LiveWorkItem, key: str) -> ItemOutcome:
        """Import ``item``; read it again when it changed meanwhile (412) or when the server turned
        out not to keep Markdown descriptions (the adoption is then planned in HTML)."""
        for _ in range(MAX_ATTEMPTS):
            try:
                return self._attempt(board, item, key)
            except StaleRevision:
                log.info("#%s changed in ADO during the import; reading it again", item.id)
            except adopt.MarkdownRefused as e:
                log.info("the server does not keep Markdown descriptions (%s); using HTML", e)
                self.markdown = False
            item = self._reread(board, item)
        return self._outcome(
            board,
            item,
            key,
            "failed",
            adoption="failed",
            path=board.files.ticket_path(key),
            message=f"the item kept changing in ADO ({MAX_ATTEMPTS} times); import again",
        )

    def _reread(self, board: _Board, item: LiveWorkItem) -> LiveWorkItem:
        fresh = self.client.get_work_items(board.target.project, [item.id], expand=self._expand())
        if not fresh:
            raise NotImportable(f"#{item.id} disappeared from ADO during the import")
        if self.options.with_links:
            board.relations[item.id] = list(fresh[0].relations)
        return live_item(fresh[0])

    def _attempt(self, board: _Board, item: LiveWorkItem, key: str) -> ItemOutcome:
        target = board.target
        rendered = render(item, key, target.config, tickets_dir=target.tickets_dir, project=target.project)
        self._check_owner(board, item, key)
        status = self._file_status(board, key, rendered)
        changes = self._changes(board, item, key, rendered, status)
        path = board.files.ticket_path(key)
        if status in ("created", "updated", "overwritten"):
            board.files.write(path, rendered.content)
        try:
            rev, adoption = self._adopt(board, item, changes, path)
        except (StaleRevision, *SYSTEMIC):
            raise
        except AdoError as e:
            return self._outcome(
                board, item, key, status, adoption="failed", path=path, message=f"written, but not adopted: {e}"
            )
        if not self.options.dry_run:
            self._sidecars(board, item, key, rendered, status, rev, adoption)
        return self._outcome(
            board,
            item,
            key,
            status,
            adoption=adoption,
            path=path,
            notes=rendered.notes,
            message=_adoption_message(adoption, changes, self.options),
        )

    def _check_owner(self, board: _Board, item: LiveWorkItem, key: str) -> None:
        files = board.files
        if key not in files.tickets and key not in files.records:
            return
        owner = files.owner(key)
        if owner == item.id or (owner is None and key in item.marker_keys):
            return
        whose = f"the ticket of work item #{owner}" if owner else "another ticket (it has no `id:`)"
        raise NotImportable(
            f"#{item.id}: {files.ticket_path(key)} already exists and is {whose}; "
            "import with another --key-prefix, or rename that file"
        )

    def _file_status(self, board: _Board, key: str, rendered: RenderedTicket) -> FileStatus:
        existing = board.files.tickets.get(key)
        if existing is None:
            return "created"
        if existing == rendered.content:
            return "unchanged"
        if board.files.unedited(key):
            return "updated"
        return "overwritten" if self.options.overwrite else "kept"

    def _changes(
        self, board: _Board, item: LiveWorkItem, key: str, rendered: RenderedTicket, status: FileStatus
    ) -> tuple[FieldChange, ...]:
        if status == "kept":
            return adopt.marker_changes(item, key)
        info = self._type_info(board, item)
        ctx = adopt.context(board.target.config, info, markdown=self.markdown is not False)
        return adopt.adoption_changes(rendered.ticket, item, ctx)

    def _type_info(self, board: _Board, item: LiveWorkItem) -> WorkItemTypeInfo:
        board_type = board.reader.type_info()
        if not item.type or item.type.lower() == board_type.name.lower():
            return board_type
        info = board.reader.other_types([item.type]).get(item.type.lower())
        if info is None:
            raise NotImportable(f"#{item.id}: its type {item.type!r} cannot be read from the project")
        return info

    def _adopt(
        self, board: _Board, item: LiveWorkItem, changes: tuple[FieldChange, ...], path: str
    ) -> tuple[int, Adoption]:
        if not changes:
            return item.rev, "marked"
        if not self.writes_ado:
            return item.rev, "pending"
        wi = adopt.send(self.client, board.target.project, item, changes, path)
        if adopt.wants_markdown(changes):
            self.markdown = True
        return wi.rev, "adopted"

    def _sidecars(
        self,
        board: _Board,
        item: LiveWorkItem,
        key: str,
        rendered: RenderedTicket,
        status: FileStatus,
        rev: int,
        adoption: Adoption,
    ) -> None:
        files = board.files
        if status != "kept":
            record = ImportRecord(
                key=key,
                id=item.id,
                project=board.target.project,
                type=item.type,
                rev=rev,
                ticket_blob=blob_id(rendered.content),
                adopted=adoption in ("adopted", "marked"),
            )
            files.write(files.sidecar_path(key, RECORD_SUFFIX), record_bytes(record))
        if self.options.with_comments:
            comments = self.client.get_comments(board.target.project, item.id)
            files.write(files.sidecar_path(key, COMMENTS_SUFFIX), comments_markdown(item.id, item.title, comments))
        if self.options.with_links:
            entries = link_entries(board.relations.get(item.id, []), board.keys)
            files.write(files.sidecar_path(key, LINKS_SUFFIX), links_yaml(item.id, entries))

    def _outcome(
        self,
        board: _Board,
        item: LiveWorkItem,
        key: str | None,
        status: FileStatus,
        *,
        adoption: Adoption = "none",
        path: str | None = None,
        message: str = "",
        notes: tuple[str, ...] = (),
    ) -> ItemOutcome:
        return ItemOutcome(
            project=board.target.project,
            id=item.id,
            key=key,
            type=item.type,
            status=status,
            path=path,
            adoption=adoption,
            message=message,
            notes=notes,
        )


def _adoption_message(adoption: Adoption, changes: tuple[FieldChange, ...], options: ImportOptions) -> str:
    what = ", ".join(sorted({_WHAT.get(c.field, c.field) for c in changes}))
    if adoption == "adopted":
        return f"adopted: {what}"
    if adoption == "pending":
        why = "dry run" if options.dry_run else "read-only"
        return f"not adopted ({why}): would write {what}"
    return ""


_WHAT = {
    "System.Tags": "marker tags",
    "System.Description": "description as ticketops stores it",
    "Microsoft.VSTS.Common.AcceptanceCriteria": "acceptance criteria as a checklist",
}
