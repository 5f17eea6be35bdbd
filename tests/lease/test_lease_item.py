"""The work item lease store in particular: where the item goes, how its record survives the
server's HTML, how it moves to a new item before ADO's 10,000-revision limit, and what happens to
stray lease items left by creation races."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ticketops.ado import AdoClient
from ticketops.emulator import Emulator, ManualClock
from ticketops.lease.item import WorkItemStore, parse_record, render_record
from ticketops.lease.lease import Lease
from ticketops.lease.record import LeaseRecord
from ticketops.model.live import LEASE_TAG, RETIRED_LEASE_TAG


def tagged(emu: Emulator, project: str, tag: str) -> list[int]:
    return [w.id for w in emu.db.work_items(project) if tag in str(w.fields.get("System.Tags", "")).split("; ")]


@pytest.fixture
def lease(new_client: Callable[[], AdoClient]) -> Callable[..., Lease[object]]:
    def make(name: str, rotate_at: int = 9_000, project: str = "Payments", wit: str = "User Story") -> Lease[object]:
        store = WorkItemStore(new_client(), project, wit, rotate_at=rotate_at)
        return Lease(store, holder=name, ttl=60)  # type: ignore[arg-type]

    return make


def test_the_record_survives_html_the_server_rewrites() -> None:
    record = LeaseRecord(
        holder='ci "7" <agent> & co', token="t1", acquired_at="2026-01-01T00:00:00Z", expires_at="2026-01-01T00:02:00Z"
    )
    stored = render_record(record)
    assert "ticketops keeps its lease here" in stored and "Do not edit" in stored

    wrapped = f'<div style="x">{stored.replace("&quot;", "&#34;")}</div>'  # a server that re-encodes
    assert parse_record(stored) == record and parse_record(wrapped) == record
    assert parse_record("<p>someone typed here</p>") is None and parse_record(None) is None


@pytest.mark.parametrize(
    ("project", "wit", "parked"), [("Payments", "User Story", "Removed"), ("Helpdesk", "Issue", "Done")]
)
def test_the_lease_item_is_parked_off_the_backlog(project: str, wit: str, parked: str, emu: Emulator, lease) -> None:
    """A state of the Removed category where the type has one (Agile), else Completed (Basic)."""
    a = lease("host-a", project=project, wit=wit)
    assert a.try_acquire() is None

    (item_id,) = tagged(emu, project, LEASE_TAG)
    item = emu.db.wit.get(item_id)
    assert item.state == parked and item.fields["System.WorkItemType"] == wit
    assert "ticketops" not in str(item.fields["System.Tags"]).split("; ")  # never paired as a ticket's item


def test_the_lease_moves_to_a_new_item_before_the_revision_limit(emu: Emulator, clock: ManualClock, lease) -> None:
    a, b = lease("host-a", rotate_at=8), lease("host-b", rotate_at=8)
    assert a.try_acquire() is None  # create (rev 1) and park (rev 2)
    (first,) = tagged(emu, "Payments", LEASE_TAG)
    while emu.db.wit.get(first).rev < 7:
        a.renew()
    a.renew()  # reaches rev 8: the holder moves the lease

    (second,) = tagged(emu, "Payments", LEASE_TAG)
    assert second > first and tagged(emu, "Payments", RETIRED_LEASE_TAG) == [first]
    assert a.held and a.read().record.token == a.token and emu.db.wit.get(second).state == "Removed"
    other = b.try_acquire()
    assert other is not None and other.holder == "host-a"  # still held, now on the new item
    assert a.release()
    assert b.try_acquire() is None and b.read().version.id == second


def test_rotation_also_retires_stray_lease_items(emu: Emulator, lease) -> None:
    """A stray (a creation race loser that could not retire its item) is never the lowest while the
    lease item exists; rotating retires it too, so the new item is the only one."""
    a, stray_maker = lease("host-a", rotate_at=6), lease("host-z")
    assert a.try_acquire() is None
    (first,) = tagged(emu, "Payments", LEASE_TAG)
    store = stray_maker.store
    assert isinstance(store, WorkItemStore)
    stray = store._new_item(a.record)
    assert stray is not None and tagged(emu, "Payments", LEASE_TAG) == [first, stray.id]

    while emu.db.wit.get(first).rev < 6:
        a.renew()

    (only,) = tagged(emu, "Payments", LEASE_TAG)
    assert only not in (first, stray.id)
    assert sorted(tagged(emu, "Payments", RETIRED_LEASE_TAG)) == [first, stray.id]
    assert a.read().version.id == only and a.held


def test_a_run_reads_the_lowest_lease_item_and_ignores_the_rest(emu: Emulator, lease) -> None:
    a, b, c = lease("host-a"), lease("host-b"), lease("host-c")
    assert a.try_acquire() is None
    store = b.store
    assert isinstance(store, WorkItemStore)
    free = LeaseRecord(
        holder="nobody", token="x", acquired_at=a.record.acquired_at, expires_at=a.record.acquired_at, released=True
    )
    assert store._new_item(free) is not None

    other = c.try_acquire()
    assert other is not None and other.holder == "host-a"  # the lowest id decides, not the free stray
