"""Read-only mode: reads pass, every write is refused before a byte is sent."""

from __future__ import annotations

import httpx
import pytest

from support.fake_ado import ORG_URL, FakeAdo, listing, work_item
from ticketops.ado import AdoClient, Change, PatchOp, ReadOnlyViolation, RefUpdate


def _answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/wiql"):
        return httpx.Response(200, json={"workItems": [{"id": 1, "url": "u"}]})
    if request.url.path.endswith("/workitemsbatch"):
        return listing([work_item(1)])
    return httpx.Response(200, json=work_item(1))


@pytest.fixture
def recorded() -> tuple[AdoClient, FakeAdo]:
    fake = FakeAdo(_answer)
    client = AdoClient(ORG_URL, None, transport=fake.transport, read_only=True)
    yield client, fake
    client.close()


def test_reads_get_through(recorded: tuple[AdoClient, FakeAdo]) -> None:
    client, fake = recorded
    assert client.wiql("P", "SELECT [System.Id] FROM WorkItems") == [1]
    assert [w.id for w in client.get_work_items("P", [1])] == [1]
    assert client.get_work_item("P", 1).id == 1
    assert [r.method for r in fake.requests] == ["POST", "POST", "GET"]


WRITES = {
    "create work item": lambda c: c.create_work_item("P", "Bug", [PatchOp.set_field("System.Title", "x")]),
    "update work item": lambda c: c.update_work_item("P", 1, [PatchOp.test_rev(1)]),
    "comment": lambda c: c.add_comment("P", 1, "hi"),
    "refs": lambda c: c.update_refs("P", "app", [RefUpdate.create("refs/heads/x", "a" * 40)]),
    "push": lambda c: c.push("P", "app", ref="x", old_object_id="0" * 40, comment="c", changes=[Change.add("/a", "b")]),
    "pull request": lambda c: c.create_pull_request("P", "app", source_ref="x", target_ref="main", title="t"),
    "pr update": lambda c: c.update_pull_request("P", "app", 1, title="t"),
    "reviewer": lambda c: c.add_reviewer("P", "app", 1, "r"),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_writes_are_refused_before_sending(recorded: tuple[AdoClient, FakeAdo], write: str) -> None:
    client, fake = recorded
    with pytest.raises(ReadOnlyViolation, match="nothing was sent"):
        WRITES[write](client)
    assert fake.requests == []
    assert client.stats.total == 0


def test_the_only_posts_that_count_as_reads_are_the_three_queries() -> None:
    """One table decides what is a write (``routes.py``): every route that is not a GET is a write,
    except the POSTs that only read (WIQL, the work item batch and the git items batch)."""
    from ticketops.ado import routes

    table = [r for r in vars(routes).values() if isinstance(r, routes.Route)]
    reads = {r.name for r in table if r.read and r.method != "GET"}
    assert reads == {"wit.wiql", "wit.workitemsbatch", "git.itemsbatch"}
    assert all(not r.read for r in table if r.method in ("PATCH", "PUT", "DELETE"))
