"""``ticketops hooks install`` / ``uninstall``: write and remove our hook scripts.

Never clobbers a hook it did not write: with ``chain`` the existing hook is renamed to
``<hook>.ticketops-chained`` and our script runs it first; without, install refuses before it
writes anything. Installing twice rewrites our own scripts in place (idempotent). Uninstall
removes only our scripts and puts a chained hook back under its original name.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ticketops.hooks import script
from ticketops.hooks.locate import TICKETS_PATH_KEY, HookRepo, open_repo, subdir_of
from ticketops.model.errors import TicketopsError

PRE_COMMIT_SNIPPET = """\
  - repo: <the ticketops repository>
    rev: <a ticketops release tag>
    hooks:
      - id: ticketops-validate
      - id: ticketops-pre-push"""


class HookConflict(TicketopsError):
    """A hook we would write is already there and is not ours."""


@dataclass(frozen=True)
class HookChange:
    """What happened to one hook file."""

    hook: str
    path: Path
    action: str  # installed | updated | unchanged | removed | restored | absent | left alone
    detail: str = ""

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.hook}: {self.action} {self.path}{extra}"


@dataclass(frozen=True)
class HooksReport:
    hooks_dir: Path
    changes: tuple[HookChange, ...]
    notes: tuple[str, ...] = ()


def default_python() -> str:
    """The interpreter the hook runs ticketops with: this one (not resolved: keep the venv)."""
    return os.path.abspath(sys.executable)


def install(
    repo_path: str | os.PathLike[str],
    hooks: Sequence[str] = script.HOOK_NAMES,
    *,
    chain: bool = False,
    python: str | None = None,
) -> HooksReport:
    hrepo = open_repo(repo_path)
    subdir = _tickets_subdir(hrepo, Path(repo_path))
    folder = hrepo.hooks_dir
    _refuse_conflicts(folder, hooks, chain)
    folder.mkdir(parents=True, exist_ok=True)
    interpreter = python or default_python()
    changes = tuple(_install_one(folder, hook, interpreter, chain) for hook in hooks)
    notes = _set_tickets_path(hrepo, subdir)
    tickets = (hrepo.workdir / subdir / ".tickets") if subdir else hrepo.workdir / ".tickets"
    if not tickets.is_dir():
        notes += (
            f"warning: {tickets} does not exist yet; the hooks check nothing until it does "
            "(if .tickets/ lives in a subfolder, install with --repo SUBFOLDER)",
        )
    return HooksReport(hooks_dir=folder, changes=changes, notes=notes)


def uninstall(repo_path: str | os.PathLike[str]) -> HooksReport:
    hrepo = open_repo(repo_path)
    folder = hrepo.hooks_dir
    changes = tuple(_uninstall_one(folder, hook) for hook in script.HOOK_NAMES)
    notes: tuple[str, ...] = ()
    if hrepo.config_value(TICKETS_PATH_KEY) is not None:
        del hrepo.git.config[TICKETS_PATH_KEY]
        notes = (f"removed git config {TICKETS_PATH_KEY}",)
    return HooksReport(hooks_dir=folder, changes=changes, notes=notes)


# ---- install helpers -------------------------------------------------------------------


def _read_ours(path: Path) -> script.OurHook | None:
    if not os.path.lexists(path) or not path.is_file():
        return None
    try:
        head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
    except OSError:
        return None
    return script.parse(head)


def _refuse_conflicts(folder: Path, hooks: Sequence[str], chain: bool) -> None:
    foreign = [folder / h for h in hooks if os.path.lexists(folder / h) and _read_ours(folder / h) is None]
    if not foreign:
        return
    if chain:
        taken = [folder / script.chained_name(p.name) for p in foreign]
        taken = [p for p in taken if os.path.lexists(p)]
        if taken:
            raise HookConflict(
                "cannot chain: "
                + ", ".join(str(p) for p in taken)
                + " already exists (left over from an earlier install?). Move it away or merge it "
                "into the hook by hand, then run `ticketops hooks install --chain` again"
            )
        return
    names = ", ".join(str(p) for p in foreign)
    raise HookConflict(
        f"{names} already exist{'s' if len(foreign) == 1 else ''} and "
        f"{'was' if len(foreign) == 1 else 'were'} not written by ticketops; nothing was changed.\n"
        "To run both, either:\n"
        "  - run `ticketops hooks install --chain`: the existing hook is kept (renamed to "
        "<hook>.ticketops-chained) and runs first, with the same arguments and input; if it "
        "fails, the push fails; `ticketops hooks uninstall` puts it back; or\n"
        "  - if that hook comes from the pre-commit framework, add ticketops to "
        ".pre-commit-config.yaml instead:\n"
        f"{PRE_COMMIT_SNIPPET}\n"
        "    and run `pre-commit install --hook-type pre-commit --hook-type pre-push`"
    )


def _install_one(folder: Path, hook: str, python: str, chain: bool) -> HookChange:
    path = folder / hook
    ours = _read_ours(path)
    if ours is not None:
        chained = ours.chained if ours.chained and os.path.lexists(folder / ours.chained) else None
        text = script.render(hook, python, chained)
        if path.read_text(encoding="utf-8") == text and os.access(path, os.X_OK):
            return HookChange(hook, path, "unchanged", "already installed")
        _write_script(path, text)
        return HookChange(hook, path, "updated", f"chained to {chained}" if chained else "")
    chained = None
    if os.path.lexists(path):  # foreign, and _refuse_conflicts allowed it: chain
        assert chain
        chained = script.chained_name(hook)
        os.replace(path, folder / chained)
    _write_script(path, script.render(hook, python, chained))
    detail = f"runs the existing hook first, now {chained}" if chained else ""
    return HookChange(hook, path, "installed", detail)


def _write_script(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.ticketops-tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    mode = stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _tickets_subdir(hrepo: HookRepo, folder: Path) -> str:
    """The nearest folder at or above ``folder`` holding ``.tickets/`` (as ``load`` finds it),
    else ``folder`` itself (its tickets are not created yet)."""
    given = subdir_of(hrepo.git, folder)
    parts = given.split("/") if given else []
    for n in range(len(parts), -1, -1):
        candidate = "/".join(parts[:n])
        if (hrepo.workdir / candidate / ".tickets").is_dir():
            return candidate
    return given


def _set_tickets_path(hrepo: HookRepo, subdir: str) -> tuple[str, ...]:
    current = hrepo.config_value(TICKETS_PATH_KEY)
    if subdir and current != subdir:
        hrepo.git.config[TICKETS_PATH_KEY] = subdir
        return (f"set git config {TICKETS_PATH_KEY} {subdir} (the hooks read .tickets/ there)",)
    if not subdir and current is not None:
        del hrepo.git.config[TICKETS_PATH_KEY]
        return (f"removed git config {TICKETS_PATH_KEY} (.tickets/ is at the repository root)",)
    return ()


# ---- uninstall helpers -----------------------------------------------------------------


def _uninstall_one(folder: Path, hook: str) -> HookChange:
    path = folder / hook
    chained_path = folder / script.chained_name(hook)
    if not os.path.lexists(path):
        if os.path.lexists(chained_path):
            os.replace(chained_path, path)
            return HookChange(hook, path, "restored", f"from {chained_path.name}")
        return HookChange(hook, path, "absent", "nothing to remove")
    ours = _read_ours(path)
    if ours is None:
        return HookChange(hook, path, "left alone", "not written by ticketops")
    path.unlink()
    if ours.chained and os.path.lexists(folder / ours.chained):
        os.replace(folder / ours.chained, path)
        return HookChange(hook, path, "restored", f"the hook that was there before, from {ours.chained}")
    return HookChange(hook, path, "removed")
