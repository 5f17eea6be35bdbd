"""The lease branch never loses a commit ticketops did not write (issue 16.1).

A ticket whose ``branch:`` was ``ticketops/lease`` got its spec pushed onto the lease branch; a
person then committed there. A later run took the lease (pushing on top) and deleted the branch
on release: the person's commit was on no branch at all. Now the lease refuses, loudly, to move
or delete a tip that is not one of its own commits, and the branch stays exactly where it was.
"""

from __future__ import annotations

from collections.abc import Callable

import pygit2
import pytest
from leasekit import Ticks

from ticketops.ado import AdoClient
from ticketops.emulator import Emulator, ManualClock
from ticketops.lease.branch import LEASE_REF, ForeignLeaseRef, GitBranchStore
from ticketops.lease.lease import Lease, LeaseLost, exclusive
from ticketops.model.config import BoardConfig


@pytest.fixture
def lease(new_client: Callable[[], AdoClient], ticks: Ticks) -> Callable[..., Lease[object]]:
    def make(name: str, ttl: float = 60) -> Lease[object]:
        return Lease(GitBranchStore(new_client(), "Payments", "payments-api"), holder=name, ttl=ttl, clock=ticks)  # type: ignore[arg-type]

    return make


def git(emu: Emulator) -> pygit2.Repository:
    return emu.db.find_repo("payments-api", emu.db.project("Payments")).git


def tip(emu: Emulator) -> str | None:
    ref = git(emu).references.get(LEASE_REF)
    return str(ref.target) if ref is not None else None


def person_commits(emu: Emulator, files: dict[str, str | bytes | None]) -> str:
    return emu.db.push_files(
        "Payments", "payments-api", "ticketops/lease", files, message="WIP: my notes", by="erin@contoso.com"
    )


def test_a_persons_commit_on_the_lease_branch_survives_release_and_a_later_takeover(
    emu: Emulator, clock: ManualClock, lease
) -> None:
    a, b = lease("host-a"), lease("host-b")
    assert a.try_acquire() is None
    mine = person_commits(emu, {"notes.md": "work that exists nowhere else\n"})  # on top of the lease commit

    assert a.release() is False  # not deleted: the tip is the person's commit
    assert tip(emu) == mine
    assert "did not write" in a.lost and mine[:12] in a.lost

    clock.advance(3600)  # the record in the person's tree has long expired
    with pytest.raises(ForeignLeaseRef) as refused:
        b.try_acquire()
    message = str(refused.value)
    assert f"holds commit {mine[:12]}, which ticketops did not write" in message
    assert "its message is 'WIP: my notes'" in message and "never moves or deletes a commit it did not write" in message
    assert f"git push origin {mine}:refs/heads/<new-name>" in message and "delete the branch ticketops/lease" in message
    assert not b.held and b.release() is True  # nothing held, nothing deleted
    assert tip(emu) == mine and git(emu)[mine].message == "WIP: my notes"


def test_renewing_never_builds_on_a_commit_pushed_onto_the_lease_branch(emu: Emulator, lease) -> None:
    """A ticket's spec pushed onto the lease branch keeps lease.json (and this run's token) in
    its tree: the holder must not renew on top of it, nor delete it on release."""
    a = lease("host-a")
    assert a.try_acquire() is None
    spec = person_commits(emu, {".tickets/specs/PAY-1.md": "# spec\n"})

    with pytest.raises(LeaseLost, match=r"did not write \(its message is 'WIP: my notes'"):
        a.renew()
    assert tip(emu) == spec
    assert a.release() is False and tip(emu) == spec


def test_a_branch_made_by_hand_from_main_is_never_taken_as_the_lease(emu: Emulator, lease) -> None:
    repo = git(emu)
    main = repo.references["refs/heads/main"].target
    repo.references.create(LEASE_REF, main)

    with pytest.raises(ForeignLeaseRef, match="which ticketops did not write"):
        lease("host-a").try_acquire()
    assert tip(emu) == str(main)


def test_a_lease_json_edited_by_hand_is_not_a_lease_commit(emu: Emulator, lease) -> None:
    """Only lease.json, but written by a person: its message says so, and it is kept."""
    a = lease("host-a")
    assert a.try_acquire() is None
    edited = person_commits(emu, {"lease.json": "{}\n"})

    with pytest.raises(ForeignLeaseRef):
        lease("host-b").try_acquire()
    assert tip(emu) == edited


def test_the_run_fails_with_the_reason_and_the_branch_stays(emu: Emulator, new_client) -> None:
    config = BoardConfig(
        organization_url="https://dev.azure.com/contoso", project="Payments", repos={"api": {"name": "payments-api"}}
    )
    with pytest.raises(LeaseLost) as lost, exclusive(new_client(), config, purpose="test", ttl=60) as held:
        assert held is not None and held.held
        mine = person_commits(emu, {"notes.md": "x\n"})
    assert "which ticketops did not write" in str(lost.value)
    assert tip(emu) == mine


def test_the_lease_still_takes_over_its_own_expired_commit(emu: Emulator, clock: ManualClock, lease) -> None:
    a, b = lease("host-a"), lease("host-b")
    assert a.try_acquire() is None
    clock.advance(61)
    assert b.try_acquire() is None and b.read().record.holder == "host-b"
    assert b.release() is True and tip(emu) is None
