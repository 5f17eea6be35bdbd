"""Which items an import takes: projects, types, a WIQL condition; items it must refuse; and
projects other than the board's, which get boards of their own."""

from __future__ import annotations

import yaml
from importkit import ImportBoard

from ticketops.ado import AdoClient, PatAuth
from ticketops.emulator import Emulator
from ticketops.importer import Importer, ImportOptions


def test_an_unknown_project_is_an_error_that_lists_the_real_ones(board: ImportBoard, emu: Emulator) -> None:
    r = board.run("import", "--project", "Paymnets")
    assert r.code == 1
    assert "'Paymnets' does not exist" in r.err
    for name in ("Compliance", "Helpdesk", "Ledger", "Payments"):
        assert name in r.err
    assert board.files().keys() == {".tickets/config.yaml"}


def test_types_filter_and_an_unknown_type(board: ImportBoard, emu: Emulator) -> None:
    bug = emu.db.create_work_item("Payments", "Bug", {"System.Title": "A bug"})
    emu.db.create_work_item("Payments", "Task", {"System.Title": "A task"})
    story = emu.db.create_work_item("Payments", "User Story", {"System.Title": "A story"})
    r = board.run("import", "--project", "Payments", "--types", "bug, User Story")
    assert r.code == 0, r.err
    tickets = sorted(p for p in board.files() if p.endswith(".md"))
    assert tickets == [f".tickets/ADO-{bug}.md", f".tickets/ADO-{story}.md"]
    r = board.run("import", "--project", "Payments", "--types", "Bugz")
    assert r.code == 1 and "'Bugz' is not a work item type" in r.err and "User Story" in r.err


def test_query_narrows_the_items(board: ImportBoard, emu: Emulator) -> None:
    emu.db.create_work_item("Payments", "User Story", {"System.Title": "Keep"}, tags=["import-me"])
    emu.db.create_work_item("Payments", "User Story", {"System.Title": "Leave"})
    r = board.run(
        "import",
        "--project",
        "Payments",
        "--query",
        "SELECT [System.Id] FROM WorkItems WHERE [System.Tags] CONTAINS 'import-me' ORDER BY [System.Title]",
    )
    assert r.code == 0, r.err
    assert "1 work item(s)" in r.out and "title: Keep" in board.text(".tickets/ADO-1.md")
    r = board.run("import", "--project", "Payments", "--query", "SELECT [System.Id] FROM WorkItemLinks")
    assert r.code == 1 and "only flat queries" in r.err


def test_a_state_with_no_status_is_reported_never_guessed(board: ImportBoard, emu: Emulator) -> None:
    ok = emu.db.create_work_item("Payments", "User Story", {"System.Title": "Fine"})
    gone = emu.db.create_work_item("Payments", "User Story", {"System.Title": "Dropped"})
    emu.db.update_work_item("Payments", gone, {"System.State": "Removed"})
    r = board.run("import", "--project", "Payments")
    assert r.code == 0
    line = next(x for x in r.out.splitlines() if f"#{gone}" in x)
    assert line.startswith(f"x ADO-{gone}") and "skipped" in line
    assert f"#{gone} (User Story, state 'Removed')" in line
    assert "backlog=New, in-progress=Active, in-review=Resolved, done=Closed" in line
    assert (board.root / f".tickets/ADO-{ok}.md").exists()
    assert not (board.root / f".tickets/ADO-{gone}.md").exists()
    assert "ticketops" not in emu.db.get_work_item(gone).tags


def test_a_custom_status_map_imports_that_state(tmp_path, server, emu: Emulator, capsys) -> None:
    config = (
        "organization_url: https://dev.azure.com/contoso\nproject: Payments\nstatuses:\n"
        "  - {name: todo, state: New}\n  - {name: doing, state: Active, start: true}\n"
        "  - {name: review, state: Resolved, review: true}\n  - {name: done, state: Closed, done: true}\n"
        "  - {name: dropped, state: Removed}\n"
    )
    b = ImportBoard(tmp_path / "custom", server.url, capsys, config=config)
    gone = emu.db.create_work_item("Payments", "User Story", {"System.Title": "Dropped"})
    emu.db.update_work_item("Payments", gone, {"System.State": "Removed"})
    assert b.run("import", "--project", "Payments").code == 0
    assert "status: dropped" in b.text(f".tickets/ADO-{gone}.md")
    b.commit_all()
    assert b.run("plan").code == 0


