"""Checks of ``config.yaml`` that the schema cannot make: branch names, and settings that
contradict each other. Each problem is at the line of the setting to change, in config.yaml.

* ``branch_template``: what it renders must be a valid git branch name, outside ``ticketops/``.
* ``repos.<alias>.default_branch`` and ``tracked_branch``: valid git branch names, outside
  ``ticketops/``.
* ``read_only: true`` with ``on_push: apply``: the pre-push hook would reconcile on every push
  to the tracked branch, and read-only mode refuses every write, so every such push is blocked.
"""

from __future__ import annotations

from typing import Any

from ticketops.desired import branchrules
from ticketops.desired.yamldoc import YamlDoc
from ticketops.model.errors import Problem


def check(doc: YamlDoc, data: dict[str, Any]) -> list[Problem]:
    """The problems of these rules in the (already parsed) config mapping ``data``."""
    out: list[Problem] = []
    template = data.get("branch_template")
    if isinstance(template, str) and _placeholders_ok(template):
        message = branchrules.template_problem(template)
        if message is not None:
            out.append(doc.problem(doc.node_at(("branch_template",)), message))
    repos = data.get("repos")
    if isinstance(repos, dict):
        for alias, link in repos.items():
            branch = link.get("default_branch") if isinstance(link, dict) else None
            if isinstance(branch, str):
                loc = ("repos", str(alias), "default_branch")
                out.extend(_branch(doc, loc, f"repos.{alias}.default_branch", branch))
    tracked = data.get("tracked_branch")
    if isinstance(tracked, str):
        out.extend(_branch(doc, ("tracked_branch",), "tracked_branch", tracked))
    if data.get("read_only") is True and data.get("on_push") == "apply":
        out.append(
            doc.problem(
                doc.node_at(("on_push",)),
                "on_push: apply contradicts read_only: true: the pre-push hook would reconcile ADO on every "
                "push to the tracked branch, and read-only mode refuses every write, so each such push "
                "would be blocked; set on_push: plan (the hook then only shows the plan), or remove read_only",
            )
        )
    return out


def _placeholders_ok(template: str) -> bool:
    """Only ``{key}`` and ``{slug}`` (other braces are reported by the config model)."""
    stripped = template.replace("{key}", "").replace("{slug}", "")
    return "{" not in stripped and "}" not in stripped


def _branch(doc: YamlDoc, loc: tuple[str, ...], what: str, name: str) -> list[Problem]:
    message = branchrules.name_problem(what, name)
    if message is None:
        return []
    invalid = branchrules.invalid_reason(name.removeprefix("refs/heads/")) is not None
    fix = "; write the branch name as git shows it, e.g. main" if invalid else ""
    return [doc.problem(doc.node_at(loc), f"{message}{fix}")]
