"""Read the live state from ADO in bulk.

One WIQL for every marked item of the project, then ``workitemsbatch`` reads of at most 200
ids (all fields; see :meth:`LiveReader.read_items`). Type, states and identities are read once per run and
cached on the reader. A no-op pass costs ``1 + ceil(N/200)`` requests plus that metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ticketops.ado import AdoClient, NotFound
from ticketops.ado.dto.common import IdentityRef
from ticketops.ado.wiql import collect_ids, key_chunks, marker_query, tagged_condition
from ticketops.live import convert
from ticketops.model.config import DEFAULT_WORK_ITEM_TYPE, BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.errors import ConfigError
from ticketops.model.live import (
    FieldAuthors,
    Identity,
    LiveState,
    LiveWorkItem,
    StateAutomation,
    WorkItemTypeInfo,
    boards_of,
)


class LiveReader:
    """Reads one project's live state. Keep one reader for a whole run: it caches metadata."""

    def __init__(self, client: AdoClient, config: BoardConfig) -> None:
        self.client = client
        self.config = config
        self.project = config.project
        self._type_info: WorkItemTypeInfo | None = None
        self._other_types: dict[str, WorkItemTypeInfo | None] = {}
        self._project_types: tuple[str, ...] | None = None
        self._recovered: dict[tuple[int, int], tuple[str, ...]] = {}  # (id, rev) -> keys from history
        # What the run learned about Markdown support (None: not known yet).
        self.markdown_supported: bool | None = None

    # ---- metadata ------------------------------------------------------------------------
    def type_info(self) -> WorkItemTypeInfo:
        """The configured work item type's states and transitions (read once per run)."""
        if self._type_info is None:
            name = self.config.effective_work_item_type
            try:
                wit = self.client.get_work_item_type(self.project, name)
            except NotFound:
                raise self._unknown_type(name) from None
            states = None
            if not wit.states or any(not s.category for s in wit.states):
                states = self.client.get_work_item_type_states(self.project, name)
            self._type_info = convert.type_info(wit, states)
        return self._type_info

    def _unknown_type(self, name: str) -> ConfigError:
        """The type does not exist: name the project's types and, when it has one of the
        process templates' requirement types, the process it looks like and that type's states."""
        try:
            types = sorted(t.name for t in self.client.list_work_item_types(self.project))
        except NotFound:
            return ConfigError(
                f"project {self.project!r} was not found in {self.client.org_url}; "
                f"{self.client.org_url_source.check_with_project()}"
            )
        hint = ""
        for process, wit in DEFAULT_WORK_ITEM_TYPE.items():
            if wit in types:
                states = ", ".join(s.name for s in self.client.get_work_item_type_states(self.project, wit))
                hint = f" The project looks like process {process.value!r}: its {wit!r} type has the states {states}."
                break
        return ConfigError(
            f"work item type {name!r} does not exist in project {self.project!r} (its types: {', '.join(types)})."
            f"{hint} Fix: set `process:` to the project's process template, or `work_item_type:` and "
            f"`statuses:`, in .tickets/config.yaml (config says process {self.config.process.value!r}). "
            "Nothing was written."
        )

    def other_types(self, names: Iterable[str]) -> dict[str, WorkItemTypeInfo | None]:
        """Types other than the board's that tickets or items use (read once per run each;
        None for a name the project does not have)."""
        board = self.config.effective_work_item_type.lower()
        for name in sorted({n.strip() for n in names if n.strip() and n.strip().lower() != board}):
            if name.lower() in self._other_types:
                continue
            try:
                wit = self.client.get_work_item_type(self.project, name)
            except NotFound:
                self._other_types[name.lower()] = None
                continue
            states = None
            if not wit.states or any(not s.category for s in wit.states):
                states = self.client.get_work_item_type_states(self.project, name)
            self._other_types[name.lower()] = convert.type_info(wit, states)
        return dict(self._other_types)

    def project_types(self) -> tuple[str, ...]:
        """Names of the project's work item types (read once, only when a type is unknown)."""
        if self._project_types is None:
            self._project_types = tuple(sorted(t.name for t in self.client.list_work_item_types(self.project)))
        return self._project_types

    def identities(self, emails: Iterable[str]) -> dict[str, Identity | None]:
        """Resolve people by email (cached for the run; unknown people map to None)."""
        return {
            email: convert.identity(email, self.client.search_identity(email))
            for email in sorted({e.lower() for e in emails})
        }

    # ---- items ---------------------------------------------------------------------------
    def marked_ids(self) -> list[int]:
        """Ids of every item carrying the common ``ticketops`` tag, read past WIQL's cap."""
        return collect_ids(self.client, self.project, tagged_condition(self.project))

    def ids_for_keys(self, keys: Sequence[str]) -> list[int]:
        """Items marked ``ticketops:KEY`` for any of ``keys``, with or without the common tag.

        Run before creating, so an item whose create response was lost (or whose common tag
        someone removed) is adopted, never duplicated. Chunked under the query size limit.
        """
        found: set[int] = set()
        for chunk in key_chunks(self.project, keys):
            found.update(self.client.wiql(self.project, marker_query(self.project, chunk)))
        return sorted(found)

    def read_items(self, ids: Iterable[int]) -> tuple[LiveWorkItem, ...]:
        """Batch reads of <= 200 ids. No ``fields`` filter: ADO reports an item's
        ``multilineFieldsFormat`` (Markdown or HTML description) only for unfiltered reads, and
        the request count is the same. Items whose ``ticketops:KEY`` tag was removed get
        :attr:`LiveWorkItem.recovered_keys` from their history (see :meth:`recover_keys`)."""
        wis = self.client.get_work_items(self.project, list(ids))
        return tuple(self.recover_keys(convert.live_item(wi)) for wi in wis)

    def recover_keys(self, item: LiveWorkItem) -> LiveWorkItem:
        """For an item marked ``ticketops`` with no ``ticketops:KEY`` tag, the key(s) its history
        names (one ``/updates`` read per such item and revision, cached for the run). Other items
        are returned as they are, with no request: a board where nobody removed a tag pays nothing."""
        if not item.lost_marker:
            return item
        found = self._recovered.get((item.id, item.rev))
        if found is None:
            found = convert.recovered_keys(self.client.get_updates(self.project, item.id))
            self._recovered[(item.id, item.rev)] = found
        return item.model_copy(update={"recovered_keys": found})

    def authors(self, ids: Iterable[int]) -> dict[int, FieldAuthors]:
        """Who last changed each managed field, for the given items (one request each).

        Only called for items whose diff is not empty, so a no-op pass reads no history.
        """
        out = {i: convert.field_authors(i, self.client.get_updates(self.project, i)) for i in sorted(set(ids))}
        return {i: self._checked_automation(a) for i, a in out.items()}

    def _checked_automation(self, authors: FieldAuthors) -> FieldAuthors:
        """Keep a state change attributed to a pull request completion only when that pull
        request is completed and was completed by the identity that made the revision (one
        request, only for items whose last state change names a pull request). Else the change
        is a person's, like any other."""
        auto = authors.automation
        if auto is None:
            return authors
        try:
            pr = self.client.get_pull_request_by_id(self.project, auto.pull_request)
        except NotFound:
            pr = None
        closer = pr.closed_by if pr is not None else None
        if pr is not None and pr.status == "completed" and closer is not None and _same_identity(closer, auto):
            return authors
        return authors.model_copy(update={"automation": None})

    # ---- the whole state -----------------------------------------------------------------
    def read(self, desired: DesiredState, extra_ids: Iterable[int] = ()) -> LiveState:
        """The live state for ``desired``: type metadata, marked items, needed identities."""
        type_info = self.type_info()
        ids = set(self.marked_ids()) | set(extra_ids) | {t.id for t in desired.tickets if t.id is not None}
        items = self.read_items(sorted(ids))
        return self.state(desired, items, type_info)

    def state(self, desired: DesiredState, items: tuple[LiveWorkItem, ...], type_info: WorkItemTypeInfo) -> LiveState:
        items, other_boards = split_boards(desired, items)
        identities = self.identities(identities_needed(desired, items))
        names = {t.type for t in desired.tickets if t.type} | {i.type for i in items if i.type}
        others = self.other_types(names)
        return LiveState(
            items=items,
            type_info=type_info,
            identities=identities,
            markdown_supported=self._markdown(items),
            other_types=others,
            project_types=self.project_types() if None in others.values() else (),
            other_boards=other_boards,
        )

    def _markdown(self, items: tuple[LiveWorkItem, ...]) -> bool:
        """Whether to write new or changed descriptions as Markdown.

        What this run learned from a write wins (the apply step sends Markdown and falls back
        to HTML where the server refuses or ignores it, and remembers that). Otherwise yes:
        ADO Services keeps Markdown. An item already stored as Markdown proves it; items stored
        as HTML prove nothing (people write HTML on every server, and an adopted item keeps its
        format): the planner compares each item in its own format, so they stay in sync.
        """
        if self.markdown_supported is not None:
            return self.markdown_supported
        return True


