"""Helpers for the hook tests: a bare "remote" and a clone of it, driven by the git CLI.

git runs the installed hooks itself, so every test here goes through `git push` / `git commit`
as a user would. The environment is isolated: HOME is a temp folder, no system config, and the
ADO URL points at a closed local port so a plan step (once the engine exists) fails fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

CONFIG_YAML = """\
organization_url: https://dev.azure.com/contoso
project: Payments
process: agile
repos:
  api:
    name: payments-api
default_repo: api
"""

VALID_TICKET = """\
---
title: {title}
status: backlog
assignee: alice@contoso.com
---
The spec of {title}.
"""

# Line 3, column 9 is the bad status value.
INVALID_TICKET = """\
---
title: Broken ticket
status: doing
---
Nobody can reconcile this one.
"""

UNREACHABLE_ADO = "http://127.0.0.1:9/contoso"  # nothing listens on port 9


def git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_AUTHOR_NAME="Test User",
        GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="Test User",
        GIT_COMMITTER_EMAIL="test@example.com",
        TICKETOPS_ORG_URL=UNREACHABLE_ADO,
        AZURE_DEVOPS_EXT_PAT="dummy-pat-for-tests",
    )
    return env


@dataclass
class Clone:
    """A clone of a bare remote; ``path`` is the work tree root."""

    path: Path
    remote: Path
    env: dict[str, str]

    def git(
        self, *args: str, check: bool = True, cwd: Path | None = None, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd or self.path,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done

    def ticketops(
        self, *args: str, cwd: Path | None = None, input: str | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ticketops", *args],
            cwd=cwd or self.path,
            env=dict(env) if env is not None else self.env,
            input=input,
            capture_output=True,
            text=True,
            check=False,
        )

    def write(self, rel: str, text: str, *, cwd: Path | None = None) -> None:
        path = (cwd or self.path) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(
        self, message: str, files: Mapping[str, str], *, check: bool = True, cwd: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Write ``files`` (paths relative to the work tree ``cwd``) and commit them."""
        for rel, text in files.items():
            self.write(rel, text, cwd=cwd)
        self.git("add", "--", *files, cwd=cwd)
        return self.git("commit", "-m", message, check=check, cwd=cwd)

    def head(self, rev: str = "HEAD") -> str:
        return self.git("rev-parse", rev).stdout.strip()

    def remote_sha(self, branch: str) -> str | None:
        done = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
            cwd=self.remote,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() or None

    def push(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.git("push", *args, check=False)


def make_clone(tmp_path: Path, *, tickets_dir: str = ".tickets") -> Clone:
    """A bare remote with one pushed commit holding a valid board, and a clone of it."""
    home = tmp_path / "home"
    home.mkdir()
    env = git_env(home)
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], env=env, check=True)
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(remote), str(work)], env=env, check=True, capture_output=True)
    clone = Clone(path=work, remote=remote, env=env)
    clone.git("config", "user.name", "Test User")
    clone.git("config", "user.email", "test@example.com")
    clone.git("checkout", "-q", "-B", "main")
    clone.commit(
        "board",
        {
            f"{tickets_dir}/config.yaml": CONFIG_YAML,
            f"{tickets_dir}/PAY-1.md": VALID_TICKET.format(title="Refunds"),
        },
    )
    clone.git("push", "-q", "-u", "origin", "main")
    clone.git("remote", "set-head", "origin", "main")
    return clone


def hook_path(clone: Clone, hook: str) -> Path:
    return clone.path / ".git" / "hooks" / hook


def write_hook(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)
