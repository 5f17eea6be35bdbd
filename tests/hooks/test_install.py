"""`ticketops hooks install/uninstall`: chaining, refusing, core.hooksPath, idempotence."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from hookgit import INVALID_TICKET, VALID_TICKET, Clone, write_hook

from ticketops.hooks.install import install

RECORDING_HOOK = """\
echo "args: $*" > "{log}"
cat >> "{log}"
echo "existing hook ran" >&2
exit {code}
"""


def hooks_dir(clone: Clone) -> Path:
    return clone.path / ".git" / "hooks"


def run_install(clone: Clone, *args: str) -> tuple[int, str, str]:
    done = clone.ticketops("hooks", "install", "--repo", str(clone.path), *args)
    return done.returncode, done.stdout, done.stderr


def test_install_writes_both_hooks_marked_and_executable(clone: Clone) -> None:
    code, out, _ = run_install(clone)

    assert code == 0
    for hook in ("pre-push", "post-commit"):
        path = hooks_dir(clone) / hook
        text = path.read_text()
        assert path.stat().st_mode & stat.S_IXUSR
        assert f"# ticketops-managed-hook: {hook}" in text
        assert sys.executable in text  # the interpreter that installed it
        assert f"{hook}: installed" in out


def test_installing_twice_is_idempotent(clone: Clone) -> None:
    run_install(clone)
    first = {h: (hooks_dir(clone) / h).read_bytes() for h in ("pre-push", "post-commit")}

    code, out, _ = run_install(clone)

    assert code == 0
    assert "unchanged" in out
    assert {h: (hooks_dir(clone) / h).read_bytes() for h in first} == first
    assert not list(hooks_dir(clone).glob("*.ticketops-chained"))


def test_existing_hook_is_refused_without_chain_and_says_how_to_combine(clone: Clone) -> None:
    existing = hooks_dir(clone) / "pre-push"
    write_hook(existing, "exit 0\n")
    original = existing.read_bytes()

    code, _, err = run_install(clone)

    assert code == 1
    assert str(existing) in err
    assert "--chain" in err and ".pre-commit-config.yaml" in err and "ticketops-pre-push" in err
    assert existing.read_bytes() == original
    assert not (hooks_dir(clone) / "post-commit").exists()  # nothing half-installed


def test_chained_hook_runs_first_with_the_same_stdin_and_args(clone: Clone, tmp_path: Path) -> None:
    log = tmp_path / "existing.log"
    write_hook(hooks_dir(clone) / "pre-push", RECORDING_HOOK.format(log=log, code=0))
    assert run_install(clone, "--chain")[0] == 0
    clone.commit("add PAY-2", {".tickets/PAY-2.md": VALID_TICKET.format(title="Two")})
    old, new = clone.head("origin/main"), clone.head()

    done = clone.push("origin", "main")

    assert done.returncode == 0, done.stderr
    assert "existing hook ran" in done.stderr
    assert "valid at the pushed tip (1 pushed commit checked" in done.stderr  # ours ran too
    recorded = log.read_text().splitlines()
    assert recorded[0] == f"args: origin {clone.remote}"
    assert recorded[1:] == [f"refs/heads/main {new} refs/heads/main {old}"]


def test_chained_hook_failure_blocks_the_push(clone: Clone, tmp_path: Path) -> None:
    write_hook(hooks_dir(clone) / "pre-push", RECORDING_HOOK.format(log=tmp_path / "log", code=3))
    assert run_install(clone, "--chain")[0] == 0
    before = clone.remote_sha("main")
    clone.commit("add PAY-2", {".tickets/PAY-2.md": VALID_TICKET.format(title="Two")})

    done = clone.push("origin", "main")

    assert done.returncode != 0
    assert "existing hook ran" in done.stderr
    assert clone.remote_sha("main") == before


def test_chain_install_twice_keeps_one_chain(clone: Clone, tmp_path: Path) -> None:
    write_hook(hooks_dir(clone) / "pre-push", RECORDING_HOOK.format(log=tmp_path / "log", code=0))
    original = (hooks_dir(clone) / "pre-push").read_bytes()
    run_install(clone, "--chain")

    code, out, _ = run_install(clone, "--chain")

    assert code == 0 and "unchanged" in out
    assert (hooks_dir(clone) / "pre-push.ticketops-chained").read_bytes() == original
    assert len(list(hooks_dir(clone).glob("*.ticketops-chained"))) == 1


def test_uninstall_restores_the_chained_hook_and_leaves_others_alone(clone: Clone, tmp_path: Path) -> None:
    pre_push = hooks_dir(clone) / "pre-push"
    write_hook(pre_push, RECORDING_HOOK.format(log=tmp_path / "log", code=0))
    original = pre_push.read_bytes()
    foreign = hooks_dir(clone) / "post-commit"
    write_hook(foreign, "echo someone else's hook\n")
    foreign_bytes = foreign.read_bytes()
    assert run_install(clone, "--pre-push", "--chain")[0] == 0

    done = clone.ticketops("hooks", "uninstall", "--repo", str(clone.path))

    assert done.returncode == 0, done.stderr
    assert pre_push.read_bytes() == original
    assert os.access(pre_push, os.X_OK)
    assert not (hooks_dir(clone) / "pre-push.ticketops-chained").exists()
    assert foreign.read_bytes() == foreign_bytes
    assert "post-commit: left alone" in done.stdout


def test_uninstall_removes_only_our_hooks_and_the_path_setting(clone: Clone) -> None:
    sub = clone.path / "services" / "payments"
    (sub / ".tickets").mkdir(parents=True)
    assert clone.ticketops("hooks", "install", "--repo", str(sub)).returncode == 0
    assert clone.git("config", "ticketops.path").stdout.strip() == "services/payments"
    sample = hooks_dir(clone) / "pre-commit.sample"
    sample_exists = sample.exists()

    done = clone.ticketops("hooks", "uninstall", "--repo", str(clone.path))

    assert done.returncode == 0, done.stderr
    assert not (hooks_dir(clone) / "pre-push").exists()
    assert not (hooks_dir(clone) / "post-commit").exists()
    assert clone.git("config", "ticketops.path", check=False).returncode != 0
    assert sample.exists() == sample_exists


def test_relative_core_hooks_path_is_relative_to_the_work_tree_root(clone: Clone) -> None:
    clone.git("config", "core.hooksPath", ".githooks")
    inner = clone.path / "docs"
    inner.mkdir()

    done = clone.ticketops("hooks", "install", "--pre-push", "--repo", ".", cwd=inner)

    assert done.returncode == 0, done.stderr
    assert (clone.path / ".githooks" / "pre-push").is_file()
    assert not (inner / ".githooks").exists()
    assert not (hooks_dir(clone) / "pre-push").exists()
    # .tickets/ is found above docs/, as `load` finds it: no ticketops.path is recorded
    assert clone.git("config", "ticketops.path", check=False).returncode != 0
    clone.commit("bad", {".tickets/PAY-2.md": INVALID_TICKET})
    pushed = clone.push("origin", "main")
    assert pushed.returncode != 0 and ".tickets/PAY-2.md:3:" in pushed.stderr  # git runs it


def test_absolute_core_hooks_path(clone: Clone, tmp_path: Path) -> None:
    shared = tmp_path / "shared-hooks"
    clone.git("config", "core.hooksPath", str(shared))

    code, out, _ = run_install(clone)

    assert code == 0
    assert (shared / "pre-push").is_file() and (shared / "post-commit").is_file()
    assert str(shared) in out
    clone.commit("bad", {".tickets/PAY-2.md": INVALID_TICKET})
    assert clone.push("origin", "main").returncode != 0


def test_hook_falls_back_to_ticketops_on_path(clone: Clone) -> None:
    install(clone.path, ("pre-push",), python="/nonexistent/python3")
    clone.env = dict(clone.env, PATH=f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin")
    clone.commit("bad", {".tickets/PAY-2.md": INVALID_TICKET})

    done = clone.push("origin", "main")

    assert done.returncode != 0
    assert ".tickets/PAY-2.md:3:" in done.stderr  # the ticketops found on PATH ran the checks


def test_missing_ticketops_blocks_the_push_with_a_fix(clone: Clone) -> None:
    install(clone.path, ("pre-push",), python="/nonexistent/python3")
    clone.env = dict(clone.env, PATH="/usr/bin:/bin")
    clone.commit("code", {"a.txt": "a\n"})

    done = clone.push("origin", "main")

    assert done.returncode != 0
    assert "cannot run ticketops" in done.stderr
    assert "ticketops hooks install" in done.stderr


def test_bare_repository_is_refused(clone: Clone) -> None:
    done = clone.ticketops("hooks", "install", "--repo", str(clone.remote))

    assert done.returncode == 1
    assert "bare repository" in done.stderr


def test_linked_worktree_installs_into_the_shared_hooks_folder(clone: Clone, tmp_path: Path) -> None:
    linked = tmp_path / "linked"
    clone.git("worktree", "add", "-q", "-b", "side", str(linked))

    done = clone.ticketops("hooks", "install", "--pre-push", "--repo", str(linked), cwd=linked)

    assert done.returncode == 0, done.stderr
    assert (hooks_dir(clone) / "pre-push").is_file()  # git runs hooks from the common dir
    clone.commit("bad", {".tickets/PAY-2.md": INVALID_TICKET}, cwd=linked)
    pushed = clone.git("push", "origin", "side", check=False, cwd=linked)
    assert pushed.returncode != 0 and ".tickets/PAY-2.md:3:" in pushed.stderr