def split_boards(
    desired: DesiredState, items: tuple[LiveWorkItem, ...]
) -> tuple[tuple[LiveWorkItem, ...], dict[str, int]]:
    """This board's items, and how many belong to each other board of the project.

    An item is this board's when it names no board (made before ``board:`` was set, or by a board
    without one), or names this board, or a ticket pairs it by ``id:``. An item tagged with
    other boards only is theirs: never paired, pruned or changed from here."""
    mine = (desired.config.board or "").lower()
    pinned = {t.id for t in desired.tickets if t.id is not None}
    own: list[LiveWorkItem] = []
    other: dict[str, int] = {}
    for item in items:
        boards = boards_of(item.tags)
        if not boards or mine in boards or item.id in pinned:
            own.append(item)
        else:
            name = min(boards)
            other[name] = other.get(name, 0) + 1
    return tuple(own), other


def identities_needed(desired: DesiredState, items: tuple[LiveWorkItem, ...]) -> frozenset[str]:
    """Emails to resolve: assignees of tickets with no item yet or whose item has another
    assignee. A converged board needs none, so a no-op pass makes no identity requests."""
    assigned: dict[str, set[str]] = {}
    for item in items:
        for key in item.marker_keys:
            assigned.setdefault(key, set()).add(item.assignee or "")
    need = set()
    for t in desired.tickets:
        if t.assignee and assigned.get(t.key) != {t.assignee.lower()}:
            need.add(t.assignee.lower())
    return frozenset(need)


def _same_identity(ref: IdentityRef, auto: StateAutomation) -> bool:
    if ref.id and auto.by_id:
        return ref.id.lower() == auto.by_id.lower()
    return bool(ref.unique_name) and str(ref.unique_name).lower() == auto.by.lower()
