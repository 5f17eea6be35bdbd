"""The text of a new ``.tickets/config.yaml``, every line commented (``ticketops init``). Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from ticketops.desired.authoring import scalar
from ticketops.desired.configfile import parse_config
from ticketops.model.config import DEFAULT_STATUSES, DEFAULT_WORK_ITEM_TYPE, Process, Status
from ticketops.model.errors import ValidationFailed

# ADO state categories (Microsoft docs, "How workflow category states are used") in workflow order.
_CATEGORY_ORDER = ("Proposed", "InProgress", "Resolved", "Completed")


@dataclass(frozen=True)
class Scaffold:
    organization_url: str
    project: str
    process: Process = Process.AGILE
    work_item_type: str | None = None
    statuses: tuple[Status, ...] | None = None  # None: the process's defaults
    repo_alias: str | None = None
    repo_name: str | None = None
    default_branch: str = "main"
    notes: tuple[str, ...] = field(default=())  # where the values came from, as comments


def statuses_from_states(states: list[tuple[str, str | None]]) -> tuple[Status, ...] | None:
    """A workflow from a type's ``(state, category)`` pairs, for a process whose states are not a
    template's: one status per state in category order, start/review/done on the first
    InProgress, the first Resolved (else the last InProgress) and the first Completed state.
    None when the states cannot carry a workflow (no InProgress or no Completed state)."""
    ordered = sorted(
        ((n, c) for n, c in states if c in _CATEGORY_ORDER), key=lambda s: _CATEGORY_ORDER.index(s[1] or "")
    )
    cats = [c for _, c in ordered]
    if "InProgress" not in cats or "Completed" not in cats:
        return None
    start = cats.index("InProgress")
    review = cats.index("Resolved") if "Resolved" in cats else len(cats) - 1 - cats[::-1].index("InProgress")
    done = cats.index("Completed")
    out = []
    for i, (name, _cat) in enumerate(ordered):
        slug = "-".join(name.lower().split())
        out.append(
            Status(
                name=slug if slug[:1].isalpha() else f"s-{slug}",
                state=name,
                start=i == start,
                review=i == review,
                done=i == done,
            )
        )
    return tuple(out)


def config_text(s: Scaffold) -> str:
    """The config file, validated: a scaffold that would not load is a bug, not a file."""
    lines = [
        "# Board settings for ticketops (written by `ticketops init`). Git is the source of truth: tickets",
        "# are .tickets/KEY.md files, and ticketops makes Azure DevOps mirror them (`ticketops --help`).",
        *(f"# {n}" for n in s.notes),
        "",
        "# The organization: https://dev.azure.com/ORG (Services) or https://HOST/tfs/COLLECTION (Server).",
        f"organization_url: {s.organization_url}",
        "",
        "# The project the work items, repositories and pull requests live in.",
        f"project: {_q(s.project)}",
        "",
        "# The project's process template (agile, scrum, basic or cmmi): it picks the defaults below.",
        f"process: {s.process.value}",
        "",
        "# The work item type each ticket becomes (a ticket can say `type: Bug`).",
        f"work_item_type: {_q(s.work_item_type or DEFAULT_WORK_ITEM_TYPE[s.process])}",
        "",
        "# The workflow, in order: each status maps to an ADO state. Exactly one status has",
        "#   start: true   from here on the ticket has a feature branch,",
        "#   review: true  from here on a pull request is open for it,",
        "#   done: true    the work is finished.",
        "statuses:",
    ]
    for st in s.statuses or DEFAULT_STATUSES[s.process]:
        marks = [m for m in ("start", "review", "done") if getattr(st, m)]
        lines.append(f"  - name: {st.name}  # a ticket says `status: {st.name}`")
        lines.append(f"    state: {_q(st.state)}  # the ADO state it mirrors")
        lines.extend(f"    {m}: true" for m in marks)
    if s.repo_alias and s.repo_name:
        lines += [
            "",
            "# The ADO git repositories tickets work in, by alias (a ticket says `repo: ALIAS`).",
            "repos:",
            f"  {s.repo_alias}:  # the alias tickets use",
            f"    name: {_q(s.repo_name)}  # the repository's name in ADO",
            f"    default_branch: {s.default_branch}  # feature branches start here, PRs merge here",
            "",
            "# The repository a ticket works in when it names none.",
            f"default_repo: {s.repo_alias}",
        ]
    else:
        lines += [
            "",
            "# The ADO git repositories tickets work in, by alias: add them with `ticketops repos link NAME`.",
            "repos: {}",
        ]
    lines += [
        "",
        "# The feature branch of each ticket: {key} is its key, {slug} comes from its title.",
        "branch_template: feature/{key}-{slug}",
        "",
        "# Where the token comes from: never put the token itself in this file.",
        "auth:",
        "  mode: pat  # pat, bearer (a token from Azure Pipelines) or entra (Microsoft Entra ID)",
        "  token_env: AZURE_DEVOPS_EXT_PAT  # the environment variable that holds it",
        "",
        "# What a push to the tracked branch does in CI: `plan` only reports, `apply` reconciles.",
        "on_push: plan",
    ]
    text = "\n".join(lines) + "\n"
    config, problems = parse_config(".tickets/config.yaml", text.encode("utf-8"))
    if config is None:
        raise ValidationFailed(problems)
    return text


def _q(value: str) -> str:
    return scalar(value)
