"""``ticketops demo``: the whole loop in a few seconds, offline, against the built-in emulator.

1. start the ADO emulator in process and commit a copy of example-repo to a temporary git repo;
2. plan and apply it (work items, feature branches holding the specs, pull requests), and show
   the board and the branches/PRs as ADO now has them;
3. a person edits two work items in ADO (a retitle and a state move) and completes a PR;
4. the next reconcile reports that drift and puts it back, and does not recreate the completed
   PR; ends converged.
"""

from __future__ import annotations

import argparse
import importlib.resources
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import ticketops
from ticketops.ado import AdoClient, resolve_auth
from ticketops.apply import render_outcomes
from ticketops.desired import load
from ticketops.desired.gitfacts import commit_folder, uncommitted
from ticketops.engine import Engine, PassResult
from ticketops.model.desired import DesiredState
from ticketops.model.errors import ConfigError, ExitCode
from ticketops.model.gitlive import GitLive
from ticketops.model.live import LiveWorkItem
from ticketops.plan import key_order, render_text

if TYPE_CHECKING:  # the emulator is imported when the demo runs, not when the CLI starts
    from ticketops.emulator import Emulator

NAME = "demo"
HELP = "run the whole loop offline: apply example-repo to a built-in ADO emulator, edit in ADO, reconcile"
DESCRIPTION = (
    "Start the built-in Azure DevOps emulator in this process, commit a copy of the example board "
    "(example-repo/, or --repo PATH) to a temporary git repository, and apply it: the plan, the "
    "result (work items, feature branches with the ticket specs, pull requests with reviewers) and "
    "the board as ADO then has it. Then a person edits two work items in ADO (a new title, a state "
    "move) and completes a pull request; the next reconcile reports that drift and puts it back, "
    "leaves the completed PR alone, and ends converged. Needs no token and no network; takes a few "
    "seconds."
)

DEMO_TOKEN = "demo-token-not-a-secret"
DEMO_TOKEN_ENV = "AZURE_DEVOPS_EXT_PAT"
EDITOR = "carol@contoso.com"
MERGER = "bob@contoso.com"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--repo",
        default=None,
        metavar="PATH",
        help="board folder to demo (holds .tickets/; default: the example board shipped with ticketops, "
        "example-repo/ in a source checkout)",
    )


PACKAGED_BOARD = "demo_board"  # example-repo/ as shipped in the wheel (pyproject force-include)


def example_repo() -> Path:
    """The example board: ``ticketops/demo_board`` when installed from a wheel (package data,
    found through importlib.resources), else ``example-repo/`` next to ``src/`` in a checkout."""
    packaged = importlib.resources.files(ticketops).joinpath(PACKAGED_BOARD)
    if isinstance(packaged, Path) and (packaged / ".tickets").is_dir():
        return packaged
    checkout = Path(ticketops.__file__).resolve().parents[2] / "example-repo"
    if (checkout / ".tickets").is_dir():
        return checkout
    raise ConfigError(
        f"the example board is missing: neither {packaged} (installed package) nor {checkout} (source "
        "checkout) holds .tickets/; reinstall ticketops, or pass --repo PATH to a folder that holds .tickets/"
    )


def _packaged(folder: Path) -> bool:
    return folder.name == PACKAGED_BOARD and folder.resolve().parent == Path(ticketops.__file__).resolve().parent


def commit_copy(source: Path, dest: Path) -> str:
    """Copy ``source/.tickets`` into a new git repository at ``dest`` and commit it."""
    if not (source / ".tickets").is_dir():
        raise ConfigError(f"{source} has no .tickets/ folder; pass --repo PATH to a board folder")
    shutil.copytree(source / ".tickets", dest / ".tickets")
    return commit_folder(dest, "demo board")


def heading(text: str) -> None:
    print(f"\n=== {text}\n", flush=True)


def board_table(desired: DesiredState, items: tuple[LiveWorkItem, ...]) -> str:
    """The board as ADO has it: one line per managed work item."""
    rows = sorted((i for i in items if i.key), key=lambda i: key_order(i.key or ""))
    lines = [f"{'ticket':<8} {'item':<6} {'state':<10} {'assignee':<20} title"]
    for i in rows:
        lines.append(f"{i.key:<8} #{i.id:<5} {i.state:<10} {i.assignee or '-':<20} {i.title}")
    lines.append(f"{len(rows)} work items in {desired.config.project}, tagged ticketops")
    return "\n".join(lines)


