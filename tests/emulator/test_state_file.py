"""``--state FILE``: everything a client can see survives a restart of the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from ticketops.emulator import ManualClock
from ticketops.emulator.app import Emulator
from ticketops.emulator.persist import StateFile
from ticketops.model.errors import ConfigError

PATCH_JSON = "application/json-patch+json"
V = {"api-version": "7.1"}
COMMENTS = {"api-version": "7.1-preview.4"}


def _client(emu: Emulator) -> httpx.Client:
    return httpx.Client(transport=emu.transport, base_url=emu.url)


def _fill(c: httpx.Client) -> dict[str, int]:
    """Work items with history, a link, a comment, a push and a PR, all over the wire."""

    def create(wit: str, title: str) -> int:
        ops = [{"op": "add", "path": "/fields/System.Title", "value": title}]
        r = c.post(
            f"/Payments/_apis/wit/workitems/${wit}",
            params=V,
            content=json.dumps(ops),
            headers={"Content-Type": PATCH_JSON},
        )
        assert r.status_code == 200, r.text
        return int(r.json()["id"])

    parent, child = create("Feature", "Checkout"), create("User Story", "Pay by card")
    ops = [
        {"op": "add", "path": "/fields/System.State", "value": "Active"},
        {"op": "add", "path": "/fields/System.Tags", "value": "web; Hot"},
        {"op": "add", "path": "/fields/System.AssignedTo", "value": "alice@contoso.com"},
        {
            "op": "add",
            "path": "/relations/-",
            "value": {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": f"http://x/_apis/wit/workItems/{parent}"},
        },
    ]
    r = c.patch(
        f"/Payments/_apis/wit/workitems/{child}",
        params=V,
        content=json.dumps(ops),
        headers={"Content-Type": PATCH_JSON},
    )
    assert r.status_code == 200, r.text
    r = c.post(
        f"/Payments/_apis/wit/workItems/{child}/comments", params=COMMENTS, json={"text": "first <b>comment</b>"}
    )
    assert r.status_code == 200, r.text
    repo = "payments-api"
    main = c.get(f"/Payments/_apis/git/repositories/{repo}/refs", params={**V, "filter": "heads/main"}).json()
    old = main["value"][0]["objectId"]
    push = {
        "refUpdates": [{"name": "refs/heads/feature/card", "oldObjectId": "0" * 40}],
        "commits": [
            {
                "comment": "card payments",
                "parents": [old],
                "changes": [
                    {
                        "changeType": "add",
                        "item": {"path": "/card.py"},
                        "newContent": {"content": "pay()\n", "contentType": "rawtext"},
                    }
                ],
            }
        ],
    }
    r = c.post(f"/Payments/_apis/git/repositories/{repo}/pushes", params=V, json=push)
    assert r.status_code == 201, r.text
    pr = {"sourceRefName": "refs/heads/feature/card", "targetRefName": "refs/heads/main", "title": "Card payments"}
    r = c.post(f"/Payments/_apis/git/repositories/{repo}/pullrequests", params=V, json=pr)
    assert r.status_code == 201, r.text
    return {"parent": parent, "child": child, "pr": int(r.json()["pullRequestId"])}


def _ok(r: httpx.Response) -> None:
    assert r.status_code == 200, f"{r.request.url}: {r.status_code} {r.read()[:300]!r}"


def _visible(c: httpx.Client, ids: dict[str, int]) -> dict[str, object]:
    """What a client reads back: items with relations, history, comments, refs, files, the PR."""
    child, repo = ids["child"], "payments-api"
    out: dict[str, object] = {}
    c.event_hooks["response"] = [_ok]
    for item in (ids["parent"], ids["child"]):
        out[f"item{item}"] = c.get(f"/Payments/_apis/wit/workitems/{item}", params={**V, "$expand": "relations"}).json()
        out[f"updates{item}"] = c.get(f"/Payments/_apis/wit/workItems/{item}/updates", params=V).json()
        out[f"revisions{item}"] = c.get(f"/Payments/_apis/wit/workItems/{item}/revisions", params=V).json()
    out["comments"] = c.get(f"/Payments/_apis/wit/workItems/{child}/comments", params=COMMENTS).json()
    out["refs"] = c.get(f"/Payments/_apis/git/repositories/{repo}/refs", params=V).json()
    out["file"] = c.get(
        f"/Payments/_apis/git/repositories/{repo}/items",
        params={**V, "path": "/card.py", "versionDescriptor.version": "feature/card"},
    ).text
    out["pr"] = c.get(f"/Payments/_apis/git/repositories/{repo}/pullrequests/{ids['pr']}", params=V).json()
    wiql = {"query": "SELECT [System.Id] FROM WorkItems WHERE [System.Tags] CONTAINS 'hot'"}
    out["wiql"] = [w["id"] for w in c.post("/Payments/_apis/wit/wiql", params=V, json=wiql).json()["workItems"]]
    c.event_hooks["response"] = []
    return out


def test_a_restarted_emulator_answers_exactly_as_before(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    clock = ManualClock()
    with StateFile(path).open(None, clock=clock) as first, _client(first) as c:
        ids = _fill(c)
        before = _visible(c, ids)
    clock.advance(3600)
    with StateFile(path).open(None, clock=clock) as second, _client(second) as c:
        after = _visible(c, ids)
        assert after == before
        assert after["wiql"] == [ids["child"]]  # the tag index was rebuilt
        # and the organisation goes on from where it was: new ids, later stamps, same repo history
        ops = [{"op": "add", "path": "/fields/System.Title", "value": "after the restart"}]
        r = c.post(
            "/Payments/_apis/wit/workitems/$Task",
            params=V,
            content=json.dumps(ops),
            headers={"Content-Type": PATCH_JSON},
        )
        assert r.json()["id"] == ids["child"] + 1
        pr = {"sourceRefName": "refs/heads/main", "targetRefName": "refs/heads/feature/card", "title": "back"}
        again = c.post("/Payments/_apis/git/repositories/payments-api/pullrequests", params=V, json=pr)
        assert again.json()["pullRequestId"] == ids["pr"] + 1
        assert second.internal_errors == []


def test_every_change_is_on_disk_at_once_and_the_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "state" / "s.json"
    state = StateFile(path)
    with state.open(None, clock=ManualClock()) as emu, _client(emu) as c:
        saves = state.saves
        c.get("/_apis/projects", params=V)  # a read changes nothing: no write
        assert state.saves == saves
        ops = [{"op": "add", "path": "/fields/System.Title", "value": "on disk"}]
        c.post(
            "/Payments/_apis/wit/workitems/$Task",
            params=V,
            content=json.dumps(ops),
            headers={"Content-Type": PATCH_JSON},
        )
        assert state.saves == saves + 1
        # the file on disk already holds it (no shutdown needed) and no temp file is left behind
        with StateFile(path).open(None) as copy:
            assert [it.fields["System.Title"] for it in copy.db.work_items("Payments")] == ["on disk"]
        assert sorted(p.name for p in path.parent.iterdir()) == ["s.json"]


def test_a_dropped_response_is_still_saved(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with StateFile(path).open(None) as emu, _client(emu) as c:
        emu.faults.drop_response("Work Items_Create")
        ops = [{"op": "add", "path": "/fields/System.Title", "value": "committed, answer lost"}]
        with pytest.raises(httpx.ReadError):
            c.post(
                "/Payments/_apis/wit/workitems/$Task",
                params=V,
                content=json.dumps(ops),
                headers={"Content-Type": PATCH_JSON},
            )
    with StateFile(path).open(None) as emu:
        assert [it.fields["System.Title"] for it in emu.db.work_items("Payments")] == ["committed, answer lost"]


def test_a_broken_state_file_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"format": 1,\n "seed": }', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"s\.json: line 2: not valid JSON"):
        StateFile(path).open(None)
    path.write_text('{"hello": "world"}', encoding="utf-8")
    with pytest.raises(ConfigError, match="not an emulator state file"):
        StateFile(path).open(None)


def test_a_state_built_from_another_seed_is_refused_not_guessed(tmp_path: Path) -> None:
    from ticketops.emulator import Seed

    path = tmp_path / "s.json"
    StateFile(path).open(None).close()
    other = Seed(organization="fabrikam")
    with pytest.raises(ConfigError, match="another seed"):
        StateFile(path).open(other)
    with StateFile(path).open(Seed.default()) as emu:  # the same seed is fine
        assert emu.db.organization == "contoso"
