"""Generate the shell completion scripts shipped in ``cli/completions/`` (``make completions``).

bash and zsh come from shtab, which reads the argparse parser as it is; fish (which shtab does not
write) from the same parser here. The scripts are generated at development time and shipped as
files, so ``ticketops completion SHELL`` only prints a file: hooks and shells pay nothing for it.
``tests/cli/test_completion.py`` fails when a shipped script no longer matches the parser.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

SHELLS = ("bash", "zsh", "fish")
FOLDER = Path(__file__).resolve().parent / "completions"
FILES = {"bash": "ticketops.bash", "zsh": "_ticketops", "fish": "ticketops.fish"}


def generate(shell: str) -> str:
    from ticketops.cli.main import build_parser

    parser = build_parser()
    if shell == "fish":
        return _fish(parser)
    import shtab

    return str(shtab.complete(parser, shell=shell))


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps sub-commands only here
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _fish(parser: argparse.ArgumentParser) -> str:
    lines = ["# fish completion for ticketops, generated from its argument parser (make completions)"]
    commands = _subparsers(parser)
    names = " ".join(commands)
    lines.append(
        f"complete -c ticketops -f -n 'not __fish_seen_subcommand_from {names}' -l version -d 'show the version'"
    )
    for name, sub in commands.items():
        lines.append(
            f"complete -c ticketops -f -n 'not __fish_seen_subcommand_from {names}' -a {name} -d {shlex.quote((sub.description or '').split('. ')[0][:100])}"
        )
        for action in sub._actions:
            for opt in action.option_strings:
                flag = f"-l {opt[2:]}" if opt.startswith("--") else f"-s {opt[1:]}"
                choices = f" -xa {shlex.quote(' '.join(map(str, action.choices)))}" if action.choices else ""
                needs = " -r" if action.nargs != 0 and not choices else ""
                desc = shlex.quote((action.help or "").split(";")[0][:80])
                lines.append(
                    f"complete -c ticketops -n '__fish_seen_subcommand_from {name}' {flag}{choices}{needs} -d {desc}"
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    """``--write`` regenerates the shipped files; ``--check`` exits 1 when one is stale."""
    stale = (
        [s for s in SHELLS if (FOLDER / FILES[s]).read_text(encoding="utf-8") != generate(s)]
        if "--check" in argv
        else []
    )
    if "--write" in argv:
        FOLDER.mkdir(exist_ok=True)
        for shell in SHELLS:
            (FOLDER / FILES[shell]).write_text(generate(shell), encoding="utf-8")
    for shell in stale:
        print(f"{FOLDER / FILES[shell]} is stale: run `make completions`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
