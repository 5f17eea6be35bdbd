"""``ticketops completion bash|zsh|fish``: print the shell completion script."""

from __future__ import annotations

import argparse
import sys
from importlib import resources

NAME = "completion"
HELP = "print the shell completion script for bash, zsh or fish"
DESCRIPTION = (
    "Print the completion script for your shell. bash: `ticketops completion bash > "
    "~/.local/share/bash-completion/completions/ticketops`; zsh: `ticketops completion zsh > "
    "~/.zfunc/_ticketops` (with ~/.zfunc on $fpath); fish: `ticketops completion fish > "
    "~/.config/fish/completions/ticketops.fish`."
)
_FILES = {"bash": "ticketops.bash", "zsh": "_ticketops", "fish": "ticketops.fish"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("shell", choices=tuple(_FILES), help="the shell to complete in")


def run(args: argparse.Namespace) -> int:
    script = resources.files("ticketops.cli").joinpath("completions", _FILES[args.shell]).read_text(encoding="utf-8")
    sys.stdout.write(script)
    return 0
