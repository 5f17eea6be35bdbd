"""What the lease protocol (:mod:`ticketops.lease.lease`) needs from the place that keeps the
lease, and what it keeps there.

A store holds one :class:`LeaseRecord` and changes it only by compare-and-swap: every write
names the version it read, and a store that moved meanwhile refuses it. Two stores exist: a
branch of the board's linked repository (:mod:`~ticketops.lease.branch`) and a work item of
the project (:mod:`~ticketops.lease.item`). Times in records are ADO's (the ``asOf`` of a
WIQL), never a local clock.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from ticketops.ado.clock import wiql_time
from ticketops.model.errors import TicketopsError

V = TypeVar("V")

# Every record names its format: text that is not one (a ticket's description, an edit by
# hand) is never read as a lease. Records written before the field existed read as this one.
LEASE_FORMAT: Final = "ticketops-lease/1"


class LeaseRecord(BaseModel):
    """Who holds the lease and until when (ADO time)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    holder: str  # a person-readable name: host, pid, what runs
    token: str  # random per run: the same token is the same holder
    acquired_at: datetime
    expires_at: datetime
    released: bool = False  # a store that cannot delete its record marks it released
    format: Literal["ticketops-lease/1"] = LEASE_FORMAT

    def live(self, now: datetime) -> bool:
        return not self.released and now < self.expires_at

    def describe(self) -> str:
        return f"{self.holder}, until {wiql_time(self.expires_at)} (ADO time)"


class LeaseUnavailable(TicketopsError):
    """The lease cannot be written (permissions, policies)."""


@dataclass(frozen=True)
class LeaseView(Generic[V]):
    """The lease as read: the store's version of it (None: nothing stored yet), the record
    (None: none, or not readable as one) and ADO's time of the read."""

    version: V | None
    record: LeaseRecord | None
    now: datetime


class LeaseStore(Protocol[V]):
    def describe(self) -> str:
        """Where the lease is kept, for messages."""

    def free_hint(self) -> str:
        """How a person frees a lease left by a run that died, at once."""

    def read(self) -> LeaseView[V]: ...

    def now(self) -> datetime:
        """ADO's current time."""

    def retrying_for(self, seconds: float) -> AbstractContextManager[None]:
        """In the block, this thread's calls to ADO retry transient failures (reads and the
        compare-and-swap writes alike) for at most ``seconds``."""

    def write(self, seen: LeaseView[V], record: LeaseRecord) -> V | None:
        """Store ``record`` if the lease is still at ``seen.version``: its new version, or None
        when it moved meanwhile (a lost race). :class:`LeaseUnavailable` when it cannot be written."""

    def release(self, version: V, record: LeaseRecord) -> bool:
        """Free the lease if it is still at ``version`` (ours): False when it was not."""