def test_other_projects_go_to_boards_of_their_own(board: ImportBoard, emu: Emulator) -> None:
    story = emu.db.create_work_item("Payments", "User Story", {"System.Title": "Payments story"})
    pbi = emu.db.create_work_item("Ledger", "Product Backlog Item", {"System.Title": "Ledger item"})
    r = board.run("import")  # no --project: every project of the organisation
    assert r.code == 0, r.err
    assert (board.root / f".tickets/ADO-{story}.md").exists()
    ledger = "projects/ledger/.tickets"
    config = yaml.safe_load(board.text(f"{ledger}/config.yaml"))
    assert config == {"organization_url": "https://dev.azure.com/contoso", "project": "Ledger", "process": "scrum"}
    assert (board.root / f"{ledger}/ADO-{pbi}.md").exists()
    assert f"New board for another project: {ledger}" in r.out and f"git add .tickets {ledger}" in r.out
    assert not (board.root / "projects/helpdesk").exists()  # no items: no board

    board.commit_all()
    assert board.run("plan").code == 0
    from ticketops.cli.main import main

    board.capsys.readouterr()
    code = main(["plan", "--repo", str(board.root / "projects/ledger"), "--org-url", board.url])
    out = board.capsys.readouterr().out
    assert code == 0 and "1 in sync" in out, out


def test_an_existing_board_for_another_project_must_name_it(board: ImportBoard, emu: Emulator) -> None:
    emu.db.create_work_item("Ledger", "Product Backlog Item", {"System.Title": "Ledger item"})
    wrong = board.root / "projects/ledger/.tickets/config.yaml"
    wrong.parent.mkdir(parents=True)
    wrong.write_text("organization_url: https://dev.azure.com/contoso\nproject: Helpdesk\nprocess: basic\n")
    r = board.run("import", "--project", "Ledger")
    assert r.code == 0
    assert "project Ledger not imported" in r.out and "is the board of project 'Helpdesk'" in r.out


def test_a_board_whose_process_does_not_fit_its_project_is_refused(tmp_path, server, emu: Emulator, capsys) -> None:
    b = ImportBoard(
        tmp_path / "wrong",
        server.url,
        capsys,
        config="organization_url: https://dev.azure.com/contoso\nproject: Ledger\nprocess: agile\n",
    )
    emu.db.create_work_item("Ledger", "Product Backlog Item", {"System.Title": "Ledger item"})
    r = b.run("import", "--project", "Ledger")
    assert r.code == 1
    assert "'User Story' does not exist in project 'Ledger'" in r.err and "scrum" in r.err
    assert b.files().keys() == {".tickets/config.yaml"}


def test_many_items_past_the_wiql_cap_are_imported_completely(board: ImportBoard, emu: Emulator, monkeypatch) -> None:
    """The emulator's cap (its VS402337 limit) lowered to 5, and the importer's page size with it:
    12 items need three id-range queries, and every one is imported."""
    import ticketops.emulator.wiql_eval as wiql_eval

    monkeypatch.setattr(wiql_eval, "RESULT_LIMIT", 5)
    ids = [emu.db.create_work_item("Payments", "Task", {"System.Title": f"Task {n}"}) for n in range(12)]
    emu.log.reset()
    with AdoClient(emu.url, PatAuth("pat-0123456789"), transport=emu.transport) as client:
        result = Importer(client, ImportOptions(projects=("Payments",), wiql_cap=5)).run(str(board.root))
    assert sorted(o.id for o in result.outcomes) == ids and {o.status for o in result.outcomes} == {"created"}
    assert emu.log.count("Wiql_Query By Wiql") == 3
    assert sorted(p for p in board.files() if p.endswith(".md")) == sorted(f".tickets/ADO-{i}.md" for i in ids)


def test_a_board_whose_project_does_not_exist_is_refused(tmp_path, server, emu: Emulator, capsys) -> None:
    b = ImportBoard(
        tmp_path / "gone",
        server.url,
        capsys,
        config="organization_url: https://dev.azure.com/contoso\nproject: Payroll\n",
    )
    r = b.run("import")
    assert r.code == 1 and "the board's project 'Payroll'" in r.err and "Payments" in r.err
    assert b.files().keys() == {".tickets/config.yaml"}


def test_progress_reports_items_done_of_items_found(board: ImportBoard, emu: Emulator) -> None:
    ids = [emu.db.create_work_item("Payments", "Task", {"System.Title": f"Task {n}"}) for n in range(3)]
    seen: list[tuple[int, int]] = []
    with AdoClient(emu.url, PatAuth("pat-0123456789"), transport=emu.transport) as client:
        Importer(
            client,
            ImportOptions(projects=("Payments",), dry_run=True),
            progress=lambda done, total: seen.append((done, total)),
        ).run(str(board.root))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)] and len(ids) == 3


def test_json_output(board: ImportBoard, emu: Emulator) -> None:
    import json

    i = emu.db.create_work_item("Payments", "Bug", {"System.Title": "JSON"})
    r = board.run("import", "--project", "Payments", "--json")
    data = json.loads(r.out)
    assert r.code == 0 and data["ok"] is True and data["summary"] == {"created": 1}
    (item,) = data["items"]
    assert item["id"] == i and item["key"] == f"ADO-{i}" and item["adoption"] == "adopted"
    assert f".tickets/ADO-{i}.md" in data["written"]
