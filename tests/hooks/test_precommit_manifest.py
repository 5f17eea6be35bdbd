"""`.pre-commit-hooks.yaml`: what the pre-commit framework reads to run ticketops."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
import yaml
from tests.conftest import REPO_ROOT

from ticketops.cli.main import build_parser

MANIFEST = REPO_ROOT / ".pre-commit-hooks.yaml"
REQUIRED = {"id", "name", "entry", "language"}


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, list), "the manifest is a list of hook definitions"
    return {h["id"]: h for h in data}


def test_both_hooks_are_declared_with_the_required_fields(hooks: dict[str, dict[str, Any]]) -> None:
    assert set(hooks) == {"ticketops-validate", "ticketops-pre-push"}
    for hook in hooks.values():
        assert set(hook) >= REQUIRED
        assert hook["language"] == "python"  # pre-commit installs this repo as a package
        assert hook["pass_filenames"] is False  # ticketops reads the whole tickets folder


def test_validate_runs_on_ticket_changes_at_commit_and_push(hooks: dict[str, dict[str, Any]]) -> None:
    hook = hooks["ticketops-validate"]
    assert hook["entry"] == "ticketops validate --worktree"
    assert hook["stages"] == ["pre-commit", "pre-push"]
    files = re.compile(hook["files"])
    for path in (".tickets/PAY-1.md", ".tickets/config.yaml", "example-repo/.tickets/PAY-2.md"):
        assert files.search(path), path
    for path in ("src/tickets.py", "my.tickets/PAY-1.md", "docs/tickets/x.md"):
        assert not files.search(path), path


def test_pre_push_hook_runs_at_push_only(hooks: dict[str, dict[str, Any]]) -> None:
    hook = hooks["ticketops-pre-push"]
    assert hook["entry"] == "ticketops hooks run pre-push"
    assert hook["stages"] == ["pre-push"]
    assert hook["always_run"] is True


@pytest.mark.parametrize("hook_id", ["ticketops-validate", "ticketops-pre-push"])
def test_entries_are_real_ticketops_commands(hooks: dict[str, dict[str, Any]], hook_id: str) -> None:
    argv = shlex.split(hooks[hook_id]["entry"])
    assert argv[0] == "ticketops"
    args = build_parser().parse_args(argv[1:])
    assert callable(args._run)
