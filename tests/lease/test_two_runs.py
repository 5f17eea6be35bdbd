"""Two `ticketops reconcile` processes started together on one repository, against one emulated
ADO over HTTP: the lease makes them take turns, so every ticket gets exactly one work item and
the board converges. With a linked repository the lease is a branch; without one, a work item."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pygit2
import pytest

from support.emulators import checked_emulator
from ticketops.emulator.server import EmulatorServer
from ticketops.lease.item import parse_record
from ticketops.model.live import LEASE_TAG

BASE = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
CONFIGS = {"branch": BASE + "repos:\n  api: {name: payments-api}\ndefault_repo: api\n", "item": BASE}
N = 20


def make_board(root: Path, config: str) -> Path:
    repo = pygit2.init_repository(str(root), initial_head="main")
    tickets = repo.TreeBuilder()
    tickets.insert("config.yaml", repo.create_blob(config.encode()), pygit2.GIT_FILEMODE_BLOB)
    for i in range(1, N + 1):
        text = f"---\ntitle: Concurrent {i}\nstatus: backlog\n---\nSpec {i}.\n"
        tickets.insert(f"PAY-{i}.md", repo.create_blob(text.encode()), pygit2.GIT_FILEMODE_BLOB)
    top = repo.TreeBuilder()
    top.insert(".tickets", tickets.write(), pygit2.GIT_FILEMODE_TREE)
    who = pygit2.Signature("test", "test@example.com", 1_700_000_000, 0)
    repo.create_commit("HEAD", who, who, "tickets", top.write(), [])
    return root


@pytest.mark.parametrize("store", sorted(CONFIGS))
def test_two_reconcilers_at_once_create_no_duplicates_and_converge(store: str, tmp_path: Path) -> None:
    repo = make_board(tmp_path / "board", CONFIGS[store])
    env = dict(os.environ, AZURE_DEVOPS_EXT_PAT="two-runs-dummy-pat-0123456789")
    with checked_emulator() as emu, EmulatorServer(emu) as srv:  # no duplicate marker, ever
        emu.faults.latency = 0.005  # each write takes a little while, so the runs overlap
        argv = [sys.executable, "-m", "ticketops", "reconcile", "--repo", str(repo), "--org-url", srv.url]
        procs = [
            subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)
        ]
        results = [p.communicate(timeout=120) for p in procs]

        for p, (out, err) in zip(procs, results, strict=True):
            assert p.returncode == 0, out + err
        everything = emu.db.wit.in_project(emu.db.project("Payments"))
        leases = [it for it in everything if LEASE_TAG in str(it.fields.get("System.Tags", "")).split("; ")]
        items = [it for it in everything if "ticketops" in str(it.fields.get("System.Tags", "")).split("; ")]
        titles = Counter(it.fields["System.Title"] for it in items)
        assert len(items) == N and set(titles.values()) == {1}  # no duplicates
        assert {it.state for it in items} == {"New"}
        created = sorted(out.count("created #") for out, _ in results)
        assert created == [0, N]  # one run did it all; the other re-planned under the lease
        repo_refs = emu.db.find_repo("payments-api", emu.db.project("Payments")).git.references
        assert not [r for r in repo_refs if r.startswith("refs/heads/ticketops/")]  # no branch left behind
        if store == "branch":
            assert emu.log.count("Pushes_Create") >= 1 and leases == []  # the lease was a branch
        else:
            assert len(leases) == 1  # one lease item (a second one from a creation race is retired)
            record = parse_record(str(leases[0].fields["System.Description"]))
            assert record is not None and record.released

        verify = subprocess.run(
            [sys.executable, "-m", "ticketops", "plan", "--repo", str(repo), "--org-url", srv.url],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr  # converged: nothing left to do
