"""``ticketops init``: scaffold ``.tickets/config.yaml`` from the git remote and the ADO project."""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

from ticketops.cli.output import add_output_args, emit
from ticketops.desired.gitfacts import ado_remote, default_branch
from ticketops.desired.scaffold import Scaffold, config_text, statuses_from_states
from ticketops.model.config import DEFAULT_STATUSES, DEFAULT_WORK_ITEM_TYPE, AuthSettings, Process
from ticketops.model.errors import ConfigError, TicketopsError

NAME = "init"
HELP = "scaffold .tickets/config.yaml (organization and project from the git remote; process and states from ADO)"
DESCRIPTION = (
    "Write a commented .tickets/config.yaml. The organization and project come from --org-url and "
    "--project, else from a git remote in Azure DevOps (dev.azure.com/ORG/PROJECT/_git/REPO, the "
    "ssh and visualstudio.com forms, or Azure DevOps Server), else from "
    "AZURE_DEVOPS_EXT_DEFAULTS_ORGANIZATION and AZURE_DEVOPS_EXT_DEFAULTS_PROJECT (as the az CLI "
    "reads them). When Azure DevOps is reachable with the token in AZURE_DEVOPS_EXT_PAT, the "
    "project's process and its work item type's states are read from it. An existing config.yaml "
    "is never overwritten. Nothing is committed and nothing is written to Azure DevOps."
)
ENV_ORG = "AZURE_DEVOPS_EXT_DEFAULTS_ORGANIZATION"
ENV_PROJECT = "AZURE_DEVOPS_EXT_DEFAULTS_PROJECT"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--repo", default=".", metavar="PATH", help="folder to create .tickets/ in (default: .)")
    p.add_argument(
        "--org-url", default=None, metavar="URL", help="the organization URL, e.g. https://dev.azure.com/contoso"
    )
    p.add_argument("--project", default=None, help="the ADO project")
    p.add_argument(
        "--process",
        default=None,
        choices=[p.value for p in Process],
        help="use this process template (ADO is not asked)",
    )
    p.add_argument(
        "--offline", action="store_true", help="do not contact Azure DevOps (process: --process, else agile)"
    )
    add_output_args(p)


def run(args: argparse.Namespace) -> int:
    from ticketops.desired.configedit import default_alias
    from ticketops.desired.source import open_repository

    folder = Path(args.repo) / ".tickets"
    target = folder / "config.yaml"
    if target.exists():
        raise ConfigError(f"{target} exists already; ticketops init never overwrites it (edit it, or remove it first)")
    repo = open_repository(args.repo)
    remote, remote_name = ado_remote(repo)
    org_url, org_from = _first(
        (args.org_url, "--org-url"),
        (remote.organization_url if remote else None, remote_name),
        (os.environ.get(ENV_ORG), ENV_ORG),
    )
    project, project_from = _first(
        (args.project, "--project"),
        (remote.project if remote else None, remote_name),
        (os.environ.get(ENV_PROJECT), ENV_PROJECT),
    )
    if not org_url or not project:
        what, var, flag = (
            ("organization", ENV_ORG, "--org-url") if not org_url else ("project", ENV_PROJECT, "--project")
        )
        raise ConfigError(
            f"cannot tell the Azure DevOps {what}: no git remote of this repository is in Azure DevOps and "
            f"{var} is not set; pass {flag}"
        )
    org_url = org_url.rstrip("/")
    notes = [f"organization_url from {org_from}, project from {project_from}."]
    found = Scaffold(organization_url=org_url, project=project)
    if remote is not None and (remote.organization_url, remote.project) == (org_url, project):
        found = dataclasses.replace(
            found,
            repo_alias=default_alias(remote.repository),
            repo_name=remote.repository,
            default_branch=default_branch(repo),
        )
    if args.process:
        found = dataclasses.replace(found, process=Process(args.process))
        notes.append(f"process from --process {args.process}.")
    elif args.offline:
        notes.append("process not read from ADO (--offline): agile assumed; check `process:` and `statuses:`.")
    else:
        found, note = _from_ado(found)
        notes.append(note)
    text = config_text(dataclasses.replace(found, notes=tuple(notes)))
    folder.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as f:
        f.write(text)
    emit(
        args,
        {
            "path": str(target),
            "organization_url": org_url,
            "project": project,
            "process": found.process.value,
            "notes": notes,
        },
        lambda: (
            f"Wrote {target}\n"
            + "".join(f"  {n}\n" for n in notes)
            + f'Next: `ticketops new "First ticket" --prefix {_prefix(project)}`, then `ticketops validate --worktree`.\n'
        ),
    )
    return 0


def _prefix(project: str) -> str:
    """A key prefix to suggest: the project's first letters (``Payments`` -> ``PAY``)."""
    letters = "".join(c for c in project.upper() if "A" <= c <= "Z")
    return letters[:3] or "KEY"


def _first(*candidates: tuple[str | None, str]) -> tuple[str | None, str]:
    """The first value given, with where it came from."""
    for value, source in candidates:
        if value:
            return value, source
    return None, ""


def _from_ado(s: Scaffold) -> tuple[Scaffold, str]:
    """The process and, when the project's states are not its template's, statuses from those
    states. Unreachable ADO (no token, no network) is a note in the file, not an error."""
    from ticketops.ado import AdoClient, resolve_auth

    try:
        auth, _info = resolve_auth(AuthSettings(), os.environ)
        # TICKETOPS_ORG_URL redirects where every command connects (the emulator, a proxy); the
        # file still names the organization itself.
        url = os.environ.get("TICKETOPS_ORG_URL") or s.organization_url
        with AdoClient(url, auth, read_only=True) as client:
            project = client.get_project(s.project, capabilities=True)
            template = project.capabilities.process_template if project.capabilities else None
            name = (template.template_name or "") if template else ""
            process = next((p for p in Process if p.value == name.lower()), None)
            kind = DEFAULT_WORK_ITEM_TYPE[process or Process.AGILE]
            types = {t.name for t in client.list_work_item_types(project.name)}
            if kind not in types:
                return (
                    s,
                    f"process {name!r} read from ADO, but it has no {kind!r} type: set `process:`, `work_item_type:` and `statuses:`.",
                )
            states = [(st.name, st.category) for st in client.get_work_item_type_states(project.name, kind)]
    except TicketopsError as e:
        first = str(e).splitlines()[0]
        return s, f"process not read from ADO ({first}): agile assumed; check `process:` and `statuses:`."
    names = {n.lower() for n, _ in states}
    if process is not None and all(st.state.lower() in names for st in DEFAULT_STATUSES[process]):
        return dataclasses.replace(s, process=process), f"process {process.value} read from ADO."
    statuses = statuses_from_states(states)
    note = f"process {name!r} read from ADO; statuses from the states of {kind!r}: check their names."
    return dataclasses.replace(s, process=process or Process.AGILE, work_item_type=kind, statuses=statuses), note
