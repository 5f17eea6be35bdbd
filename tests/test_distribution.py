"""Distribution without surprises: no template installs a name resolved on a public index, the
image is built from this repository's wheel with pinned dependencies, the action is pinned."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(p for p in (REPO / "deploy").rglob("*") if p.suffix in (".yml", ".yaml"))
SHA = re.compile(r"\b[0-9a-f]{40}\b")


def _installs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if re.search(r"\bpip\b.*\binstall\b", line)]


def test_there_are_templates_to_check() -> None:
    assert {p.name for p in TEMPLATES} >= {
        "azure-pipelines.yml",
        "ticketops-reconcile.yml",
        "cronjob.yaml",
        "deployment-every.yaml",
    }


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_template_installs_an_unpinned_name(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    yaml.safe_load(text)  # still valid YAML
    for line in _installs(text):
        # the only pip install left is of a local checkout of a commit, with its constraints
        assert " -c " in line and "constraints.txt" in line, f"{template.name}: {line}"
        assert not re.search(r"install[^\n]*[\"' ]ticketops[\"' ]*$", line), f"{template.name}: {line}"
    assert "TICKETOPS_PACKAGE" not in text and "ticketopsPackage" not in text


@pytest.mark.parametrize("template", [p for p in TEMPLATES if p.parent.name == "kubernetes"], ids=lambda p: p.name)
def test_kubernetes_runs_the_image_by_digest(template: Path) -> None:
    docs = yaml.safe_load(template.read_text(encoding="utf-8"))
    text = yaml.safe_dump(docs)
    images = re.findall(r"image: (\S+)", text)
    ours = [i for i in images if "ticketops" in i]
    assert ours and all("@sha256:" in i for i in ours), images
    assert not _installs(template.read_text(encoding="utf-8"))


def test_the_github_workflow_uses_the_action_pinned_by_commit() -> None:
    workflow = yaml.safe_load((REPO / "deploy/github/ticketops-reconcile.yml").read_text(encoding="utf-8"))
    uses = [s["uses"] for s in workflow["jobs"]["reconcile"]["steps"] if "ticketops" in s.get("uses", "")]
    assert uses and all(u.split("@")[1] == "REPLACE-WITH-THE-40-CHARACTER-COMMIT-SHA" for u in uses)


def test_the_azure_pipeline_refuses_anything_but_a_full_commit_sha(tmp_path: Path) -> None:
    pipeline = yaml.safe_load((REPO / "deploy/azure-pipelines.yml").read_text(encoding="utf-8"))
    (install,) = [s["script"] for s in pipeline["steps"] if "ticketopsCommit" in s.get("script", "")]
    guard = install.split("git init", 1)[0]  # the checks before anything is fetched

    def run(commit: str) -> int:
        script = guard.replace("$(ticketopsCommit)", commit)
        return subprocess.run(["sh", "-c", script], capture_output=True, text=True).returncode

    assert run("REPLACE-WITH-THE-40-CHARACTER-COMMIT-SHA") == 1
    assert run("main") == 1
    assert run("0123456") == 1  # a short sha could become ambiguous
    assert run("0123456789abcdef0123456789abcdef01234567") == 0


def test_the_action_installs_its_own_checkout_with_constraints() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert set(action["inputs"]) == {"command", "repo", "rev", "args"}
    assert set(action["outputs"]) == {"changes", "plan-json"}
    install = action["runs"]["steps"][0]["run"]
    assert '-c "$GITHUB_ACTION_PATH/constraints.txt" "$GITHUB_ACTION_PATH"' in install


def test_the_dockerfile_builds_the_wheel_and_installs_it_pinned(tmp_path: Path) -> None:
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert "pip wheel --no-deps" in text and "-c constraints.txt /dist/ticketops-*.whl" in text
    assert "USER 10001" in text and 'ENTRYPOINT ["ticketops"]' in text
    # The image's context builds: the same wheel command, offline, from this checkout.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("ticketops-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert "ticketops/cli/main.py" in names and "ticketops/cli/completions/ticketops.bash" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    with zipfile.ZipFile(wheel) as zf:
        assert "ticketops = ticketops.cli.main:entry" in zf.read(entry).decode()


def test_the_scheduled_azure_pipeline_publishes_the_board_as_an_artifact() -> None:
    """Issue 14: the scheduled run's board, one static HTML file, as an artifact of every run."""
    import yaml

    pipeline = yaml.safe_load((REPO / "deploy" / "azure-pipelines.yml").read_text(encoding="utf-8"))
    steps = pipeline["steps"]
    (export,) = [s for s in steps if "ticketops board" in s.get("script", "")]
    assert "--export" in export["script"] and "--rev HEAD" in export["script"]
    (publish,) = [s for s in steps if "publish" in s]
    assert publish["publish"].endswith("board.html") and publish["artifact"] == "ticketops-board"
    assert export.get("condition") == publish.get("condition") == "always()"
    installs = [s["script"] for s in steps if 'pip" install' in s.get("script", "")]
    assert installs and all("ticketops[board]" in s for s in installs)  # the export needs the board extra


def test_the_pr_templates_validate_and_plan_read_only_and_never_write() -> None:
    """Issue 15: a PR-validation pipeline and workflow run validate (annotations on the lines)
    and a read-only plan on PRs that change .tickets/; nothing in them writes to ADO."""
    import yaml

    azure = yaml.safe_load((REPO / "deploy" / "azure-pipelines-pr.yml").read_text(encoding="utf-8"))
    assert azure["trigger"] == "none" and azure["pr"]["paths"]["include"] == [".tickets/*"]
    scripts = " ".join(s.get("script", "") for s in azure["steps"])
    assert "ticketops validate" in scripts and "ticketops plan" in scripts and "--read-only" in scripts
    assert "-out" in scripts and any(s.get("artifact") == "ticketops-plan" for s in azure["steps"])
    github = yaml.safe_load((REPO / "deploy" / "github" / "ticketops-pr.yml").read_text(encoding="utf-8"))
    assert github[True]["pull_request"]["paths"] == [".tickets/**"]  # YAML 1.1 reads `on:` as True
    commands = [s["with"]["command"] for s in github["jobs"]["plan"]["steps"] if "with" in s and "command" in s["with"]]
    assert commands == ["validate", "plan"]
    plan_step = next(s for s in github["jobs"]["plan"]["steps"] if s.get("with", {}).get("command") == "plan")
    assert "--read-only" in plan_step["with"]["args"]
    for text in (scripts, str(github)):
        assert "reconcile" not in text and "ticketops apply " not in text.replace("ticketops apply ticketops.plan", "")
