"""The incremental query past WIQL's 20,000-id cap: after a first reconcile of 25,000 tickets,
every later `reconcile --every` pass failed with `400 VS402337` and the loop never settled."""

from __future__ import annotations

from datetime import UTC, datetime

from ticketops.ado import AdoClient, resolve_auth
from ticketops.ado.clock import changed_since
from ticketops.emulator import Emulator
from ticketops.model.config import AuthSettings

N = 25_001


def test_changed_since_reads_past_the_cap_in_id_ranges(emu: Emulator) -> None:
    db = emu.db
    with db.lock:
        for i in range(1, N + 1):
            db.create_work_item(
                "Payments", "User Story", {"System.Title": f"T{i}"}, tags=["ticketops", f"ticketops:PAY-{i}"]
            )
    auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": "cap-dummy-pat-0123456789"})
    client = AdoClient(emu.url, auth, transport=emu.transport)
    emu.log.reset()

    changes = changed_since(client, "Payments", datetime(2000, 1, 1, tzinfo=UTC))

    assert len(changes.ids) == N and len(set(changes.ids)) == N
    wiql = [r for r in emu.log.records if r.operation_id == "Wiql_Query By Wiql"]
    assert [r.status for r in wiql] == [200, 200]  # two id ranges, no VS402337
    assert all(r.query.get("timePrecision") == "true" for r in wiql)
