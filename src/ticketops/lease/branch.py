"""The lease kept on a branch: ``refs/heads/ticketops/lease`` of the board's linked repository.

Its one file ``lease.json`` is the :class:`~ticketops.lease.record.LeaseRecord`. Every
change is a push whose ``oldObjectId`` is the commit the writer read: a compare-and-swap that
ADO refuses (409, TF401028) when someone moved the branch meanwhile. Release deletes the branch
(``POST .../refs`` with ``oldObjectId``: only our own commit).

The lease never moves or deletes a commit it did not write. Before building on the branch it
checks that its tip is a lease commit: a message that starts with ``ticketops lease:``, at most
one parent, and a tree that holds ``lease.json`` (a lease record) and nothing else. Any other tip
(a person's commit, a ticket's spec pushed there, a branch made by hand) is refused with
:class:`ForeignLeaseRef`, and the branch is left exactly as it is.
"""

from __future__ import annotations

import json
import logging
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from ticketops.ado import (
    ZERO_OID,
    AdoClient,
    BadRequest,
    Change,
    OutcomeUnknown,
    PermissionDenied,
    PushRefUpdate,
    RefUpdate,
    StalePush,
)
from ticketops.ado.clock import server_now
from ticketops.lease.record import LeaseRecord, LeaseUnavailable, LeaseView

log = logging.getLogger(__name__)

LEASE_BRANCH = "ticketops/lease"
LEASE_REF = f"refs/heads/{LEASE_BRANCH}"
LEASE_FILE = "/lease.json"
COMMIT_PREFIX = "ticketops lease:"


class ForeignLeaseRef(LeaseUnavailable):
    """The lease branch holds a commit ticketops did not write: it is neither moved nor deleted."""


@dataclass(frozen=True)
class BranchVersion:
    tip: str  # the lease branch's commit
    has_file: bool  # the commit has a lease.json (a branch made by hand may not)
    foreign: str = ""  # why the tip is not a commit the lease wrote ("" when it is one)


