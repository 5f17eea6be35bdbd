"""Two small executor fixes: the HTML fallback only follows a refusal of the Markdown format, and a
create whose state walk fails still reports the item it made."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from leasekit import WITH_REPO, board, engine, ticket

from support.emulators import checked_emulator
from ticketops.ado import AdoClient, resolve_auth
from ticketops.apply import Applier
from ticketops.emulator import Emulator
from ticketops.model.config import AuthSettings
from ticketops.model.live import DESCRIPTION
from ticketops.plan import CreateWorkItem, FieldChange, Plan


def client_for(emu: Emulator) -> AdoClient:
    auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": "executor-test-token-0123456789"})
    return AdoClient(emu.url, auth, transport=emu.transport)


@pytest.fixture
def html_only() -> Iterator[Emulator]:
    with checked_emulator(markdown_supported=False) as emulator:
        yield emulator


def create(key: str, *extra: FieldChange) -> CreateWorkItem:
    fields = (
        FieldChange(field="System.Title", new=f"Ticket {key}"),
        FieldChange(field="System.Tags", new=f"ticketops; ticketops:{key}"),
        FieldChange(field=DESCRIPTION, new="**Spec**", format="markdown"),
        *extra,
    )
    return CreateWorkItem(
        key=key, work_item_type="User Story", initial_state="New", path=f".tickets/{key}.md", fields=fields
    )


def plan_of(*actions: CreateWorkItem) -> Plan:
    return Plan(project="Payments", work_item_type="User Story", commit=None, actions=actions)


def creates(emu: Emulator) -> int:
    return emu.log.count("Work Items_Create")


def test_a_create_refused_for_another_reason_is_not_sent_again_as_html(emu: Emulator) -> None:
    applier = Applier(client_for(emu), "Payments", None)

    report = applier.apply(plan_of(create("PAY-1", FieldChange(field="Custom.NoSuchField", new="x"))))

    (outcome,) = report.outcomes
    assert outcome.status == "failed" and "TF51535: Cannot find field Custom.NoSuchField" in outcome.message
    assert creates(emu) == 1 and outcome.writes == 1  # once, never re-sent as HTML
    assert applier.markdown_supported is None  # nothing was learned about the format


def test_a_server_that_refuses_the_markdown_format_gets_html_once_per_run(html_only: Emulator) -> None:
    applier = Applier(client_for(html_only), "Payments", None)

    report = applier.apply(plan_of(create("PAY-1"), create("PAY-2")))

    assert [o.status for o in report.outcomes] == ["applied", "applied"]
    assert [o.writes for o in report.outcomes] == [2, 1]  # refused once, then HTML from the start
    assert creates(html_only) == 3 and applier.markdown_supported is False
    first = html_only.db.work_items("Payments")[0]
    assert first.fields[DESCRIPTION] == "<p><strong>Spec</strong></p>" and first.formats == {}


def test_a_create_whose_state_walk_fails_reports_the_item_and_what_failed(tmp_path: Path, emu: Emulator) -> None:
    board(tmp_path / "b", WITH_REPO, {"PAY-1": ticket("Started", "in-progress")})
    eng = engine(client_for(emu), tmp_path / "b")
    plan = eng.plan()
    emu.faults.fail_next("Work Items_Update", status=403)  # the state step is refused

    report = eng.applier.apply(plan)

    (outcome,) = [o for o in report.outcomes if o.kind == "create"]
    (item,) = emu.db.work_items("Payments")
    assert (outcome.status, outcome.id) == ("failed", item.id)
    assert f"created #{item.id} (state New), but its state steps failed on the way to Active" in outcome.message
    assert "403" in outcome.message and "the next pass moves it on" in outcome.message
    assert eng.reconcile().converged and emu.db.wit.get(item.id).state == "Active"
