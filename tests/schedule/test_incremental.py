"""Incremental passes: after a settled pass, a pass with no change on either side costs one
request (whatever the number of tickets); a change in git or in ADO is picked up by it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from schedkit import CONFIG, TOKEN, TOKEN_ENV, ticket

from gitrepo import commit_files, make_repo
from support.emulators import checked_emulator
from ticketops.ado import AdoClient, resolve_auth
from ticketops.desired import load
from ticketops.emulator import Emulator, ManualClock
from ticketops.engine.boardpass import BoardPass, PassSettings, PassSummary
from ticketops.engine.guarded import LeaseOptions
from ticketops.engine.incremental import STATE_DIR, STATE_FILE, StateStore, state_key
from ticketops.model.config import AuthSettings

WIQL = "Wiql_Query By Wiql"
CREATE = "Work Items_Create"


class Runner:
    """A board repository and a BoardPass on it, as ``reconcile --every`` builds them."""

    def __init__(self, root: Path, client: AdoClient, n: int, **settings: object) -> None:
        files = {".tickets/config.yaml": CONFIG}
        files |= {f".tickets/PAY-{i}.md": ticket(f"Ticket {i}") for i in range(1, n + 1)}
        self.root = root
        self.repo = make_repo(root, files)
        self.client = client
        opts = PassSettings(repo=str(root), lease=LeaseOptions(), **settings)  # type: ignore[arg-type]
        self.board = BoardPass(opts, load=lambda: load(root), client_for=lambda _config: client)
        self.number = 0

    def run(self) -> PassSummary:
        self.number += 1
        return self.board.run(self.number, threading.Event())

    def commit(self, files: dict[str, str | None]) -> str:
        return commit_files(self.repo, {f".tickets/{k}": v for k, v in files.items()})


@pytest.fixture(params=["wall clock", "frozen clock"])
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """Every test here runs twice: on the wall clock, and on a clock that never moves, where
    all writes land in one wall-clock millisecond and ADO's ChangedDate runs ahead of it (a
    fast burst of writes on a real server; CI once failed on exactly that)."""
    clock = ManualClock() if request.param == "frozen clock" else None
    with checked_emulator(clock=clock) as emulator:
        yield emulator


@pytest.fixture
def runner(tmp_path: Path, new_client: Callable[[], AdoClient]) -> Callable[..., Runner]:
    def make(n: int = 3, **settings: object) -> Runner:
        return Runner(tmp_path / "board", new_client(), n, **settings)

    return make


def items_by_title(emu: Emulator) -> dict[str, Any]:
    state = emu.db.project("Payments")
    return {it.fields["System.Title"]: it for it in emu.db.wit.in_project(state)}


@pytest.mark.parametrize("n", [3, 210])
def test_a_no_change_pass_costs_one_request_whatever_the_number_of_tickets(runner, emu: Emulator, n: int) -> None:
    r = runner(n)
    first = r.run()
    assert first.mode == "full" and first.settled and f"{n} created" in first.outcome
    verify = r.run()  # sees its own writes once (ChangedDate after the watermark) and confirms them
    assert verify.mode == "incremental" and verify.settled and verify.writes == 0

    emu.log.reset()
    quiet = r.run()

    assert quiet.mode == "incremental" and quiet.settled
    assert quiet.requests == 1 and emu.log.by_operation() == {WIQL: 1}
    assert "no changes" in quiet.outcome
    query = emu.log.records[0]
    assert query.query.get("timePrecision") == "true"  # dates compared to the millisecond, not the day


def test_a_git_change_is_picked_up_by_the_incremental_pass(runner, emu: Emulator) -> None:
    r = runner(3)
    r.run(), r.run()
    r.commit({"PAY-2.md": ticket("Ticket 2 renamed in git"), "PAY-4.md": ticket("Ticket 4")})

    picked = r.run()

    assert picked.mode == "incremental" and picked.settled
    assert "git: 2 files changed" in picked.outcome and "1 created" in picked.outcome and "1 updated" in picked.outcome
    titles = items_by_title(emu)
    assert "Ticket 2 renamed in git" in titles and "Ticket 4" in titles and "Ticket 2" not in titles


def test_drift_made_in_ado_is_picked_up_and_put_back(runner, emu: Emulator) -> None:
    r = runner(3)
    r.run(), r.run()
    item = items_by_title(emu)["Ticket 3"]
    emu.db.update_work_item("Payments", item.id, {"System.Title": "Renamed in ADO"})

    picked = r.run()

    assert picked.mode == "incremental" and "ADO: 1 item changed" in picked.outcome and "1 updated" in picked.outcome
    assert items_by_title(emu)["Ticket 3"].id == item.id
    r.run()  # confirms the write
    emu.log.reset()
    assert r.run().requests == 1


def test_a_full_pass_runs_every_k_passes(runner, emu: Emulator) -> None:
    r = runner(2, full_every=3)
    modes = [r.run().mode for _ in range(7)]
    assert modes == ["full", "incremental", "incremental", "full", "incremental", "incremental", "full"]


def test_full_makes_every_pass_full(runner) -> None:
    r = runner(2, full=True)
    assert [r.run().mode for _ in range(3)] == ["full", "full", "full"]


def test_the_state_is_kept_in_the_git_directory_keyed_by_org_and_project(runner, emu: Emulator) -> None:
    r = runner(1)
    r.run()
    path = Path(r.repo.path) / STATE_DIR / STATE_FILE
    assert path.is_file() and path.parent.parent.name == ".git"
    sync = StateStore.for_repo(r.repo).load(state_key(emu.url, "Payments"))
    assert sync is not None and sync.commit == str(r.repo.head.target) and sync.watermark is not None


def test_a_bare_mirror_keeps_the_state_beside_its_objects(tmp_path: Path, new_client) -> None:
    mirror = tmp_path / "tickets.git"
    make_repo(mirror, {".tickets/config.yaml": CONFIG, ".tickets/PAY-1.md": ticket("From a mirror")}, bare=True)
    client = new_client()
    board = BoardPass(
        PassSettings(repo=str(mirror), lease=LeaseOptions()),
        load=lambda: load(mirror),
        client_for=lambda _config: client,
    )

    assert board.run(1, threading.Event()).mode == "full"
    assert (mirror / STATE_DIR / STATE_FILE).is_file()
    assert board.run(2, threading.Event()).mode == "incremental"


def test_a_pass_that_did_not_settle_leaves_the_state_alone(runner, emu: Emulator) -> None:
    r = runner(2)
    r.run(), r.run()
    before = StateStore.for_repo(r.repo).load(state_key(emu.url, "Payments"))
    r.commit({"PAY-1.md": ticket("Ticket 1 again")})
    stopped = threading.Event()
    stopped.set()  # a stop request before the first write

    summary = r.board.run(99, stopped)

    assert summary.stopped and not summary.settled and summary.writes == 0
    after = StateStore.for_repo(r.repo).load(state_key(emu.url, "Payments"))
    assert after.commit == before.commit and after.watermark == before.watermark
    assert "git: 1 file changed" in r.run().outcome  # the next pass still sees the change


def test_the_pass_rereads_the_revision_so_new_commits_are_picked_up(runner) -> None:
    r = runner(1)
    r.run()
    sha = r.commit({"PAY-9.md": ticket("Late ticket")})
    summary = r.run()
    assert summary.commit == sha and "1 created" in summary.outcome


def test_a_ticket_blocked_by_an_unknown_assignee_is_planned_again_at_the_next_incremental_pass(
    runner, emu: Emulator
) -> None:
    r = runner(2)
    r.run(), r.run()
    r.commit({"PAY-3.md": "---\ntitle: Ticket 3\nstatus: backlog\nassignee: newcomer@contoso.com\n---\nSpec.\n"})

    blocked = r.run()

    assert blocked.mode == "incremental" and not blocked.settled
    assert "1 blocked" in blocked.outcome and "Ticket 3" not in items_by_title(emu)
    again = r.run()  # nothing changed on either side, but the blocked ticket is planned again
    assert again.mode == "incremental" and not again.settled
    assert "no changes" not in again.outcome and "1 blocked" in again.outcome

    emu.db.add_user("newcomer@contoso.com", "New Comer")  # changes no work item and no ticket file
    retried = r.run()  # the same client, as `reconcile --every` keeps it: "nobody" is asked again

    assert retried.mode == "incremental" and retried.settled and "1 created" in retried.outcome
    assert items_by_title(emu)["Ticket 3"].fields["System.AssignedTo"].email == "newcomer@contoso.com"
    r.run()  # confirms the write
    emu.log.reset()
    assert r.run().requests == 1  # settled again: one request per quiet pass


def test_a_server_without_markdown_refuses_the_format_once_per_process_not_once_per_pass(tmp_path: Path) -> None:
    with checked_emulator(markdown_supported=False) as html_only:
        auth, _ = resolve_auth(AuthSettings(), {TOKEN_ENV: TOKEN})
        r = Runner(tmp_path / "board", AdoClient(html_only.url, auth, transport=html_only.transport), 2)
        assert r.run().settled
        refused = [x for x in html_only.log.records if x.operation_id == CREATE and x.status == 400]
        assert len(refused) == 1  # the first create learned it; the second went out as HTML

        r.commit({"PAY-3.md": ticket("Ticket 3")})
        html_only.log.reset()
        later = r.run()

        assert later.settled and "1 created" in later.outcome
        assert [x.status for x in html_only.log.records if x.operation_id == CREATE] == [200]
        (item,) = [
            it
            for it in html_only.db.wit.in_project(html_only.db.project("Payments"))
            if it.fields["System.Title"] == "Ticket 3"
        ]
        assert (
            item.fields["System.Description"] == "<p>Spec of Ticket 3.</p>" and "System.Description" not in item.formats
        )
