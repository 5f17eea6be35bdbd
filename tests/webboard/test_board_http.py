"""The board through Starlette's test client: a real git repo under tmp_path, the in-process
emulator, the real planner. What a person sees on the page and what the clicks do to the files."""

from __future__ import annotations

import re
import subprocess

import pygit2
import pytest
from boardkit import BASE, BOARD_TOKEN, Site

from ticketops.board.export import export_html
from ticketops.desired import load

ORIGIN = {"Origin": BASE}


def cards_shown(html: str) -> list[str]:
    return re.findall(r'id="card-([A-Z0-9-]+)"', html)


def column_of(html: str, key: str) -> str:
    before = html[: html.index(f'id="card-{key}"')]
    return re.findall(r'<section class="column" data-status="([a-z-]+)"', before)[-1]


# ---- what the page shows -----------------------------------------------------------------------
def test_columns_follow_the_config_and_cards_carry_status_facts(site: Site) -> None:
    db = site.emu.db
    (pr,) = db.pull_requests("Payments", "payments-api")
    db.pulls.set_reviewer(pr, db.user("bob@contoso.com"), 10, None)  # Bob approves, in ADO
    pr.is_draft = True
    html = site.browser().get("/").text

    assert re.findall(r'data-status="([a-z-]+)"', html) == ["backlog", "in-progress", "in-review", "done"]
    start = html.index('data-status="in-progress"')
    review = html.index('data-status="in-review"')
    assert "↳ branch" in html[start:review] and "⇄ PR" in html[review : html.index('data-status="done"')]
    assert (column_of(html, "PAY-1"), column_of(html, "PAY-2"), column_of(html, "PAY-3")) == (
        "backlog",
        "in-progress",
        "in-review",
    )
    pay3 = html[html.index('id="card-PAY-3"') :]
    pay3 = pay3[: pay3.index("</article>")]
    assert "Synced" in pay3 and "PR #" in pay3 and "badge pr-active" in pay3
    assert 'class="reviewer vote-ok" title="Bob Baker: approved"' in pay3
    assert '<span class="badge draft">draft</span>' in pay3 and "merge conflicts" not in pay3
    assert "↳ feature/PAY-3-settlement-report" in pay3
    pay2 = html[html.index('id="card-PAY-2"') :]
    assert "☑ 2" in pay2[: pay2.index("</article>")]
    ids = re.findall(r'href="(https://dev\.azure\.com/contoso/Payments/_workitems/edit/\d+)"', html)
    assert len(ids) == 3  # the three valid tickets have work items, linked


def test_an_invalid_ticket_shows_its_problem_with_file_line_and_column_on_its_card(site: Site) -> None:
    html = site.browser().get("/").text

    card = html[html.index('id="card-PAY-4"') :]
    card = card[: card.index("</article>")]
    assert "Invalid" in card
    assert ".tickets/PAY-4.md:4:1: priority" in card
    assert column_of(html, "PAY-4") == "backlog"
    assert 'draggable="true"' not in card


def test_a_field_changed_in_ado_shows_out_of_sync_with_drift_as_status_computes_it(site: Site) -> None:
    wid = next(i for i in re.findall(r"_workitems/edit/(\d+)", site.browser().get("/?q=refund").text))
    site.emu.db.update_work_item("Payments", int(wid), {"System.Title": "Renamed in ADO"}, by="carol@contoso.com")

    html = site.browser().get("/").text  # a new app: nothing cached
    card = html[html.index('id="card-PAY-1"') :]
    card = card[: card.index("</article>")]
    assert "OutOfSync" in card and "drift" in card
    assert "<b>title</b> &#34;Renamed in ADO&#34; → &#34;Refund webhooks&#34; <em>(drift)</em>" in card
    assert cards_shown(site.browser().get("/?drift=1").text) == ["PAY-1"]


def test_filters_live_in_the_url_and_hide_cards(site: Site) -> None:
    client = site.browser()

    assert cards_shown(client.get("/?tag=api").text) == ["PAY-1"]
    assert cards_shown(client.get("/?q=settlement").text) == ["PAY-3"]
    assert cards_shown(client.get("/?assignee=bob@contoso.com").text) == ["PAY-2"]
    assert cards_shown(client.get("/?blocked=1").text) == ["PAY-4"]
    assert cards_shown(client.get("/?sync=Synced&repo=api").text) == ["PAY-1", "PAY-2", "PAY-3"]
    html = client.get("/?tag=api").text
    assert "1 of 4 tickets match the filters" in html
    assert '<option value="api" selected>' in html


