"""Fixtures for the emulator tests: an emulator on a manual clock, a raw-wire helper, invariants.

Tests talk to the emulator the way a client does: real httpx requests with ADO's wire JSON,
written out in the tests (never through ``ticketops.ado``). After every test, no request may have
hit an unknown route and the emulator must not have crashed.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from ticketops.emulator import Emulator, ManualClock, RequestRecord
from ticketops.emulator.db.records import WorkItem

PATCH_JSON = "application/json-patch+json"


class Ado:
    """Raw requests against one emulator; every call adds ``api-version`` unless given."""

    def __init__(self, client: httpx.Client, version: str = "7.1") -> None:
        self.client = client
        self.version = version

    @staticmethod
    def op(op: str, path: str, value: object = None) -> dict[str, object]:
        return {"op": op, "path": path, "value": value}

    @staticmethod
    def field(ref: str, value: object) -> dict[str, object]:
        """``add /fields/<ref>``: set a field."""
        return {"op": "add", "path": f"/fields/{ref}", "value": value}

    def _params(self, params: dict[str, object] | None, version: str | None) -> dict[str, object]:
        out = dict(params or {})
        out.setdefault("api-version", version or self.version)
        return out

    def get(
        self,
        path: str,
        params: dict[str, object] | None = None,
        *,
        version: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return self.client.get(path, params=self._params(params, version), headers=headers)

    def send(
        self,
        method: str,
        path: str,
        body: object,
        params: dict[str, object] | None = None,
        *,
        content_type: str = "application/json",
        version: str | None = None,
    ) -> httpx.Response:
        return self.client.request(
            method,
            path,
            params=self._params(params, version),
            content=json.dumps(body),
            headers={"Content-Type": content_type},
        )

    def post(self, path: str, body: object, params: dict[str, object] | None = None, **kw: object) -> httpx.Response:
        return self.send("POST", path, body, params, **kw)  # type: ignore[arg-type]

    def create(
        self, project: str, wit: str, ops: list[dict[str, object]], params: dict[str, object] | None = None
    ) -> httpx.Response:
        return self.send("POST", f"/{project}/_apis/wit/workitems/${wit}", ops, params, content_type=PATCH_JSON)

    def update(
        self,
        item_id: int,
        ops: list[dict[str, object]],
        params: dict[str, object] | None = None,
        project: str = "Payments",
    ) -> httpx.Response:
        return self.send("PATCH", f"/{project}/_apis/wit/workitems/{item_id}", ops, params, content_type=PATCH_JSON)

    def story(
        self, title: str = "A story", *more: dict[str, object], project: str = "Payments", wit: str = "User Story"
    ) -> dict:
        """Create an item and return its JSON (asserts success)."""
        r = self.create(project, wit, [{"op": "add", "path": "/fields/System.Title", "value": title}, *more])
        assert r.status_code == 200, r.text
        return r.json()

    def wiql(
        self, query: str, params: dict[str, object] | None = None, project: str | None = "Payments"
    ) -> httpx.Response:
        prefix = f"/{project}" if project else ""
        return self.post(f"{prefix}/_apis/wit/wiql", {"query": query}, params)

    def wiql_ids(
        self, query: str, params: dict[str, object] | None = None, project: str | None = "Payments"
    ) -> list[int]:
        r = self.wiql(query, params, project)
        assert r.status_code == 200, r.text
        return [w["id"] for w in r.json()["workItems"]]


def check_invariants(emu: Emulator) -> None:
    """What must hold after every step, whatever the step was (ghstack style)."""
    with emu.db.lock:
        for item in emu.db.wit.items.values():
            _item_invariants(item)
        for pr in emu.db.pulls.prs.values():
            if pr.status == "active":
                assert pr.repo.git.references.get(pr.source) is not None, f"PR {pr.id}: source {pr.source} missing"
                assert pr.repo.git.references.get(pr.target) is not None, f"PR {pr.id}: target {pr.target} missing"
            for rv in pr.reviewers.values():
                assert emu.db.users.by_id(rv.user.id) is not None


def _item_invariants(item: WorkItem) -> None:
    assert item.rev == len(item.revisions) == len(item.updates), f"item {item.id}: rev/revisions/updates disagree"
    assert [r.rev for r in item.revisions] == list(range(1, item.rev + 1))
    dates = [r.fields["System.ChangedDate"] for r in item.revisions]
    assert all(isinstance(d, float) for d in dates)
    assert all(a < b for a, b in itertools.pairwise(dates)), f"item {item.id}: ChangedDate not strictly increasing"
    tags = item.tags
    assert list(tags) == sorted(tags, key=str.lower), f"item {item.id}: tags not sorted: {tags}"
    assert len({t.lower() for t in tags}) == len(tags), f"item {item.id}: duplicate tags {tags}"
    assert all(t == t.strip() and t for t in tags)
    state = item.type.state(item.state)
    assert state is not None and state.name == item.state, (
        f"item {item.id}: state {item.state!r} not of {item.type.name}"
    )
    parents = [r for r in item.relations if r.rel == "System.LinkTypes.Hierarchy-Reverse"]
    assert len(parents) <= 1, f"item {item.id}: more than one parent"


SPEC_INDEX = Path(__file__).resolve().parents[1] / "contract" / "ado-rest-spec" / "7.1" / "index.json"
# Query parameters the service takes on operations whose spec entry omits them (wire notes / examples).
EXTRA_QUERY = {
    "Comments_Get Comments Batch": {"order", "$top", "continuationtoken", "format"},
    "Comments_Add Comment": {"format"},
    "Items_List": {"path", "includecontent", "$format"},
    "Projects_Get": set(),
    "Wiql_Query By Wiql": set(),
}


def _spec_operations() -> dict[str, dict[str, object]]:
    if not SPEC_INDEX.exists():
        return {}
    index = json.loads(SPEC_INDEX.read_text(encoding="utf-8-sig"))
    return {op["operationId"]: op for area in index["areas"].values() for op in area["operations"]}


SPEC_OPS = _spec_operations()


def spec_problems(record: RequestRecord) -> list[str]:
    """What in this request disagrees with the spec entry of the operation it was routed to."""
    op = SPEC_OPS.get(record.operation_id or "")
    if op is None:  # unknown routes are caught separately; wire-notes-only operations have no entry
        return []
    problems = []
    if op["method"] != record.method:
        problems.append(f"{record.operation_id}: method {record.method}, spec says {op['method']}")
    declared = {str(q["name"]).lower() for q in op.get("queryParams", [])}  # type: ignore[union-attr]
    declared |= EXTRA_QUERY.get(str(record.operation_id), set()) | {"api-version"}
    for key in record.query:
        if key.lower() not in declared:
            problems.append(f"{record.operation_id}: query parameter {key!r} is not in the spec")
    return problems


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emu(clock: ManualClock) -> Iterator[Emulator]:
    e = Emulator(clock=clock)
    yield e
    try:
        assert e.log.unknown_routes == [], [f"{r.method} {r.url}" for r in e.log.unknown_routes]
        assert [p for r in e.log.records for p in spec_problems(r)] == []
        assert e.internal_errors == [], e.internal_errors
        check_invariants(e)
    finally:
        e.close()


@pytest.fixture
def client(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=emu.transport, base_url=emu.url) as c:
        yield c


@pytest.fixture
def ado(client: httpx.Client) -> Ado:
    return Ado(client)


@pytest.fixture
def invariants(emu: Emulator) -> Callable[[], None]:
    return lambda: check_invariants(emu)
