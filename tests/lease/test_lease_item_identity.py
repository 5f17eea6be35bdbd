"""The lease work item is told by more than its tag (issue 16.2).

A ticket that once set ``tags: [ticketops-lease]`` left that tag on its work item. After the
README's fix for a stuck lease (remove the tag from the lease item), the ticket's item was the
lowest tagged one: every writing run overwrote its description with lease JSON, the reconciler
put the description back as drift, and a second run took the "free" lease while the first still
wrote. Now a lease item must also carry the lease title, be of the board's type and hold a lease
record, and an item ticketops manages as a ticket's is never the lease.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest

from ticketops.ado import AdoClient
from ticketops.emulator import Emulator
from ticketops.lease.item import LEASE_TITLE, WorkItemStore, render_record
from ticketops.lease.lease import Lease
from ticketops.lease.record import LeaseRecord
from ticketops.model.live import LEASE_TAG, RETIRED_LEASE_TAG

SPEC = "<p>Refunds must be idempotent.</p>"


@pytest.fixture
def lease(new_client: Callable[[], AdoClient]) -> Callable[..., Lease[object]]:
    def make(name: str, rotate_at: int = 9_000) -> Lease[object]:
        store = WorkItemStore(new_client(), "Payments", "User Story", rotate_at=rotate_at)
        return Lease(store, holder=name, ttl=60)  # type: ignore[arg-type]

    return make


def tagged(emu: Emulator, tag: str = LEASE_TAG) -> list[int]:
    return [w.id for w in emu.db.work_items("Payments") if tag in str(w.fields.get("System.Tags", "")).split("; ")]


def tickets_item(emu: Emulator, *, title: str = "Refunds") -> int:
    """A ticket's work item that carries the lease tag (as a ticket could set it before 16.2)."""
    return emu.db.create_work_item(
        "Payments",
        "User Story",
        {"System.Title": title, "System.Description": SPEC},
        tags=["ticketops", "ticketops:PAY-1", LEASE_TAG],
    )


def snapshot(emu: Emulator, item_id: int) -> tuple[int, object, object]:
    item = emu.db.get_work_item(item_id)
    return item.rev, item.fields.get("System.Description"), item.fields.get("System.Tags")


@pytest.mark.parametrize("title", ["Refunds", LEASE_TITLE])
def test_a_tickets_item_with_the_lease_tag_is_never_taken_as_the_lease(
    emu: Emulator, lease, title: str, caplog: pytest.LogCaptureFixture
) -> None:
    ticket = tickets_item(emu, title=title)
    before = snapshot(emu, ticket)
    a, b = lease("host-a"), lease("host-b")

    with caplog.at_level(logging.WARNING, logger="ticketops.lease"):
        assert a.try_acquire() is None

    assert snapshot(emu, ticket) == before  # never written: no lease JSON in the ticket's description
    assert a.version.id != ticket and sorted(tagged(emu)) == sorted([ticket, a.version.id])
    assert f"work item #{ticket} is tagged {LEASE_TAG} but is not the lease item (it is a ticket's" in caplog.text
    # the reconciler restoring the ticket's description changes nothing: the lease stays held
    emu.db.update_work_item("Payments", ticket, {"System.Description": SPEC + "<p>edited</p>"})
    other = b.try_acquire()
    assert other is not None and other.holder == "host-a" and not b.held
    held = a.version.id
    assert a.release() and b.try_acquire() is None and b.version.id == held


def test_two_runs_never_both_hold_the_lease_after_the_lease_item_lost_its_tag(emu: Emulator, lease) -> None:
    """The README's fix for a stuck lease: remove the tag from the lease item. The next run makes
    a new lease item; the ticket's tagged item is not it, so a second run finds the lease held."""
    a, b, c = lease("host-a"), lease("host-b"), lease("host-c")
    assert a.try_acquire() is None
    first = a.version.id
    ticket = tickets_item(emu)
    emu.db.update_work_item("Payments", first, {"System.Tags": "ticketops-lease-freed-by-hand"})

    assert b.try_acquire() is None  # the lease item lost its tag: b makes a new one
    assert b.version.id not in (first, ticket)
    emu.db.update_work_item("Payments", ticket, {"System.Description": SPEC})  # drift put back
    other = c.try_acquire()
    assert other is not None and other.holder == "host-b" and not c.held
    assert snapshot(emu, ticket)[1] == SPEC


def _record_with_format(fmt: str) -> str:
    record = LeaseRecord(
        holder="x", token="t", acquired_at="2026-01-01T00:00:00Z", expires_at="2026-01-01T00:00:01Z", released=True
    )
    data = {**record.model_dump(mode="json"), "format": fmt}
    return f"<pre>{json.dumps(data)}</pre>"


FREE = render_record(
    LeaseRecord(holder="x", token="t", acquired_at="2026-01-01T00:00:00Z", expires_at="2026-01-01T00:00:01Z")
)


@pytest.mark.parametrize(
    ("kind", "title", "description", "why"),
    [
        ("User Story", "Refunds", FREE, "its title is not"),
        ("Bug", LEASE_TITLE, FREE, "it is a Bug, not a User Story"),
        ("User Story", LEASE_TITLE, "<p>someone wrote here</p>", "its description holds no lease record"),
        ("User Story", LEASE_TITLE, _record_with_format("someone-else/2"), "its description holds no lease record"),
    ],
)
def test_a_tagged_item_that_is_not_a_lease_item_is_left_alone(
    emu: Emulator, lease, kind: str, title: str, description: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    stranger = emu.db.create_work_item(
        "Payments", kind, {"System.Title": title, "System.Description": description}, tags=[LEASE_TAG]
    )
    before = snapshot(emu, stranger)
    a = lease("host-a")

    with caplog.at_level(logging.WARNING, logger="ticketops.lease"):
        assert a.try_acquire() is None
        assert a.version.id != stranger and a.release()
    assert snapshot(emu, stranger) == before
    assert why in caplog.text and caplog.text.count(f"#{stranger} is tagged") == 1  # warned once per run


def test_a_lease_item_written_before_records_named_their_format_is_still_the_lease(emu: Emulator, lease) -> None:
    old = LeaseRecord(
        holder="old-host", token="t0", acquired_at="2026-01-01T00:00:00Z", expires_at="2026-01-02T00:00:00Z"
    )
    data = old.model_dump(mode="json")
    del data["format"]
    legacy = emu.db.create_work_item(
        "Payments",
        "User Story",
        {"System.Title": LEASE_TITLE, "System.Description": f"<pre>{json.dumps(data)}</pre>"},
        tags=[LEASE_TAG],
    )
    other = lease("host-a").try_acquire()
    assert other is not None and other.holder == "old-host" and tagged(emu) == [legacy]


def test_rotation_never_retires_a_tickets_tagged_item(emu: Emulator, lease) -> None:
    """Rotating retires every other tagged item; a ticket's item losing its tags would lose its
    ``ticketops:KEY`` marker (and be created again as a duplicate)."""
    a = lease("host-a", rotate_at=6)
    assert a.try_acquire() is None
    first = a.version.id
    ticket = tickets_item(emu)
    before = snapshot(emu, ticket)

    while emu.db.get_work_item(first).rev < 6:
        a.renew()

    assert a.version.id not in (first, ticket) and tagged(emu, RETIRED_LEASE_TAG) == [first]
    assert snapshot(emu, ticket) == before