class GitBranchStore:
    """The lease on a branch of ``repo`` in ``project``."""

    def __init__(self, client: AdoClient, project: str, repo: str) -> None:
        self.client = client
        self.project = project
        self.repo = repo

    def describe(self) -> str:
        return f"{LEASE_REF} in repository {self.repo!r} of project {self.project!r}"

    def free_hint(self) -> str:
        return f"delete the branch {LEASE_BRANCH} in repository {self.repo!r}"

    def now(self) -> datetime:
        return server_now(self.client, self.project)

    def retrying_for(self, seconds: float) -> AbstractContextManager[None]:
        return self.client.retrying_for(seconds)

    def tip(self) -> str | None:
        refs = self.client.list_refs(self.project, self.repo, filter=f"heads/{LEASE_BRANCH}")
        return next((r.object_id for r in refs if r.name == LEASE_REF), None)

    def read(self) -> LeaseView[BranchVersion]:
        tip = self.tip()
        if tip is None:
            return LeaseView(None, None, self.now())
        record, has_file, foreign = self._inspect(tip)
        return LeaseView(BranchVersion(tip, has_file, foreign), record, self.now())

    def _inspect(self, tip: str) -> tuple[LeaseRecord | None, bool, str]:
        """The record at ``tip``, whether it has a lease.json, and why ``tip`` is not a lease
        commit ("" when it is one). Everything is read at the commit, never the moving branch."""
        commit = self.client.get_commit(self.project, self.repo, tip)
        tree = self.client.list_tree(self.project, self.repo, tip)
        names = sorted(i.path.strip("/") for i in tree)
        has_file = LEASE_FILE.strip("/") in names
        item = (
            self.client.get_item(
                self.project, self.repo, LEASE_FILE, branch=tip, include_content=True, version_type="commit"
            )
            if has_file
            else None
        )
        record = _parse(item.content) if item is not None and item.content is not None else None
        if not commit.comment.startswith(COMMIT_PREFIX):
            why = f"its message is {_first_line(commit.comment)!r}, not one ticketops writes"
        elif len(commit.parents) > 1:
            why = "it is a merge commit"
        elif names != [LEASE_FILE.strip("/")]:
            others = [n for n in names if n != LEASE_FILE.strip("/")]
            why = f"it holds {', '.join(others[:3])}{' and more' if len(others) > 3 else ''}, not only lease.json"
        elif record is None:
            why = "its lease.json is not a lease record"
        else:
            return record, has_file, ""
        return record, has_file, why

    def _refuse(self, version: BranchVersion) -> ForeignLeaseRef:
        return ForeignLeaseRef(
            f"{self.describe()} holds commit {version.tip[:12]}, which ticketops did not write ({version.foreign}). "
            "ticketops never moves or deletes a commit it did not write, so it takes no lease there and this run "
            "writes nothing. If that commit matters, keep it on a branch of its own (e.g. git push origin "
            f"{version.tip}:refs/heads/<new-name>), then delete the branch {LEASE_BRANCH} in repository "
            f"{self.repo!r} and run again; a ticket whose branch: is {LEASE_BRANCH} must name another branch"
        )

    def write(self, seen: LeaseView[BranchVersion], record: LeaseRecord) -> BranchVersion | None:
        if seen.version is not None and seen.version.foreign:
            raise self._refuse(seen.version)
        tip = seen.version.tip if seen.version is not None else None
        exists = seen.version is not None and seen.version.has_file
        text = json.dumps(record.model_dump(mode="json"), indent=2) + "\n"
        change = Change.edit(LEASE_FILE, text) if exists else Change.add(LEASE_FILE, text)
        try:
            push = self.client.push(
                self.project,
                self.repo,
                ref=LEASE_REF,
                old_object_id=tip or ZERO_OID,
                comment=f"{COMMIT_PREFIX} {record.describe()}",
                changes=[change],
                compare_and_swap=True,  # a copy of a push that landed is refused as stale: a lost race
            )
        except StalePush:
            return None
        except BadRequest:
            # The state this push was built on is two reads (refs, then lease.json): when the
            # lease moved in between, the server can refuse the file change (add of a path that
            # exists, edit of one that does not) before it sees the stale ref. Lost race if the
            # tip moved; any other refusal is a real error.
            if self.tip() != tip:
                return None
            raise
        except OutcomeUnknown:
            # The push may have landed: the record says whether it is ours.
            now = self.read()
            mine = now.record is not None and (now.record.token, now.record.expires_at) == (
                record.token,
                record.expires_at,
            )
            return now.version if mine else None
        except PermissionDenied as e:
            raise LeaseUnavailable(
                f"cannot write the lease {self.describe()}: {e}. Give the identity Contribute and Create branch on "
                "that repository (and exempt ticketops/* from branch policies), or run with --no-lease"
            ) from None
        if not push.new_object_id:
            return None
        if tip is not None and _created(push.ref_updates):
            # ADO creates a missing branch from a non-zero ``oldObjectId`` (its base commit) instead
            # of refusing it as stale: the lease was released (deleted) after ``seen`` was read.
            # That is a moved lease, not ours: undo the branch we just made and report a lost race.
            self.client.update_refs(self.project, self.repo, [RefUpdate.delete(LEASE_REF, push.new_object_id)])
            return None
        return BranchVersion(push.new_object_id, True)

    def release(self, version: BranchVersion, record: LeaseRecord) -> bool:
        """Delete the branch if it is still at ``version.tip`` (a commit this run wrote: the
        ``oldObjectId`` makes ADO refuse it otherwise). A tip that moved is looked at: when it is
        not a lease commit, :class:`ForeignLeaseRef` (the branch stays as it is)."""
        if version.foreign:
            raise self._refuse(version)
        results = self.client.update_refs(self.project, self.repo, [RefUpdate.delete(LEASE_REF, version.tip)])
        bad = [r for r in results if not r.ok]
        if bad:
            log.info("the lease %s was no longer ours to release (%s)", self.describe(), bad[0].update_status)
            now = self.read().version
            if now is not None and now.foreign:
                raise self._refuse(now)
        return not bad


def _created(updates: list[PushRefUpdate]) -> bool:
    """The push made the lease branch rather than moving it (ADO reports old id zero)."""
    return any(u.name == LEASE_REF and (u.old_object_id or ZERO_OID) == ZERO_OID for u in updates)


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:60] + ("…" if len(line) > 60 else "")


def _parse(content: str) -> LeaseRecord | None:
    try:
        return LeaseRecord.model_validate(json.loads(content))
    except (ValueError, ValidationError):
        return None
