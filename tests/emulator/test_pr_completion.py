"""Completing a pull request with "Complete linked work items after merging"
(``completionOptions.transitionWorkItems``), through the REST API as a person or the az CLI does."""

from __future__ import annotations

import httpx
import pytest

from ticketops.emulator import Emulator

from .conftest import Ado
from .test_pulls import PRS, open_pr
from .test_pulls import branch as _feature_branch  # noqa: F401 - test_pulls' `branch` fixture, under this name

ALICE_TOKEN = "alice-entra-token"
TICKETOPS_TOKEN = "ticketops-entra-token"


@pytest.fixture
def feature(request: pytest.FixtureRequest) -> str:
    """A feature branch one commit ahead of main (test_pulls' fixture)."""
    return str(request.getfixturevalue("_feature_branch"))


@pytest.fixture
def alice(emu: Emulator, client: httpx.Client) -> Ado:
    """Requests made as alice@contoso.com (her own bearer token); ``ado`` stays ticketops'."""
    emu.accept_bearer(ALICE_TOKEN, user="alice@contoso.com")
    emu.accept_bearer(TICKETOPS_TOKEN, user="ticketops@contoso.com")
    client.headers["Authorization"] = f"Bearer {TICKETOPS_TOKEN}"
    c = httpx.Client(transport=emu.transport, base_url=emu.url, headers={"Authorization": f"Bearer {ALICE_TOKEN}"})
    return Ado(c)


def _linked_story(ado: Ado, branch: str, state: str = "Resolved", **pr_extra: object) -> tuple[dict, dict]:
    item = ado.story("Card payments")
    r = ado.update(item["id"], [ado.field("System.State", state)])
    assert r.status_code == 200, r.text
    pr = open_pr(ado, branch, workItemRefs=[{"id": str(item["id"])}], **pr_extra)
    return item, pr


def _updates(ado: Ado, item_id: int) -> list[dict]:
    return ado.get(f"/Payments/_apis/wit/workItems/{item_id}/updates").json()["value"]


def test_completing_with_transition_moves_linked_items_to_done(ado: Ado, alice: Ado, feature: str, invariants) -> None:
    item, pr = _linked_story(ado, feature)
    r = alice.send(
        "PATCH",
        f"{PRS}/{pr['pullRequestId']}",
        {"status": "completed", "completionOptions": {"transitionWorkItems": True}},
    )
    assert r.status_code == 200 and r.json()["status"] == "completed", r.text
    got = ado.get(f"/Payments/_apis/wit/workItems/{item['id']}").json()
    assert got["fields"]["System.State"] == "Closed"
    assert got["fields"]["System.ChangedBy"]["uniqueName"] == "alice@contoso.com"
    last = _updates(ado, item["id"])[-1]
    assert last["revisedBy"]["uniqueName"] == "alice@contoso.com"
    assert last["fields"]["System.State"] == {"oldValue": "Resolved", "newValue": "Closed"}
    assert f"pull request {pr['pullRequestId']}" in last["fields"]["System.History"]["newValue"]
    invariants()


def test_completing_without_transition_leaves_items_alone(ado: Ado, alice: Ado, feature: str) -> None:
    item, pr = _linked_story(ado, feature)
    r = alice.send("PATCH", f"{PRS}/{pr['pullRequestId']}", {"status": "completed"})
    assert r.status_code == 200, r.text
    assert ado.get(f"/Payments/_apis/wit/workItems/{item['id']}").json()["fields"]["System.State"] == "Resolved"


def test_az_cli_completion_sends_last_merge_source_commit(ado: Ado, alice: Ado, feature: str) -> None:
    """``az repos pr update --status completed --transition-work-items true``: the options set at
    creation, then status + lastMergeSourceCommit copied from a fresh read."""
    item, pr = _linked_story(ado, feature, completionOptions={"transitionWorkItems": True})
    fresh = ado.get(f"{PRS}/{pr['pullRequestId']}").json()
    body = {"status": "completed", "lastMergeSourceCommit": fresh["lastMergeSourceCommit"]}
    r = alice.send("PATCH", f"{PRS}/{pr['pullRequestId']}", body)
    assert r.status_code == 200 and r.json()["status"] == "completed", r.text
    assert ado.get(f"/Payments/_apis/wit/workItems/{item['id']}").json()["fields"]["System.State"] == "Closed"


def test_a_stale_last_merge_source_commit_is_refused(ado: Ado, alice: Ado, feature: str, emu: Emulator) -> None:
    item, pr = _linked_story(ado, feature, completionOptions={"transitionWorkItems": True})
    stale = ado.get(f"{PRS}/{pr['pullRequestId']}").json()["lastMergeSourceCommit"]
    emu.db.push_files("Payments", "payments-api", "feature/PAY-1", {"late.txt": "pushed after the read"})
    r = ado.send("PATCH", f"{PRS}/{pr['pullRequestId']}", {"status": "completed", "lastMergeSourceCommit": stale})
    assert r.status_code == 409 and "has been updated" in r.json()["message"]
    assert ado.get(f"{PRS}/{pr['pullRequestId']}").json()["status"] == "active"
    assert ado.get(f"/Payments/_apis/wit/workItems/{item['id']}").json()["fields"]["System.State"] == "Resolved"


def test_items_already_done_are_not_touched(ado: Ado, alice: Ado, feature: str) -> None:
    item, pr = _linked_story(ado, feature, state="Closed")
    rev = ado.get(f"/Payments/_apis/wit/workItems/{item['id']}").json()["rev"]
    body = {"status": "completed", "completionOptions": {"transitionWorkItems": True}}
    assert ado.send("PATCH", f"{PRS}/{pr['pullRequestId']}", body).status_code == 200
    assert ado.get(f"/Payments/_apis/wit/workItems/{item['id']}").json()["rev"] == rev
