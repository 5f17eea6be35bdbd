"""The deploy/ templates are valid YAML and every `ticketops ...` command line in them is
accepted by the real command-line parser (so a renamed flag breaks this test, not a cluster)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from ticketops.cli.main import build_parser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEMPLATES = sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yml", ".yaml"))
# `ticketops <command> <args>` up to the end of the line or a shell separator.
COMMAND = re.compile(r"(?<![\w/-])ticketops\s+([a-z][a-z-]*)((?:[ \t]+[^\s&|;#]+)*)")


def commands(text: str) -> list[list[str]]:
    """Every ticketops command line of a template: in shell lines, as the args of a container
    running the ticketops image (its entrypoint is ticketops), and as a step of the ticketops
    action (which runs `ticketops COMMAND --repo REPO --rev REV ARGS`)."""
    found = _shell_commands(text)
    for doc in yaml.safe_load_all(text):
        found += _structured(doc)
    return found


def _structured(node: object) -> list[list[str]]:
    out: list[list[str]] = []
    if isinstance(node, dict):
        if "ticketops" in str(node.get("image", "")) and isinstance(node.get("args"), list):
            out.append([str(a) for a in node["args"]])
        if "/ticketops@" in str(node.get("uses", "")):
            w = node.get("with") or {}
            out.append(
                [
                    w.get("command", "plan"),
                    "--repo",
                    w.get("repo", "."),
                    "--rev",
                    w.get("rev", "HEAD"),
                    *shlex.split(w.get("args", "")),
                ]
            )
        for v in node.values():
            out += _structured(v)
    elif isinstance(node, list):
        for v in node:
            out += _structured(v)
    return out


def _shell_commands(text: str) -> list[list[str]]:
    found = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        if re.match(r"\s*-?\s*(name|displayName|group)\s*:", line):
            continue  # a title such as `name: ticketops reconcile`, not a command
        for m in COMMAND.finditer(line):
            found.append([m.group(1), *shlex.split(m.group(2))])
    return found


def test_there_are_templates_for_every_platform() -> None:
    names = {p.relative_to(DEPLOY).as_posix() for p in TEMPLATES}
    assert {
        "azure-pipelines.yml",
        "github/ticketops-reconcile.yml",
        "kubernetes/cronjob.yaml",
        "kubernetes/deployment-every.yaml",
    } <= names


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.relative_to(DEPLOY).as_posix())
def test_every_command_line_parses_with_the_real_cli(template: Path) -> None:
    text = template.read_text(encoding="utf-8")
    assert list(yaml.safe_load_all(text))  # valid YAML
    found = commands(text)
    if template.stem.endswith("-pr"):  # PR checks never write: validate and a read-only plan
        assert {argv[0] for argv in found} == {"validate", "plan"}, found
        assert all("--read-only" in argv for argv in found if argv[0] == "plan")
    else:
        assert any(argv[0] == "reconcile" for argv in found), f"{template.name} runs no reconcile"
    parser = build_parser()
    for argv in found:
        try:
            args = parser.parse_args(argv)
        except SystemExit as e:  # argparse refused it: the template is out of date
            pytest.fail(f"{template.name}: `ticketops {' '.join(argv)}` is refused by the CLI (exit {e.code})")
        assert args.command == argv[0]
        if argv[0] == "reconcile":
            assert args.rev == "HEAD"  # the committed state, never a working tree


def test_the_long_running_template_uses_the_interval_loop() -> None:
    found = commands((DEPLOY / "kubernetes" / "deployment-every.yaml").read_text(encoding="utf-8"))
    args = build_parser().parse_args(next(a for a in found if a[0] == "reconcile"))
    assert args.every == 300 and args.full_every == 12 and args.jitter == "10%"
