"""The watch loop driven by change batches: each file write is planned (or applied) at once, a
half-written file is reported as path:line:col and watching goes on."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import watchfiles
from rich.console import Console
from watchkit import Tree, ticket

from ticketops.ado import AdoClient, AuthError, RetryPolicy, resolve_auth
from ticketops.emulator import Emulator
from ticketops.engine.stopping import StopFlag
from ticketops.model.config import AuthSettings
from ticketops.watch.evaluate import Evaluator, WatchResult
from ticketops.watch.loop import WatchLoop
from ticketops.watch.view import LiveView, PlainView, renderable

HALF_WRITTEN = "---\ntitle: Half\nstatus: backl"


def run_loop(tree: Tree, evaluator: Evaluator, events: Iterator[set]) -> tuple[list[WatchResult], str]:
    results: list[WatchResult] = []
    out = io.StringIO()
    loop = WatchLoop(
        evaluator,
        events,
        PlainView(out),
        StopFlag(),
        tickets_dir=tree.tickets,
        root=tree.root.resolve(),
        on_result=results.append,
    )
    assert loop.run() == 0
    return results, out.getvalue()


def creates(result: WatchResult) -> list[str]:
    assert result.plan is not None, result
    return [a.key for a in result.plan.actions if a.kind == "create"]


def test_each_write_is_planned_and_a_half_written_file_does_not_stop_watching(tree: Tree, emu: Emulator) -> None:
    def events() -> Iterator[set]:
        yield set()  # the watcher is up: the first plan runs
        yield tree.write("PAY-2.md", ticket("Written while watching"))
        yield tree.write("PAY-3.md", HALF_WRITTEN)  # an editor saved half of it
        yield tree.write("PAY-3.md", ticket("Finished"))
        yield {(watchfiles.Change.added, str(tree.tickets / ".ticketops" / "x.json"))}  # sidecars are not tickets

    results, out = run_loop(tree, tree.evaluator(), events())

    assert [r.trigger for r in results] == [
        ("start",),
        (".tickets/PAY-2.md",),
        (".tickets/PAY-3.md",),
        (".tickets/PAY-3.md",),
    ]
    assert creates(results[0]) == ["PAY-1"]
    assert creates(results[1]) == ["PAY-1", "PAY-2"]
    half = results[2]
    assert [p.path for p in half.problems] == [".tickets/PAY-3.md"] and half.problems[0].line > 0
    assert creates(half) == ["PAY-1", "PAY-2"]  # the other tickets are still planned
    assert creates(results[3]) == ["PAY-1", "PAY-2", "PAY-3"] and results[3].problems == ()
    assert f"  .tickets/PAY-3.md:{half.problems[0].line}:{half.problems[0].col}:" in out
    assert "Plan: 3 to create" in out
    assert emu.log.writes() == []  # planning never writes


def test_with_apply_a_new_ticket_file_becomes_a_work_item(tree: Tree, emu: Emulator) -> None:
    def events() -> Iterator[set]:
        yield set()
        yield tree.write("PAY-2.md", ticket("Applied from the working tree"))

    results, out = run_loop(tree, tree.evaluator(apply=True), events())

    titles = sorted(it.fields["System.Title"] for it in emu.db.wit.in_project(emu.db.project("Payments")))
    assert titles == ["Applied from the working tree", "Committed ticket"]
    last = results[-1]
    assert last.applied is not None and last.applied.result.converged and last.applied.leased
    assert "applied (converged" in out


def test_an_unreachable_ado_is_reported_and_the_next_change_is_tried_again(tree: Tree) -> None:
    auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": "watch-dummy-pat-0123456789"})
    clients = iter(
        [
            AdoClient(
                "http://127.0.0.1:9/contoso",
                auth,
                retry=RetryPolicy(max_attempts=1),
                transport=httpx.HTTPTransport(retries=0),
            ),
            tree.client(),
        ]
    )
    evaluator = Evaluator(repo=str(tree.root), client_for=lambda _config: next(clients))

    def events() -> Iterator[set]:
        yield set()
        evaluator.close()  # the next evaluation builds a client again (now a reachable one)
        yield tree.write("PAY-2.md", ticket("Second"))

    results, out = run_loop(tree, evaluator, events())

    assert results[0].plan is None and "could not reach Azure DevOps" in results[0].error
    assert "not planned: " in out
    assert creates(results[1]) == ["PAY-1", "PAY-2"]


def test_a_failed_sign_in_ends_watch_mode(tree: Tree) -> None:
    with Emulator(pat="the-real-pat-0123456789") as strict:
        auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": "not-the-pat-0123456789"})
        evaluator = Evaluator(
            repo=str(tree.root), client_for=lambda _c: AdoClient(strict.url, auth, transport=strict.transport)
        )
        with pytest.raises(AuthError):
            run_loop(tree, evaluator, iter([set()]))


def test_real_watcher_reacts_to_a_file_write(tree: Tree) -> None:
    """watchfiles itself, stopped through its stop_event; the test waits on events the loop
    sets (watcher alive, result seen), never on a sleep."""
    stop = StopFlag()
    alive, seen = threading.Event(), threading.Event()
    results: list[WatchResult] = []

    def on_result(result: WatchResult) -> None:
        results.append(result)
        if ".tickets/PAY-7.md" in result.trigger:
            seen.set()

    events = watchfiles.watch(
        tree.tickets,
        debounce=50,
        stop_event=stop.event,
        rust_timeout=50,
        yield_on_timeout=True,
        raise_interrupt=False,
        recursive=False,
    )
    loop = WatchLoop(
        tree.evaluator(),
        events,
        PlainView(io.StringIO()),
        stop,
        tickets_dir=tree.tickets,
        root=tree.root.resolve(),
        on_result=on_result,
        on_idle=alive.set,
    )
    worker = threading.Thread(target=loop.run, daemon=True)
    worker.start()
    try:
        assert alive.wait(timeout=30)  # the watcher is running
        (tree.tickets / "PAY-7.md").write_text(ticket("Seen by the watcher"), encoding="utf-8")
        assert seen.wait(timeout=30)
    finally:
        stop.request("test over")
        worker.join(timeout=30)
    assert not worker.is_alive()
    assert "PAY-7" in creates(results[-1])


def test_the_live_view_shows_the_plan_as_a_table(tree: Tree) -> None:
    result = tree.evaluator()(1, ("start",), threading.Event())
    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system=None)
    console.print(renderable(result))
    text = console.file.getvalue()
    assert "+ PAY-1" in text and "create" in text and "Plan: 1 to create" in text

    live = LiveView(Console(file=io.StringIO(), width=100, force_terminal=True, color_system=None))
    live.show(result)
    live.close()
    assert "PAY-1" in live.console.file.getvalue()


def test_only_ticket_files_in_the_folder_count(tree: Tree) -> None:
    from ticketops.watch.evaluate import is_ticket_path

    t = tree.tickets
    assert is_ticket_path(t, str(t / "PAY-1.md")) and is_ticket_path(t, str(t / "config.yaml"))
    assert not is_ticket_path(t, str(t / ".PAY-1.md.swp")) and not is_ticket_path(t, str(t / "PAY-1.md~"))
    assert not is_ticket_path(t, str(t / ".ticketops" / "PAY-1.json"))
    assert not is_ticket_path(t, str(Path(t).parent / "README.md"))


def test_watch_apply_learns_once_that_the_server_refuses_markdown(tmp_path: Path) -> None:
    """watch --apply and reconcile --every run passes through the same runner: what the first
    write taught (this server keeps no Markdown) holds for every later evaluation, so the
    refused format is sent once per process, not once per file change."""
    from support.emulators import checked_emulator

    create = "Work Items_Create"
    with checked_emulator(markdown_supported=False) as html_only:
        tree = Tree(tmp_path / "board", html_only)

        def events() -> Iterator[set]:
            yield set()
            yield tree.write("PAY-2.md", ticket("Second"))
            yield tree.write("PAY-3.md", ticket("Third"))

        results, _out = run_loop(tree, tree.evaluator(apply=True), events())

        assert all(r.applied is not None and r.applied.result.converged for r in results)
        statuses = [x.status for x in html_only.log.records if x.operation_id == create]
        assert statuses.count(400) == 1  # learned by the first create, never sent again
        assert statuses.count(200) == 3  # PAY-1, PAY-2, PAY-3
