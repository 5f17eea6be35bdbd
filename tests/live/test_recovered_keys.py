"""Which ticket an item belonged to after someone removed its ``ticketops:KEY`` tag, read from
its update history in ADO's wire format (``GET .../workItems/{id}/updates``)."""

from __future__ import annotations

from typing import Any

from ticketops.ado import WorkItemUpdate
from ticketops.live.convert import recovered_keys


def update(rev: int, **fields: tuple[Any, Any]) -> WorkItemUpdate:
    """One update: field -> (oldValue, newValue) as ADO sends them (absent values left out)."""
    wire = {
        name.replace("_", "."): {k: v for k, v in (("oldValue", old), ("newValue", new)) if v is not None}
        for name, (old, new) in fields.items()
    }
    return WorkItemUpdate.model_validate({"id": rev, "workItemId": 1, "rev": rev, "fields": wire})


AUDIT = "ticketops: synced from commit abc1234def56 (.tickets/PAY-1.md)"


def test_the_update_that_removed_the_tag_names_the_key() -> None:
    history = [
        update(1, System_Tags=(None, "ticketops; ticketops:PAY-1"), System_History=(None, AUDIT)),
        update(2, System_Title=("Checkout", "Checkout v2")),
        update(3, System_Tags=("ticketops; ticketops:PAY-1", "ticketops")),
        update(4, System_Tags=("ticketops", "ticketops; urgent")),  # later tag edits keep the answer
    ]
    assert recovered_keys(history) == ("PAY-1",)


def test_the_last_key_tags_win_over_older_ones_and_over_the_audit_line() -> None:
    history = [
        update(1, System_Tags=(None, "ticketops; ticketops:PAY-1"), System_History=(None, AUDIT)),
        update(2, System_Tags=("ticketops; ticketops:PAY-1", "ticketops; ticketops:PAY-2")),
        update(3, System_Tags=("ticketops; ticketops:PAY-2", "ticketops")),
    ]
    assert recovered_keys(history) == ("PAY-2",)


def test_several_key_tags_at_once_are_all_named() -> None:
    history = [
        update(1, System_Tags=(None, "ticketops; ticketops:PAY-3; ticketops:PAY-1")),
        update(2, System_Tags=("ticketops; ticketops:PAY-3; ticketops:PAY-1", "ticketops")),
    ]
    assert recovered_keys(history) == ("PAY-1", "PAY-3")


def test_without_tag_history_the_audit_lines_name_the_ticket_file() -> None:
    history = [
        update(1, System_Title=(None, "Made by a person")),
        update(2, System_History=(None, "ticketops: synced from ticketops import (.tickets/ADO-7.md)")),
        update(3, System_History=(None, "ticketops: synced from the working tree (uncommitted) (.tickets/PAY-12.md)")),
    ]
    assert recovered_keys(history) == ("PAY-12",)


def test_an_item_ticketops_never_wrote_names_nothing() -> None:
    history = [
        update(1, System_Tags=(None, "ticketops"), System_History=(None, "we use ticketops here (.tickets/PAY-1.md)")),
        update(2, System_History=(None, "ticketops: synced from nowhere")),  # no ticket file named
    ]
    assert recovered_keys(history) == ()
