"""CI annotations: each problem as a logging command the CI shows on the changed line of a PR.

- Azure Pipelines (``TF_BUILD`` set): ``##vso[task.logissue type=error;sourcepath=..;linenumber=..;
  columnnumber=..]message``. Escaping as azure-pipelines-task-lib's ``taskcommand`` does it:
  ``%`` -> ``%AZP25``, CR -> ``%0D``, LF -> ``%0A`` everywhere, and ``;`` -> ``%3B``,
  ``]`` -> ``%5D`` in property values. Format: https://learn.microsoft.com/azure/devops/pipelines/scripts/logging-commands
- GitHub Actions (``GITHUB_ACTIONS=true``): ``::error file=..,line=..,col=..::message``, escaped
  as @actions/core's ``command.ts``: ``%`` -> ``%25``, CR -> ``%0D``, LF -> ``%0A``, and ``:`` ->
  ``%3A``, ``,`` -> ``%2C`` in property values.
  Format: https://docs.github.com/actions/reference/workflow-commands-for-github-actions

Line or column 0 ("the whole file") is left out rather than sent as 0.
"""

from __future__ import annotations

from collections.abc import Mapping

from ticketops.model.errors import Problem


def ci_of(env: Mapping[str, str]) -> str | None:
    """``azure``, ``github`` or None (not in a CI that reads annotations)."""
    if env.get("TF_BUILD"):
        return "azure"
    if env.get("GITHUB_ACTIONS") == "true":
        return "github"
    return None


def annotation(problem: Problem, ci: str) -> str:
    if ci == "azure":
        return _azure(problem)
    if ci == "github":
        return _github(problem)
    raise ValueError(f"unknown CI {ci!r}")


def _azure(p: Problem) -> str:
    def data(text: str) -> str:
        return text.replace("%", "%AZP25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace("]", "%5D").replace(";", "%3B")

    props = ["type=error", f"sourcepath={prop(p.path)}"]
    props += [f"linenumber={p.line}"] * (p.line > 0) + [f"columnnumber={p.col}"] * (p.line > 0 and p.col > 0)
    return f"##vso[task.logissue {';'.join(props)};]{data(p.message)}"


def _github(p: Problem) -> str:
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    props = [f"file={prop(p.path)}"]
    props += [f"line={p.line}"] * (p.line > 0) + [f"col={p.col}"] * (p.line > 0 and p.col > 0)
    return f"::error {','.join(props)}::{data(p.message)}"
