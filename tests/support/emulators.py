"""The emulator as the tests use it: fresh, and checked after every write and when the test ends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ticketops.emulator import Emulator, RequestRecord

MARKER = "ticketops:"  # the per-ticket marker tag, ticketops:KEY


def board_violations(emu: Emulator) -> list[str]:
    """What ticketops must never leave in ADO, whatever happened (crash, lost response, two
    runs at once): two work items with one marker tag, two active PRs from one branch, an
    active PR whose source branch is gone."""
    found: list[str] = []
    with emu.db.lock:
        markers = Counter(
            tag.lower()
            for item in emu.db.wit.items.values()
            if not item.deleted
            for tag in item.tags
            if tag.lower().startswith(MARKER)
        )
        found += [f"{n} work items carry {tag}" for tag, n in sorted(markers.items()) if n > 1]
        active = [pr for pr in emu.db.pulls.prs.values() if pr.status == "active"]
        sources = Counter((pr.repo.id, pr.source.lower()) for pr in active)
        found += [f"{n} active PRs from {src}" for (_repo, src), n in sorted(sources.items()) if n > 1]
        found += [
            f"active PR {pr.id} has no source branch {pr.source}"
            for pr in active
            if pr.repo.git.references.get(pr.source) is None
        ]
    return found


@contextmanager
def checked_emulator(*, board_invariants: bool = True, **kwargs: Any) -> Iterator[Emulator]:
    """A fresh emulated organisation, checked when the test ends: only routes ADO really has
    were called (an unknown route is a bug in our client), and the emulator did not crash.

    With ``board_invariants`` (off only for tests that build a broken board on purpose, such as
    two items claiming one ticket), :func:`board_violations` is checked after every write
    request, and the first write that broke one is named."""
    with Emulator(**kwargs) as emulator:
        broken: list[str] = []

        def after_write(record: RequestRecord) -> None:
            if record.write and not broken and (found := board_violations(emulator)):
                broken.append(f"after {record.method} {record.path} ({record.operation_id}): {'; '.join(found)}")

        if board_invariants:
            emulator.observers.append(after_write)
        yield emulator
        assert emulator.log.unknown_routes == [], [r.url for r in emulator.log.unknown_routes]
        assert emulator.internal_errors == [], emulator.internal_errors
        assert broken == [], broken[0]
