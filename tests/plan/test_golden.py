"""Golden files for plan rendering (text and JSON).

The expected output lives in tests/plan/golden/. After an intended change to the rendering,
regenerate with ``TICKETOPS_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/plan/test_golden.py``
and review the diff of the golden files before committing them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from plan_builders import desired, item_for, live, ticket

from ticketops.model.errors import Problem
from ticketops.model.live import FieldAuthors
from ticketops.plan import Plan, make_plan, render_json, render_text
from ticketops.plan import fields as f

GOLDEN = Path(__file__).resolve().parent / "golden"


def _mixed_plan(prune: bool) -> Plan:
    new = ticket(
        "PAY-1",
        title="Add Apple Pay to checkout",
        status="in-progress",
        assignee="alice@contoso.com",
        priority=1,
        tags=("checkout",),
        acceptance_criteria=("Button shows on Safari", "Refunds work"),
        body="## Why\n\nCustomers asked for it.\n",
    )
    drifted = ticket(
        "PAY-2",
        title="Retry failed webhooks",
        status="in-review",
        assignee="bob@contoso.com",
        tags=("webhooks", "-legacy"),
    )
    synced = ticket("PAY-3", title="Rotate signing keys")
    conflicted = ticket("PAY-4", title="Split invoices")
    stranger = ticket("PAY-5", title="Ask the new hire", assignee="zed@contoso.com")
    items = (
        item_for(
            drifted,
            12,
            rev=5,
            title="Retry webhooks (edited in ADO)",
            state="Active",
            tags=("ticketops", "ticketops:PAY-2", "webhooks", "legacy", "team-b"),
        ),
        item_for(synced, 13),
        item_for(conflicted, 14),
        item_for(conflicted, 15, title="Split invoices (copy)"),
        item_for(ticket("PAY-9", title="Old experiment"), 19, state="Active"),
        item_for(ticket("PAY-11", title="Broken file"), 21),
    )
    state = desired(
        new,
        drifted,
        synced,
        conflicted,
        stranger,
        problems=(Problem(".tickets/PAY-11.md", 3, 9, "priority: must be between 1 and 4"),),
        invalid=frozenset({"PAY-11"}),
    )
    identities = dict(live().identities) | {"zed@contoso.com": None}
    authors = {12: FieldAuthors(id=12, external=frozenset({f.TITLE, f.TAGS}))}
    return make_plan(state, live(*items, identities=identities), prune=prune, authors=authors)


def _check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("TICKETOPS_UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"{path} is missing; run with TICKETOPS_UPDATE_GOLDEN=1 to create it")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs; see the module docstring to regenerate"


@pytest.mark.parametrize("prune", [False, True], ids=["report-orphans", "prune"])
def test_plan_text_matches_golden(prune: bool) -> None:
    _check(f"mixed-{'prune' if prune else 'plan'}.txt", render_text(_mixed_plan(prune)))


def test_plan_json_matches_golden_and_is_valid_json() -> None:
    text = render_json(_mixed_plan(False))
    data = json.loads(text)
    assert data["has_changes"] is True and data["has_errors"] is True
    assert data["summary"] == {"blocked": 2, "conflict": 1, "create": 1, "orphan": 1, "synced": 1, "update": 1}
    _check("mixed-plan.json", text)


def test_empty_plan_text_matches_golden() -> None:
    t = ticket("PAY-1")
    _check("empty-plan.txt", render_text(make_plan(desired(t), live(item_for(t, 1)))))
