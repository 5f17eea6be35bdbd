"""The lease kept in a work item of the project: every board has one, linked repository or not.

* The lease item is the board's work item type, titled "ticketops lease — do not edit" and
  tagged ``ticketops-lease`` (not ``ticketops``: the reconciler never pairs it). It is parked in
  a state of the type's Removed (else Completed) category, so it stays off the backlog.
* The record is JSON in its description. Every change is a ``PATCH`` that starts with
  ``test /rev``: a compare-and-swap that ADO refuses (412) when the item changed meanwhile.
  Release marks the record released (one write, no ADO time needed).
* The tag alone does not make a lease item: it also has the lease title, the board's type and a
  lease record (``format: ticketops-lease/1``) in its description, and never a ticket's tags
  (``ticketops``, ``ticketops:KEY``). Any other tagged item is left alone, never overwritten.
* Reading is one WIQL (the tagged ids, and ADO's time from its ``asOf``) and one batch read.
* Creation is race-safe: when two runs create a lease item at once, the lowest id is THE lease
  item; a creator whose item is not the lowest retires it (tag ``ticketops-lease-retired``).
* ADO refuses REST updates to an item with 10,000 revisions. When the lease item reaches
  ``rotate_at`` revisions, its holder moves the lease to a new item (created holding the lease)
  and retires every other tagged item, the old one last, so at every moment the lowest tagged
  item is held by that holder.
"""

from __future__ import annotations

import html
import json
import logging
import re
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from ticketops.ado import (
    AdoClient,
    AdoError,
    BadRequest,
    NotFound,
    OutcomeUnknown,
    PatchOp,
    PermissionDenied,
    StaleRevision,
    WorkItem,
    wiql_literal,
)
from ticketops.ado.clock import query_as_of, server_now
from ticketops.lease.record import LeaseRecord, LeaseUnavailable, LeaseView
from ticketops.model.live import (
    COMMON_TAG,
    DESCRIPTION,
    LEASE_TAG,
    RETIRED_LEASE_TAG,
    STATE,
    TAGS,
    TITLE,
    marker_keys,
)

log = logging.getLogger(__name__)

LEASE_TITLE = "ticketops lease — do not edit"
ROTATE_AT = 9_000  # revisions; ADO refuses REST updates at 10,000
PARK_CATEGORIES = ("Removed", "Completed")
_PREAMBLE = (
    "ticketops keeps its lease here, so that only one run writes to this project at a time. "
    "Do not edit this work item. To free a lease left by a run that died, remove its tag "
    f"{LEASE_TAG} (the next run makes a new lease item)."
)
_TAG_RE = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class ItemVersion:
    id: int
    rev: int


