"""The installed pre-push hook, driven by real `git push` to a local bare remote."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest
from hookgit import INVALID_TICKET, VALID_TICKET, Clone, make_clone


def install(clone: Clone, *args: str) -> None:
    done = clone.ticketops("hooks", "install", "--repo", str(clone.path), *args)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def hooked(clone: Clone) -> Clone:
    install(clone, "--pre-push")
    return clone


def test_invalid_ticket_blocks_the_push_naming_file_line_and_commit(hooked: Clone) -> None:
    before = hooked.remote_sha("main")
    hooked.commit("add PAY-2", {".tickets/PAY-2.md": INVALID_TICKET})
    bad = hooked.head()[:7]

    done = hooked.push("origin", "main")

    assert done.returncode != 0
    assert ".tickets/PAY-2.md:3:" in done.stderr
    assert "unknown status 'doing'" in done.stderr
    assert f'commit {bad} "add PAY-2"' in done.stderr
    assert "push blocked" in done.stderr and "--no-verify" in done.stderr
    assert hooked.remote_sha("main") == before


def test_valid_ticket_goes_through(hooked: Clone) -> None:
    hooked.commit("add PAY-2", {".tickets/PAY-2.md": VALID_TICKET.format(title="Chargebacks")})

    done = hooked.push("origin", "main")

    assert done.returncode == 0, done.stderr
    assert hooked.remote_sha("main") == hooked.head()
    assert "valid at the pushed tip (1 pushed commit checked, 2 tickets at" in done.stderr


def test_a_fix_committed_on_top_goes_through_and_the_broken_commit_is_a_warning(hooked: Clone) -> None:
    """Fix-forward: the pushed tip decides; nobody has to rewrite history for a fixed mistake."""
    hooked.commit("broken", {".tickets/PAY-2.md": INVALID_TICKET})
    broken = hooked.head()[:7]
    hooked.commit("fixed", {".tickets/PAY-2.md": VALID_TICKET.format(title="Fixed")})

    done = hooked.push("origin", "main")

    assert done.returncode == 0, done.stderr
    assert hooked.remote_sha("main") == hooked.head()
    assert f'warning: commit {broken} "broken": 1 problem in tickets, fixed at the pushed tip' in done.stderr
    assert ".tickets/PAY-2.md:3:" in done.stderr
    assert "push blocked" not in done.stderr
    assert "valid at the pushed tip (2 pushed commits checked, 2 tickets at" in done.stderr


def test_a_tip_that_is_still_broken_blocks_even_when_it_changed_no_ticket(hooked: Clone) -> None:
    hooked.commit("broken", {".tickets/PAY-2.md": INVALID_TICKET})
    broken = hooked.head()[:7]
    hooked.commit("code only on top", {"src/app.py": "x = 1\n"})

    done = hooked.push("origin", "main")

    assert done.returncode != 0
    assert ".tickets/PAY-2.md:3:" in done.stderr and "push blocked" in done.stderr
    assert "fixed at the pushed tip" not in done.stderr and f"commit {broken}" not in done.stderr
    assert '"code only on top"' in done.stderr  # the tip is what is reported


def test_commits_that_do_not_touch_tickets_are_not_validated(hooked: Clone) -> None:
    hooked.commit("code only", {"src/app.py": "print('hi')\n"})

    done = hooked.push("origin", "main")

    assert done.returncode == 0, done.stderr
    assert "no ticket changes in this push" in done.stderr


def test_new_branch_checks_only_commits_the_remote_does_not_have(hooked: Clone) -> None:
    # An invalid ticket already on the remote (pushed past the hook) is not the new branch's fault.
    hooked.commit("broken on main", {".tickets/PAY-2.md": INVALID_TICKET})
    assert hooked.push("--no-verify", "origin", "main").returncode == 0
    hooked.git("checkout", "-q", "-b", "feature/code")
    hooked.commit("code only", {"src/app.py": "x = 1\n"})

    done = hooked.push("origin", "feature/code")

    assert done.returncode == 0, done.stderr
    assert hooked.remote_sha("feature/code") == hooked.head()


def test_new_branch_with_an_invalid_ticket_is_blocked(hooked: Clone) -> None:
    hooked.git("checkout", "-q", "-b", "feature/pay-3")
    hooked.commit("add PAY-3", {".tickets/PAY-3.md": INVALID_TICKET.replace("Broken", "Third")})

    done = hooked.push("origin", "feature/pay-3")

    assert done.returncode != 0
    assert ".tickets/PAY-3.md:3:" in done.stderr
    assert hooked.remote_sha("feature/pay-3") is None


def test_new_branch_with_a_valid_ticket_goes_through(hooked: Clone) -> None:
    hooked.git("checkout", "-q", "-b", "feature/pay-3")
    hooked.commit("add PAY-3", {".tickets/PAY-3.md": VALID_TICKET.format(title="Third")})

    done = hooked.push("-u", "origin", "feature/pay-3")

    assert done.returncode == 0, done.stderr
    assert "valid at the pushed tip (1 pushed commit checked" in done.stderr
    assert hooked.remote_sha("feature/pay-3") == hooked.head()


def test_branch_deletion_push_is_not_validated(hooked: Clone) -> None:
    hooked.git("checkout", "-q", "-b", "old")
    hooked.commit("broken", {".tickets/PAY-2.md": INVALID_TICKET})
    assert hooked.push("--no-verify", "origin", "old").returncode == 0

    done = hooked.push("origin", "--delete", "old")

    assert done.returncode == 0, done.stderr
    assert hooked.remote_sha("old") is None
    assert "problem" not in done.stderr


def test_ticket_changes_are_followed_by_the_plan_step(hooked: Clone) -> None:
    hooked.commit("retitle", {".tickets/PAY-1.md": VALID_TICKET.format(title="Refunds v2")})

    done = hooked.push("origin", "main")

    # Plan mode never blocks: ADO is unreachable here (TICKETOPS_ORG_URL points at a closed
    # port), which is a warning.
    assert done.returncode == 0, done.stderr
    assert "plan for refs/heads/main at" in done.stderr
    assert "warning: ADO is unreachable (127.0.0.1:9: Connection refused); plan skipped" in done.stderr


def test_on_push_apply_reconciles_only_the_tracked_branch(hooked: Clone) -> None:
    config = (hooked.path / ".tickets" / "config.yaml").read_text() + "on_push: apply\ntracked_branch: release\n"
    hooked.git("checkout", "-q", "-b", "release")
    hooked.commit("apply on push", {".tickets/config.yaml": config})

    on_release = hooked.push("origin", "release")
    hooked.git("checkout", "-q", "-b", "topic")
    hooked.commit("topic ticket", {".tickets/PAY-5.md": VALID_TICKET.format(title="Topic")})
    on_topic = hooked.push("origin", "topic")

    assert "reconciling ADO with refs/heads/release" in on_release.stderr
    # ADO is unreachable here: a failed apply blocks the push
    assert on_release.returncode != 0
    assert "ADO is unreachable (127.0.0.1:9: Connection refused); nothing applied" in on_release.stderr
    assert "push blocked (on_push: apply for release)" in on_release.stderr
    assert on_topic.returncode == 0, on_topic.stderr  # other branches only plan
    assert "plan for refs/heads/topic" in on_topic.stderr


def test_monorepo_subfolder_is_found_through_git_config(tmp_path) -> None:  # type: ignore[no-untyped-def]
    clone = make_clone(tmp_path, tickets_dir="services/payments/.tickets")
    install(clone, "--pre-push", "--repo", str(clone.path / "services" / "payments"))
    assert clone.git("config", "ticketops.path").stdout.strip() == "services/payments"
    clone.commit("bad", {"services/payments/.tickets/PAY-2.md": INVALID_TICKET})

    done = clone.push("origin", "main")

    assert done.returncode != 0
    assert "services/payments/.tickets/PAY-2.md:3:" in done.stderr


def test_pre_commit_framework_variables_are_understood(clone: Clone) -> None:
    """The pre-commit framework eats stdin and passes the first ref update in PRE_COMMIT_*."""
    base = clone.head()
    clone.commit("bad", {".tickets/PAY-2.md": INVALID_TICKET})
    env = dict(
        clone.env,
        PRE_COMMIT="1",
        PRE_COMMIT_FROM_REF=base,
        PRE_COMMIT_TO_REF=clone.head(),
        PRE_COMMIT_LOCAL_BRANCH="refs/heads/main",
        PRE_COMMIT_REMOTE_BRANCH="refs/heads/main",
        PRE_COMMIT_REMOTE_NAME="origin",
        PRE_COMMIT_REMOTE_URL=str(clone.remote),
    )

    done = clone.ticketops("hooks", "run", "pre-push", input="", env=env)

    assert done.returncode == 1
    assert ".tickets/PAY-2.md:3:" in done.stderr


def test_garbage_on_stdin_is_a_clear_error(clone: Clone) -> None:
    done = clone.ticketops("hooks", "run", "pre-push", "origin", str(clone.remote), input="what is this\n")

    assert done.returncode == 1
    assert "pre-push input line 1" in done.stderr
    assert "<local ref> <local sha> <remote ref> <remote sha>" in done.stderr


def test_push_to_a_url_uses_that_remote_s_tracking_refs(hooked: Clone) -> None:
    hooked.commit("broken on main", {".tickets/PAY-2.md": INVALID_TICKET})
    assert hooked.push("--no-verify", "origin", "main").returncode == 0
    hooked.git("checkout", "-q", "-b", "feature/by-url")
    hooked.commit("code only", {"src/app.py": "x = 1\n"})

    done = hooked.push(str(hooked.remote), "feature/by-url")  # git passes the URL as REMOTE

    assert done.returncode == 0, done.stderr
    assert "no ticket changes in this push" in done.stderr


def test_annotated_tag_push_validates_the_tagged_commits(hooked: Clone) -> None:
    hooked.commit("broken", {".tickets/PAY-2.md": INVALID_TICKET})
    hooked.git("tag", "-a", "v1", "-m", "release 1")

    done = hooked.push("origin", "v1")

    assert done.returncode != 0
    assert ".tickets/PAY-2.md:3:" in done.stderr


def test_running_pre_push_by_hand_explains_what_it_expects(clone: Clone) -> None:
    primary, secondary = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ticketops", "hooks", "run", "pre-push"],
            cwd=clone.path,
            env=clone.env,
            stdin=secondary,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    finally:
        os.close(primary)
        os.close(secondary)

    assert done.returncode == 1
    assert "reads the refs being pushed from standard input" in done.stderr
