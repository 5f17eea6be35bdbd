"""The malformed-input corpus (issue 16.7), as data: tests/desired/malformed/*.case, described in
cases.toml. Each case is put next to a valid ticket and `validate` runs through main(argv) on a
real git repository: the exit code and `path:line` are the expected ones, nothing crashes (no
traceback, exit 3), and the valid ticket still loads; for every ticket case, a reconcile against
the emulator still creates the valid ticket's work item."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from gitrepo import make_repo
from ticketops.ado import AdoClient, resolve_auth
from ticketops.cli.main import main
from ticketops.desired import check, load
from ticketops.emulator import Emulator
from ticketops.engine import Engine
from ticketops.model.config import AuthSettings

CORPUS = Path(__file__).resolve().parent / "malformed"
CASES = tomllib.loads((CORPUS / "cases.toml").read_text(encoding="utf-8"))
CONFIG = b"organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
VALID = b"---\ntitle: The valid one\nstatus: backlog\n---\nIt still applies.\n"


def board(root: Path, name: str) -> Path:
    case = CASES[name]
    files = {".tickets/config.yaml": CONFIG, ".tickets/PAY-1.md": VALID}
    files[f".tickets/{case['file']}"] = (CORPUS / f"{name}.case").read_bytes()
    make_repo(root, files)
    return root


def test_the_corpus_is_all_there() -> None:
    on_disk = {p.stem for p in CORPUS.glob("*.case")}
    assert on_disk == set(CASES) and len(CASES) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_malformed_file_is_named_at_its_line_and_the_rest_still_loads(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = board(tmp_path / "b", name)

    code = main(["validate", "--repo", str(root)])

    out, err = capsys.readouterr()
    assert code == CASES[name]["code"], out + err
    assert CASES[name]["where"] in out + err, out + err
    assert "Traceback" not in out + err
    if CASES[name]["file"] == "config.yaml":
        return  # no board without its config: nothing else is read
    state, problems = check(root)
    assert state is not None and "PAY-1" in [t.key for t in state.tickets]
    assert problems


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c["file"] != "config.yaml"))
def test_the_valid_ticket_is_still_applied(name: str, tmp_path: Path, emu: Emulator) -> None:
    root = board(tmp_path / "b", name)
    auth, _ = resolve_auth(AuthSettings(), {"AZURE_DEVOPS_EXT_PAT": "corpus-dummy-pat-0123456789"})
    client = AdoClient(emu.url, auth, transport=emu.transport)

    Engine(client, load(str(root))).reconcile()

    titles = [it.fields["System.Title"] for it in emu.db.wit.items.values()]
    assert "The valid one" in titles
    assert len([t for t in titles if t != "ticketops lease — do not edit"]) == 1  # the malformed one: nothing