def test_the_side_panel_renders_the_spec_without_raw_html_and_shows_plan_and_branch_diff(site: Site) -> None:
    # The spec on the feature branch is the committed one; edit the working tree copy.
    path = site.path("PAY-2")
    path.write_text(path.read_text().replace("Spec of the keys.", "Spec of the keys, now with TTL."))
    client = site.browser()

    one = client.get("/ticket/PAY-1").text
    assert "<script>" not in one and "&lt;script&gt;alert" in one and "&lt;b&gt;raw&lt;/b&gt;" in one
    assert "<strong>refund</strong>" in one and "<h2>Context</h2>" in one
    two = client.get("/ticket/PAY-2").text
    assert "Plan" in two and "PAY-2" in two
    assert '<span class="del">-Spec of the keys, now with TTL.</span>' in two
    assert '<span class="add">+Spec of the keys.</span>' in two
    assert client.get("/ticket/PAY-99").status_code == 404


# ---- moving a card -----------------------------------------------------------------------------
def test_the_move_preview_comes_from_the_planner_and_writes_nothing(site: Site) -> None:
    before = site.path("PAY-1").read_bytes()
    r = site.browser().post(
        "/move/preview", data={"key": "PAY-1", "status": "in-review", "blob": site.blob("PAY-1")}, headers=ORIGIN
    )

    assert r.status_code == 200
    assert "state New -&gt; Resolved" in r.text
    assert "branch: feature/PAY-1-refund-webhooks is created in repo api from main" in r.text
    assert "pull request: opens from feature/PAY-1-refund-webhooks into main" in r.text
    assert "+ PAY-1      branch feature/PAY-1-refund-webhooks" in r.text  # the exact plan
    assert site.path("PAY-1").read_bytes() == before


def test_confirming_a_move_changes_exactly_the_status_line_byte_for_byte(site: Site) -> None:
    original = (
        "---\r\n# owner: payments\r\ntitle: Refund webhooks\r\nstatus:   backlog   # set by hand\r\n"
        "priority: 2\r\ntags: [api, refunds]\r\n---\r\n\r\nBody <b>kept</b>.\r\n"
    )
    site.path("PAY-1").write_bytes(original.encode())
    client = site.browser()

    r = client.post("/move", data={"key": "PAY-1", "status": "in-progress", "blob": site.blob("PAY-1")}, headers=ORIGIN)

    assert r.status_code == 200, r.text
    after = site.path("PAY-1").read_bytes().decode()
    assert after == original.replace("status:   backlog ", "status:   in-progress ")
    changed = [(a, b) for a, b in zip(original.split("\n"), after.split("\n"), strict=True) if a != b]
    assert changed == [("status:   backlog   # set by hand\r", "status:   in-progress   # set by hand\r")]
    assert 'value="PAY-1: backlog -&gt; in-progress"' in r.text  # the commit message, prefilled
    assert load(site.root, rev=None, worktree=True).ticket("PAY-1").status == "in-progress"
    assert column_of(client.get("/").text, "PAY-1") == "in-progress"


def test_a_move_on_a_file_changed_meanwhile_is_409_and_nothing_is_lost(site: Site) -> None:
    client = site.browser()
    seen = site.blob("PAY-1")
    edited = site.path("PAY-1").read_text().replace("Merchants need", "Merchants really need")
    site.path("PAY-1").write_text(edited)  # another editor saves

    for route in ("/move/preview", "/move"):
        r = client.post(route, data={"key": "PAY-1", "status": "done", "blob": seen}, headers=ORIGIN)
        assert r.status_code == 409, route
        assert "changed on disk" in r.text
    assert site.path("PAY-1").read_text() == edited


def test_a_move_that_would_leave_an_invalid_file_or_unknown_status_is_refused(site: Site) -> None:
    client = site.browser()
    r = client.post("/move", data={"key": "PAY-1", "status": "shipped", "blob": site.blob("PAY-1")}, headers=ORIGIN)
    assert r.status_code == 400 and "not a status of this board" in r.text
    r = client.post("/move", data={"key": "../config", "status": "done", "blob": ""}, headers=ORIGIN)
    assert r.status_code == 400 and "not a ticket key" in r.text


def test_commit_uses_the_prefilled_message_and_commits_only_that_file(site: Site) -> None:
    client = site.browser()
    client.post("/move", data={"key": "PAY-1", "status": "in-progress", "blob": site.blob("PAY-1")}, headers=ORIGIN)
    (site.root / "unrelated.txt").write_text("not mine")

    r = client.post("/commit", data={"key": "PAY-1", "message": "PAY-1: backlog -> in-progress"}, headers=ORIGIN)

    assert r.status_code == 200, r.text
    repo = pygit2.Repository(str(site.root))
    head = repo[repo.head.target]
    assert head.message.strip() == "PAY-1: backlog -> in-progress"
    assert [d.delta.new_file.path for d in repo.diff(head.parents[0], head)] == [".tickets/PAY-1.md"]
    assert (
        "unrelated.txt"
        in subprocess.run(["git", "status", "--porcelain"], cwd=site.root, capture_output=True, text=True).stdout
    )


