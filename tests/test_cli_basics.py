"""The command line as a user meets it: --help, --version, unknown commands, `validate`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ for the shared gitrepo helper
from gitrepo import make_repo
from ticketops import __version__
from ticketops.cli.main import main

CONFIG = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nrepos:\n  api: {name: payments-api}\n"
GOOD = "---\ntitle: Refunds\nstatus: backlog\n---\n\nSpec.\n"
BAD = "---\ntitle: Refunds\nstatus: doing\nasignee: bob@contoso.com\n---\n"


@pytest.fixture
def repo_path(tmp_path: Path) -> Path:
    make_repo(tmp_path / "r", {".tickets/config.yaml": CONFIG, ".tickets/PAY-1.md": GOOD, ".tickets/PAY-2.md": GOOD})
    return tmp_path / "r"


def test_help_and_version_in_a_real_process() -> None:
    out = subprocess.run([sys.executable, "-m", "ticketops", "--help"], capture_output=True, text=True, check=True)
    assert "usage: ticketops" in out.stdout
    assert "validate" in out.stdout
    version = subprocess.run([sys.executable, "-m", "ticketops", "--version"], capture_output=True, text=True)
    assert version.returncode == 0
    assert version.stdout.strip() == f"ticketops {__version__}"


def test_every_command_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    from ticketops.cli.main import _commands

    names = [m.NAME for m in _commands()]
    assert "validate" in names
    for command in names:
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        assert f"usage: ticketops {command}" in capsys.readouterr().out


def test_unknown_command_prints_usage_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["frobnicate"])
    assert done.value.code == 1  # never 2: that exit code means "plan has changes"
    err = capsys.readouterr().err
    assert "usage: ticketops" in err
    assert "invalid choice: 'frobnicate'" in err


def test_validate_clean_repo(repo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--repo", str(repo_path)]) == 0
    sha = head_sha(repo_path)
    assert capsys.readouterr().out == f"2 tickets valid at {sha[:10]}\n"


def head_sha(path: Path) -> str:
    import pygit2

    return str(pygit2.Repository(str(path)).head.target)


def test_validate_reports_problems_and_exits_1(repo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo_path / ".tickets" / "PAY-2.md").write_text(BAD)
    assert main(["validate", "--repo", str(repo_path)]) == 0  # the edit is not committed
    capsys.readouterr()
    assert main(["validate", "--repo", str(repo_path), "--worktree"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        ".tickets/PAY-2.md:3:1: unknown status 'doing'; valid statuses: backlog, in-progress, in-review, done",
        ".tickets/PAY-2.md:4:1: unknown field 'asignee' (did you mean 'assignee'?)",
    ]
    assert err.strip() == "2 problems in 1 file at the working tree"


def test_validate_json(repo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo_path / ".tickets" / "PAY-2.md").write_text(BAD)
    assert main(["validate", "--repo", str(repo_path), "--worktree", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False
    assert doc["commit"] is None
    assert doc["tickets"] == 1
    assert doc["problems"][0] == {
        "path": ".tickets/PAY-2.md",
        "line": 3,
        "col": 1,
        "message": "unknown status 'doing'; valid statuses: backlog, in-progress, in-review, done",
    }
    assert main(["validate", "--repo", str(repo_path), "--json"]) == 0
    ok = json.loads(capsys.readouterr().out)
    assert (ok["ok"], ok["tickets"], ok["problems"]) == (True, 2, [])
    assert ok["commit"] == head_sha(repo_path)


def test_validate_bad_revision_is_a_user_error(repo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--repo", str(repo_path), "--rev", "nope"]) == 1
    assert "cannot resolve revision 'nope'" in capsys.readouterr().err
    assert main(["validate", "--repo", str(repo_path), "--rev", "nope", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_rev_and_worktree_are_exclusive(repo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["validate", "--repo", str(repo_path), "--rev", "HEAD", "--worktree"])
    assert done.value.code != 0
    assert "not allowed with argument" in capsys.readouterr().err


def test_closed_pipe_is_not_a_crash(repo_path: Path) -> None:
    """`ticketops validate --json | head -c1` must not end in a traceback or exit 3."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ticketops", "validate", "--repo", str(repo_path), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # closed before the interpreter has even started: its write must fail
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err and b"internal error" not in err


def test_command_modules_are_named_after_their_command() -> None:
    """main() imports only the invoked command's module, found by name: cmd_<NAME>.py."""
    import importlib
    import pkgutil

    import ticketops.cli as pkg

    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("cmd_"):
            mod = importlib.import_module(f"ticketops.cli.{info.name}")
            assert info.name.removeprefix("cmd_") == mod.NAME, info.name


def test_running_one_command_does_not_import_the_others(repo_path: Path) -> None:
    code = (
        "import sys; from ticketops.cli.main import main; "
        f"rc = main(['validate', '--repo', {str(repo_path)!r}]); "
        "loaded = sorted(m for m in sys.modules if m.startswith('ticketops.cli.cmd_')); "
        "print(loaded); sys.exit(rc)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "['ticketops.cli.cmd_validate']"


def test_validate_refuses_a_token_committed_under_tickets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pat = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst"  # PAT-shaped: 52 chars of base32
    files = {
        ".tickets/config.yaml": CONFIG,
        ".tickets/PAY-1.md": f"---\ntitle: Capture\nstatus: backlog\n---\nTry it with\n  curl -u :{pat} ...\n",
        ".tickets/.ticketops/PAY-1.comments.md": f"## note\n\ntoken={pat}\n",
    }
    make_repo(tmp_path, files)
    assert main(["validate", "--repo", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert ".tickets/PAY-1.md:6:" in out and ".tickets/.ticketops/PAY-1.comments.md:3:" in out
    assert "personal access token" in out
    assert pat not in out
