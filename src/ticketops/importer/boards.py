"""Where each project's tickets go.

A board mirrors one project (its ``config.yaml`` names it), so tickets of different projects
never share a folder:

* the config's project is imported into the board itself (``.tickets/``);
* any other project ``P`` is imported into its own board next to it,
  ``projects/<slug of P>/.tickets/`` (relative to the folder that holds ``.tickets/``), with a
  ``config.yaml`` made from the main one (same organisation, auth and key prefix; project ``P``;
  the process read from P's work item types). Reconcile it with ``--repo projects/<slug>``.
  An existing ``config.yaml`` there is used as it is, but must name project ``P``.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from ticketops.ado import AdoClient
from ticketops.desired import CONFIG_NAME, TICKETS_DIR, load, parse_config
from ticketops.desired.source import open_repository
from ticketops.model.config import DEFAULT_TOKEN_ENV, BoardConfig, Process
from ticketops.model.errors import ConfigError, TicketopsError, ValidationFailed
from ticketops.model.ticket import slugify

SUB_BOARDS_DIR = "projects"
# Process templates by the requirement type only they have (Agile also has Issue: test it first).
_PROCESS_BY_TYPE = (
    ("Product Backlog Item", Process.SCRUM),
    ("Requirement", Process.CMMI),
    ("User Story", Process.AGILE),
    ("Issue", Process.BASIC),
)


@dataclass(frozen=True)
class BoardTarget:
    project: str  # the project's name as ADO spells it
    config: BoardConfig
    root: Path  # the git working tree
    tickets_dir: str  # relative to ``root``, posix
    new_config: bytes | None = None  # config.yaml to create (a new board), else None

    @property
    def folder(self) -> Path:
        return self.root / self.tickets_dir

    def rel(self, name: str) -> str:
        return posixpath.join(self.tickets_dir, name)


def main_board(repo: str) -> BoardTarget:
    """The board named by ``--repo``: its config (from the files on disk) and folders."""
    repository = open_repository(repo)
    if repository.is_bare or repository.workdir is None:
        raise TicketopsError(f"{repo}: import writes ticket files into a working tree, not a bare repository")
    desired = load(repo, worktree=True)
    return BoardTarget(desired.config.project, desired.config, Path(repository.workdir), desired.tickets_dir)


def select_projects(client: AdoClient, config: BoardConfig, wanted: tuple[str, ...]) -> list[str]:
    """The projects to import, spelled as ADO does: ``wanted`` (each must exist), or every
    project of the organisation, the board's own first."""
    real = sorted((p.name for p in client.list_projects()), key=str.lower)
    by_lower = {name.lower(): name for name in real}
    if not wanted:
        own = by_lower.get(config.project.lower())
        if own is None:
            raise TicketopsError(
                f"the board's project {config.project!r} (config.yaml) does not exist in {client.org_url}; "
                f"its projects are: {', '.join(real) or '(none visible to this token)'}"
            )
        return [own] + [n for n in real if n != own]
    missing = [w for w in wanted if w.strip().lower() not in by_lower]
    if missing:
        raise TicketopsError(
            f"project {', '.join(repr(m) for m in missing)} does not exist in {client.org_url}; "
            f"its projects are: {', '.join(real) or '(none visible to this token)'}"
        )
    out: list[str] = []
    for w in wanted:
        name = by_lower[w.strip().lower()]
        if name not in out:
            out.append(name)
    return out


def target_for(project: str, main: BoardTarget, client: AdoClient) -> BoardTarget:
    if project.lower() == main.config.project.lower():
        return main
    base = posixpath.dirname(main.tickets_dir)
    tickets_dir = posixpath.join(base, SUB_BOARDS_DIR, slugify(project, max_len=60), TICKETS_DIR)
    path = main.root / tickets_dir / CONFIG_NAME
    if path.exists():
        return _existing(project, main, tickets_dir, path)
    text = _config_text(project, main.config, _process(client, project))
    config, problems = parse_config(posixpath.join(tickets_dir, CONFIG_NAME), text)
    if config is None:  # pragma: no cover - the text is built from a valid config
        raise ValidationFailed(problems)
    return BoardTarget(project, config, main.root, tickets_dir, new_config=text)


def _existing(project: str, main: BoardTarget, tickets_dir: str, path: Path) -> BoardTarget:
    config, problems = parse_config(posixpath.join(tickets_dir, CONFIG_NAME), path.read_bytes())
    if config is None:
        raise ValidationFailed(problems)
    if config.project.lower() != project.lower():
        raise ConfigError(
            f"{tickets_dir}/{CONFIG_NAME} is the board of project {config.project!r}, not {project!r}; "
            "move it, or import that project with --project into a board of its own"
        )
    return BoardTarget(project, config, main.root, tickets_dir)


def _process(client: AdoClient, project: str) -> Process:
    types = {t.name.lower() for t in client.list_work_item_types(project)}
    for name, process in _PROCESS_BY_TYPE:
        if name.lower() in types:
            return process
    raise ConfigError(
        f"cannot tell the process of project {project!r} (none of its work item types is one of "
        f"{', '.join(n for n, _ in _PROCESS_BY_TYPE)}); create its board's config.yaml by hand under "
        f"{SUB_BOARDS_DIR}/{slugify(project, max_len=60)}/{TICKETS_DIR}/ with `work_item_type:` and `statuses:`"
    )


def _config_text(project: str, main: BoardConfig, process: Process) -> bytes:
    lines = [
        f"# The board of Azure DevOps project {project}, created by `ticketops import`.",
        "# Reconcile it with: ticketops plan --repo <this folder's parent>",
        f"organization_url: {main.organization_url}",
        f"project: {_yaml_str(project)}",
        f"process: {process.value}",
    ]
    if main.auth.mode != "pat" or main.auth.token_env != DEFAULT_TOKEN_ENV:
        lines += ["auth:", f"  mode: {main.auth.mode}", f"  token_env: {main.auth.token_env}"]
    if main.read_only:
        lines.append("read_only: true")
    if main.import_.key_prefix != "ADO":
        lines += ["import:", f"  key_prefix: {main.import_.key_prefix}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _yaml_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