def git_table(live: GitLive) -> str:
    """Branches and pull requests as ADO has them, one line per ticket with git work."""
    rows = sorted((tg for tg in live.tickets.values() if tg.target is not None), key=lambda tg: key_order(tg.key))
    if not rows:
        return "(no ticket has git work: link repositories in config.yaml)"
    width = max(len(tg.target.branch) for tg in rows if tg.target)
    lines = [f"{'ticket':<8} {'repository':<14} {'branch':<{width}}  pull request"]
    for tg in rows:
        assert tg.target is not None
        pr = tg.pr or tg.closed_pr
        shown = f"#{pr.id} {pr.status}, {len(pr.reviewers)} reviewer(s)" if pr else "-"
        branch = tg.target.branch if tg.tip else "(done: git left alone)" if tg.phase.value == "done" else "(none)"
        lines.append(f"{tg.key:<8} {tg.target.repo_name:<14} {branch:<{width}}  {shown}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ticketops.emulator import Emulator  # entry points may use the emulator; the core never does

    source = Path(args.repo) if args.repo else example_repo()
    with tempfile.TemporaryDirectory(prefix="ticketops-demo-") as tmp, Emulator() as emu:
        sha = commit_copy(source, Path(tmp))
        desired = load(tmp)
        auth, _ = resolve_auth(desired.config.auth, {desired.config.auth.token_env: DEMO_TOKEN})
        print(f"Emulated Azure DevOps at {emu.url}")
        if _packaged(source):
            where = "the copy shipped with ticketops"
        else:
            where = "the files on disk (uncommitted changes)" if uncommitted(source) else "its last commit"
        print(f"Board {source} read from {where}, committed as {sha[:12]} in a temporary repository")
        print(f"{len(desired.tickets)} tickets valid; {len(desired.problems)} problems")
        for problem in desired.problems:
            print(f"  {problem}")
        with AdoClient(emu.url, auth, transport=emu.transport) as client:
            code = _story(emu, client, desired)
    print_board_hint(source)
    return code


def print_board_hint(source: Path) -> None:
    """The last step: the same board in the browser, on an emulator that outlives the demo."""
    heading("5. See it as a board in the browser (ticketops board, on the demo's emulator)")
    print("  ticketops emulator --port 8765 &          # the demo's emulator, kept running this time")
    print(f"  cp -r {source} /tmp/demo-board && cd /tmp/demo-board && git init -q && git add -A && git commit -qm demo")
    print(f"  {DEMO_TOKEN_ENV}={DEMO_TOKEN} ticketops board --org-url http://127.0.0.1:8765/contoso")
    print("  # opens the printed address; press Reconcile now, then drag a card to another column")


def _story(emu: Emulator, client: AdoClient, desired: DesiredState) -> int:
    engine = Engine(client, desired)
    heading("1. ticketops plan: what would change in ADO")
    plan = engine.plan()
    sys.stdout.write(render_text(plan))

    heading("2. ticketops apply")
    first = engine.apply(plan)
    if first.report is not None:
        sys.stdout.write(render_outcomes(first.report))
    live = engine.read_live()
    print()
    print(board_table(desired, live.items))
    git_live = engine.git.read(desired) if engine.git else GitLive()
    print()
    print(git_table(git_live))

    heading(f"3. Meanwhile, in ADO, {EDITOR} edits two work items and {MERGER} completes a pull request")
    edits = _edit_in_ado(emu, desired, live.items) + _complete_a_pr(emu, git_live)
    for line in edits:
        print(f"  {line}")

    heading("4. ticketops reconcile: the drift is put back; the completed PR is not recreated")
    engine = Engine(client, desired)
    result = engine.reconcile(on_pass=_show_pass)
    print()
    if result.converged:
        print(
            f"converged: {len(result.final_plan.synced)} work items in sync with commit {(desired.commit or '')[:12]}"
        )
    else:
        print("did not converge:")
        sys.stdout.write(render_text(result.final_plan))
    print()
    print(board_table(desired, engine.read_live().items))
    print()
    print(git_table(engine.git_live or GitLive()))
    return int(ExitCode.OK if result.converged else ExitCode.USER_ERROR)


def _show_pass(n: int, result: PassResult) -> None:
    print(f"--- pass {n}")
    sys.stdout.write(render_text(result.plan))
    report = result.report
    if report is not None:
        sys.stdout.write("\n" + render_outcomes(report))


def _edit_in_ado(emu: Emulator, desired: DesiredState, items: tuple[LiveWorkItem, ...]) -> list[str]:
    """A person's edits made directly in ADO: retitle the first item, move the second's state."""
    by_key = sorted((i for i in items if i.key), key=lambda i: key_order(i.key or ""))
    if len(by_key) < 2:
        return ["(fewer than two work items: nothing to edit)"]
    db = emu.db
    retitled, moved = by_key[0], by_key[1]
    new_title = f"{retitled.title} (edited in ADO)"
    db.update_work_item(desired.config.project, retitled.id, {"System.Title": new_title}, by=EDITOR)
    other = _other_state(desired, moved.state)
    db.update_work_item(desired.config.project, moved.id, {"System.State": other}, by=EDITOR)
    return [
        f"#{retitled.id} ({retitled.key}): title -> {new_title!r}",
        f"#{moved.id} ({moved.key}): state {moved.state} -> {other}",
    ]


def _complete_a_pr(emu: Emulator, live: GitLive) -> list[str]:
    """A person merges the first open pull request (ADO's Complete button)."""
    open_prs = sorted((tg for tg in live.tickets.values() if tg.pr is not None), key=lambda tg: key_order(tg.key))
    if not open_prs:
        return []
    tg = open_prs[0]
    assert tg.pr is not None and tg.target is not None
    emu.db.set_pull_request_status(tg.pr.id, "completed", by=MERGER)
    return [f"PR #{tg.pr.id} ({tg.key}): completed, {tg.target.branch} merged into {tg.target.base}"]


def _other_state(desired: DesiredState, current: str) -> str:
    states = [s.state for s in desired.config.effective_statuses]
    return next((s for s in states if s.lower() != current.lower()), current)