def test_reconcile_now_runs_the_guarded_reconcile_and_streams_its_outcomes(site: Site) -> None:
    client = site.browser()
    client.post("/move", data={"key": "PAY-1", "status": "in-progress", "blob": site.blob("PAY-1")}, headers=ORIGIN)
    client.post("/commit", data={"key": "PAY-1", "message": "PAY-1: backlog -> in-progress"}, headers=ORIGIN)

    r = client.post("/reconcile", headers=ORIGIN)

    assert r.status_code == 200
    lines = r.text.splitlines()
    assert any(line.startswith("PAY-1: update #") and "applied" in line for line in lines), lines
    # PAY-4 is invalid, so it stays blocked: the verdict says so, as `ticketops reconcile` does.
    assert lines[-1] == "did not converge: Plan: 0 to create, 0 to update, 0 to prune; 1 blocked; 3 in sync"
    wid = int(re.search(r"PAY-1: update #(\d+)", r.text).group(1))  # type: ignore[union-attr]
    assert site.emu.db.get_work_item(wid).fields["System.State"] == "Active"
    html = client.get("/").text
    assert "Synced" in html[html.index('id="card-PAY-1"') :][:600]


# ---- security ----------------------------------------------------------------------------------
def test_without_the_token_nothing_is_served(site: Site) -> None:
    anon = site.browser(login=False)
    for path in ("/", "/ticket/PAY-1", "/static/board.css", "/events", "/?token=wrong-token"):
        r = anon.get(path, follow_redirects=False)
        assert r.status_code == 403, path
    r = anon.get(f"/?token={BOARD_TOKEN}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert BOARD_TOKEN not in r.headers["set-cookie"]  # the cookie is a session value, not the token
    assert "HttpOnly" in r.headers["set-cookie"] and "SameSite=Strict" in r.headers["set-cookie"]


def test_host_and_origin_are_checked_on_every_request(site: Site) -> None:
    client = site.browser()
    assert client.get("/", headers={"Host": "evil.example:8765"}).status_code == 403  # DNS rebinding
    assert client.get("/", headers={"Origin": "http://evil.example"}).status_code == 403
    data = {"key": "PAY-1", "status": "done", "blob": site.blob("PAY-1")}
    assert client.post("/move", data=data, headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/move", data=data).status_code == 403  # a write without Origin
    assert "status: backlog" in site.path("PAY-1").read_text()
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200


def test_nothing_outside_the_boards_assets_and_tickets_is_served(site: Site) -> None:
    client = site.browser()
    for path in (
        "/static/../app.py",
        "/static/%2e%2e%2fapp.py",
        "/static/app.py",
        "/.tickets/config.yaml",
        "/.git/config",
    ):
        assert client.get(path).status_code == 404, path
    html = client.get("/").text
    assert BOARD_TOKEN not in html and "board-dummy-pat" not in html
    assert client.get("/static/htmx.min.js").status_code == 200


# ---- read-only, export -----------------------------------------------------------------------
@pytest.mark.parametrize("how", ["rev", "query", "config"])
def test_a_read_only_board_has_no_edit_controls_and_refuses_writes(site: Site, how: str) -> None:
    if how == "config":
        cfg = site.root / ".tickets" / "config.yaml"
        cfg.write_text(cfg.read_text() + "read_only: true\n")
    client = site.browser(site.app(rev="HEAD") if how == "rev" else None)
    html = client.get("/?rev=HEAD" if how in ("rev", "query") else "/").text

    assert cards_shown(html)
    assert 'draggable="true"' not in html and "Reconcile now" not in html and "read-only" in html
    if how == "config":
        r = client.post("/move", data={"key": "PAY-1", "status": "done", "blob": site.blob("PAY-1")}, headers=ORIGIN)
        assert r.status_code == 403
        assert client.post("/reconcile", headers=ORIGIN).status_code == 403
        assert "status: backlog" in site.path("PAY-1").read_text()


def test_the_rev_switch_shows_the_committed_board(site: Site) -> None:
    client = site.browser()
    client.post("/move", data={"key": "PAY-1", "status": "done", "blob": site.blob("PAY-1")}, headers=ORIGIN)

    assert column_of(client.get("/").text, "PAY-1") == "done"
    assert column_of(client.get("/?rev=HEAD").text, "PAY-1") == "backlog"


def test_export_is_one_static_self_contained_file_without_edit_controls(site: Site) -> None:
    html = export_html(site.source(force_read_only=True), None)

    assert "<script" not in html and 'draggable="true"' not in html and "Reconcile now" not in html
    assert "<style>" in html and 'rel="stylesheet"' not in html and "src=" not in html
    assert cards_shown(html) == ["PAY-1", "PAY-4", "PAY-2", "PAY-3"]
    assert "<summary>spec</summary>" in html and "&lt;script&gt;alert" in html
