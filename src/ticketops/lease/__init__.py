"""Layer ``lease``: one writer per ADO project at a time, kept in ADO itself (a branch of the
board's repository, or a work item), changed only by compare-and-swap. Imports only ``ado``
and ``model``; the engine runs a pass under it (``engine/guarded.py``)."""

from ticketops.lease.lease import (
    DEFAULT_TTL,
    DEFAULT_WAIT,
    Lease,
    LeaseBusy,
    LeaseKeeper,
    LeaseLost,
    awake_clock,
    exclusive,
    lease_store,
)
from ticketops.lease.record import LeaseRecord, LeaseStore, LeaseUnavailable, LeaseView

__all__ = [
    "DEFAULT_TTL",
    "DEFAULT_WAIT",
    "Lease",
    "LeaseBusy",
    "LeaseKeeper",
    "LeaseLost",
    "LeaseRecord",
    "LeaseStore",
    "LeaseUnavailable",
    "LeaseView",
    "awake_clock",
    "exclusive",
    "lease_store",
]