class WorkItemStore:
    """The lease in the lowest-id lease item of ``project`` (tagged ``ticketops-lease``, and one by
    its title, type and record: :meth:`not_lease`)."""

    def __init__(self, client: AdoClient, project: str, work_item_type: str, *, rotate_at: int = ROTATE_AT) -> None:
        self.client = client
        self.project = project
        self.work_item_type = work_item_type
        self.rotate_at = rotate_at
        self._last_id: int | None = None
        self._warned: set[int] = set()  # tagged items not the lease, warned about once

    def describe(self) -> str:
        which = f"#{self._last_id}" if self._last_id is not None else f"tagged {LEASE_TAG}"
        return f"the lease work item {which} in project {self.project!r}"

    def free_hint(self) -> str:
        which = f"work item #{self._last_id}" if self._last_id is not None else "the lease work item"
        return f"remove the tag {LEASE_TAG} from {which}"

    def now(self) -> datetime:
        return server_now(self.client, self.project)

    def retrying_for(self, seconds: float) -> AbstractContextManager[None]:
        return self.client.retrying_for(seconds)

    # ---- reading ----------------------------------------------------------------------------
    def lease_items(self) -> tuple[list[WorkItem], datetime]:
        """The project's lease items (ascending id) and ADO's time of the query.

        The tag alone makes no lease item: it must also carry the lease title, be of the board's
        type, hold a lease record (by its format) in its description, and carry none of the
        tags of a ticket's item. Anything else tagged ``ticketops-lease`` is never read as the
        lease, never written and never retired."""
        query = (
            f"SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = {wiql_literal(self.project)} "
            f"AND [System.Tags] CONTAINS {wiql_literal(LEASE_TAG)}"
        )
        result = query_as_of(self.client, self.project, query)
        found: list[WorkItem] = []
        for item in self.client.get_work_items(self.project, result.ids) if result.ids else []:
            why = self.not_lease(item)
            if not why:
                found.append(item)
            elif item.id not in self._warned:
                self._warned.add(item.id)
                log.warning(
                    "work item #%s is tagged %s but is not the lease item (%s): ticketops leaves it alone; "
                    "remove the tag %s from it in Azure DevOps",
                    item.id,
                    LEASE_TAG,
                    why,
                    LEASE_TAG,
                )
        return sorted(found, key=lambda w: w.id), result.as_of

    def lease_ids(self) -> tuple[tuple[int, ...], datetime]:
        """The lease items' ids (ascending) and ADO's time of the query."""
        items, now = self.lease_items()
        return tuple(w.id for w in items), now

    def not_lease(self, item: WorkItem) -> str:
        """Why ``item`` (tagged ``ticketops-lease``) is not a lease item; "" when it is one."""
        tags = tuple(item.tags)
        if any(t.casefold() == COMMON_TAG for t in tags) or marker_keys(tags):
            return f"it is a ticket's work item, tagged {COMMON_TAG}"
        if (item.field_str(TITLE) or "").strip() != LEASE_TITLE:
            return f"its title is not {LEASE_TITLE!r}"
        if (item.work_item_type or "").casefold() != self.work_item_type.casefold():
            return f"it is a {item.work_item_type}, not a {self.work_item_type}"
        if parse_record(item.field_str(DESCRIPTION)) is None:
            return "its description holds no lease record"
        return ""

    def read(self) -> LeaseView[ItemVersion]:
        items, now = self.lease_items()
        if not items:
            return LeaseView(None, None, now)
        item = items[0]
        self._last_id = item.id
        return LeaseView(ItemVersion(item.id, item.rev), parse_record(item.field_str(DESCRIPTION)), now)

    # ---- writing ----------------------------------------------------------------------------
    def write(self, seen: LeaseView[ItemVersion], record: LeaseRecord) -> ItemVersion | None:
        if seen.version is None:
            return self._create_first(record)
        try:
            item = self._patch(seen.version, [PatchOp.set_field(DESCRIPTION, render_record(record))])
        except (StaleRevision, NotFound):
            return None
        version = ItemVersion(item.id, item.rev)
        return self._rotate(version, record) if item.rev >= self.rotate_at else version

    def release(self, version: ItemVersion, record: LeaseRecord) -> bool:
        done = record.model_copy(update={"released": True})
        try:
            self._patch(version, [PatchOp.set_field(DESCRIPTION, render_record(done))])
        except (StaleRevision, NotFound):
            log.info("%s was no longer ours to release", self.describe())
            return False
        return True

    def _patch(self, version: ItemVersion, ops: list[PatchOp]) -> WorkItem:
        try:
            return self.client.update_work_item(self.project, version.id, [PatchOp.test_rev(version.rev), *ops])
        except PermissionDenied as e:
            raise self._unavailable(e) from None

    def _unavailable(self, e: AdoError, *, creating: bool = False) -> LeaseUnavailable:
        what = (
            f"create the lease work item (a {self.work_item_type} titled {LEASE_TITLE!r}, tagged {LEASE_TAG})"
            if creating
            else f"write {self.describe()}"
        )
        return LeaseUnavailable(
            f"cannot {what}: {e}. A board without a linked repository keeps its lease in a work item: give the "
            f"identity permission to create and edit {self.work_item_type} work items in project {self.project!r} "
            "(and let that type be created with only a title), link a repository (repos: in config.yaml), or run "
            "with --no-lease"
        )

    # ---- creating, parking, retiring ---------------------------------------------------------
    def _create_first(self, record: LeaseRecord) -> ItemVersion | None:
        """No lease item yet: make one. Two runs may do this at once: the lowest id wins."""
        mine = self._new_item(record)
        if mine is None:
            return None
        ids, _ = self.lease_ids()
        if ids and ids[0] < mine.id:
            log.info("another run created lease work item #%s first; retiring #%s", ids[0], mine.id)
            self._retire(mine)
            return None
        self._last_id = mine.id
        log.info("created %s", self.describe())
        return mine

    def _new_item(self, record: LeaseRecord) -> ItemVersion | None:
        ops = [
            PatchOp.set_field(TITLE, LEASE_TITLE),
            PatchOp.set_field(TAGS, LEASE_TAG),
            PatchOp.set_field(DESCRIPTION, render_record(record)),
        ]
        try:
            item = self.client.create_work_item(self.project, self.work_item_type, ops)
        except OutcomeUnknown:
            return None  # the next read decides (a lease item of ours that is not the lowest is ignored)
        except (PermissionDenied, BadRequest) as e:
            raise self._unavailable(e, creating=True) from None
        return self._park(ItemVersion(item.id, item.rev))

    def _park(self, version: ItemVersion) -> ItemVersion:
        """Move a new lease item off the backlog (a Removed or Completed state) when the type allows."""
        try:
            states = self.client.get_work_item_type_states(self.project, self.work_item_type)
            target = next((s.name for c in PARK_CATEGORIES for s in states if s.category == c), None)
            if target is None:
                return version
            item = self._patch(version, [PatchOp.set_field(STATE, target)])
        except (AdoError, LeaseUnavailable) as e:
            log.warning("lease work item #%s stays in its first state: %s", version.id, e)
            return version
        return ItemVersion(item.id, item.rev)

    def _retire(self, version: ItemVersion | int) -> bool:
        """Take the lease tag off an item (``test /rev`` when its revision is known)."""
        target = version if isinstance(version, int) else version.id
        ops = [PatchOp.set_field(TAGS, RETIRED_LEASE_TAG)]
        try:
            if isinstance(version, ItemVersion):
                self._patch(version, ops)
            else:
                self.client.update_work_item(self.project, target, ops)
        except (AdoError, LeaseUnavailable) as e:
            log.warning("could not retire lease work item #%s: %s", target, e)
            return False
        return True

    def _rotate(self, held: ItemVersion, record: LeaseRecord) -> ItemVersion:
        """Move the lease (held by us at ``held``) to a new item before ADO's revision limit.
        Best effort: on any failure the lease stays where it is."""
        fresh = self._new_item(record)
        if fresh is None:
            return held
        ids, _ = self.lease_ids()
        for other in (i for i in reversed(ids) if i not in (held.id, fresh.id)):
            self._retire(other)  # strays from old creation races: never the lowest while ``held`` is
        if not self._retire(held):
            self._retire(fresh)
            return held
        log.info("lease work item #%s has %s revisions: the lease moved to #%s", held.id, held.rev, fresh.id)
        self._last_id = fresh.id
        return fresh


def render_record(record: LeaseRecord) -> str:
    data = html.escape(json.dumps(record.model_dump(mode="json")), quote=False)
    return f"<p>{html.escape(_PREAMBLE)}</p><pre>{data}</pre>"


def parse_record(text: str | None) -> LeaseRecord | None:
    """The record in a lease item's description, however the server wrapped the HTML."""
    if not text:
        return None
    plain = html.unescape(_TAG_RE.sub("", text))
    start, end = plain.find("{"), plain.rfind("}")
    if start < 0 or end < start:
        return None
    try:
        return LeaseRecord.model_validate(json.loads(plain[start : end + 1]))
    except (ValueError, ValidationError):
        return None
