"""``ticketops repos``: the ADO project's repositories and the config aliases that point at them;
``ticketops repos link NAME`` adds one to config.yaml (comments and order kept)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass

from ticketops.ado import Repository
from ticketops.cli.common import add_json_arg, add_org_args
from ticketops.cli.connect import build_client
from ticketops.desired import load
from ticketops.desired.configedit import config_path, link_repo
from ticketops.model.config import BoardConfig
from ticketops.model.errors import ConfigError, ExitCode

NAME = "repos"
HELP = "list the ADO project's repositories and which config aliases point at them; `repos link NAME` adds one"
DESCRIPTION = (
    "Without an action: list the git repositories of the board's ADO project (through the REST API) "
    "with their default branch, and the aliases of config.yaml that point at each; an alias whose "
    "repository does not exist is reported (exit 1). `ticketops repos link NAME [--alias A] "
    "[--default-branch B]` adds repository NAME to `repos:` in .tickets/config.yaml on disk, keeping "
    "the file's comments and order (alias: derived from the name; default branch: the repository's). "
    "Tickets then pick it with `repo: ALIAS`. Commit the change to make it the desired state."
)


@dataclass(frozen=True)
class RepoRow:
    name: str
    default_branch: str
    aliases: list[str]
    exists: bool = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", choices=["link"], help="`link`: add repository NAME to config.yaml")
    p.add_argument("name", nargs="?", metavar="NAME", help="the ADO repository to link (with `link`)")
    p.add_argument("--alias", default=None, help="alias tickets use for it (`repo: ALIAS`); default: from the name")
    p.add_argument(
        "--default-branch",
        default=None,
        metavar="B",
        help="base branch of its ticket branches; default: the repository's default branch",
    )
    p.add_argument(
        "--repo",
        default=".",
        metavar="PATH",
        help="folder that holds .tickets/ (config.yaml is read from and written to disk; default: .)",
    )
    add_org_args(p)
    add_json_arg(p)


def rows(config: BoardConfig, repos: list[Repository]) -> list[RepoRow]:
    by_name = {r.name.lower(): r for r in repos}
    aliases: dict[str, list[str]] = {}
    for alias, link in sorted(config.repos.items()):
        aliases.setdefault(link.name.lower(), []).append(alias)
    out = [
        RepoRow(r.name, (r.default_branch or "").removeprefix("refs/heads/") or "-", aliases.get(r.name.lower(), []))
        for r in sorted(repos, key=lambda r: r.name.lower())
    ]
    out += [
        RepoRow(config.repos[a[0]].name, config.repos[a[0]].default_branch, a, exists=False)
        for name, a in sorted(aliases.items())
        if name not in by_name
    ]
    return out


def render(project: str, table: list[RepoRow]) -> str:
    if not table:
        return f"Project {project} has no git repositories.\n"
    width = max(len("repository"), *(len(r.name) for r in table))
    branch = max(len("default"), *(len(r.default_branch) for r in table))
    lines = [f"{'repository':<{width}}  {'default':<{branch}}  aliases"]
    for r in table:
        alias = ", ".join(r.aliases) or "-"
        missing = "   MISSING: not in the project; fix or remove this alias in config.yaml" if not r.exists else ""
        lines.append(f"{r.name:<{width}}  {r.default_branch:<{branch}}  {alias}{missing}".rstrip())
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    if args.action == "link":
        return _link(args)
    if args.name:
        raise ConfigError(f"unexpected {args.name!r}: to add a repository write `ticketops repos link {args.name}`")
    config = load(args.repo, worktree=True).config
    with build_client(config, args, write=False) as client:
        table = rows(config, client.list_repositories(config.project))
    if args.json:
        sys.stdout.write(json.dumps([asdict(r) for r in table], indent=2) + "\n")
    else:
        sys.stdout.write(render(config.project, table))
    return int(ExitCode.USER_ERROR if any(not r.exists for r in table) else ExitCode.OK)


def _link(args: argparse.Namespace) -> int:
    if not args.name:
        raise ConfigError("`ticketops repos link` needs the repository NAME (see `ticketops repos` for the list)")
    path = config_path(args.repo)
    config = load(args.repo, worktree=True).config
    with build_client(config, args, write=False) as client:
        repos = client.list_repositories(config.project)
    found = next((r for r in repos if r.name.lower() == args.name.lower()), None)
    if found is None:
        names = ", ".join(sorted(r.name for r in repos)) or "none"
        raise ConfigError(
            f"repository {args.name!r} does not exist in project {config.project!r} (its repositories: {names})"
        )
    branch = args.default_branch or (found.default_branch or "refs/heads/main").removeprefix("refs/heads/")
    result = link_repo(path, name=found.name, alias=args.alias, default_branch=branch)
    if args.json:
        sys.stdout.write(
            json.dumps({"alias": result.alias, "changed": result.changed, "message": result.message}) + "\n"
        )
    else:
        print(result.message)
    return int(ExitCode.OK)
