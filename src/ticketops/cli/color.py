"""Colour for plans on a terminal: ``+`` green, ``~`` yellow, ``-`` and ``x`` red, ``!`` and
``! drift`` magenta, ``?`` and ``=`` dim; diff lines green/red. Off when the output is not a
terminal, with ``--no-color``, or when ``NO_COLOR`` is set (https://no-color.org)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

RESET = "\x1b[0m"
MARKS = {
    "+ ": "\x1b[32m",
    "~ ": "\x1b[33m",
    "- ": "\x1b[31m",
    "x ": "\x1b[31m",
    "! ": "\x1b[35m",
    "? ": "\x1b[2m",
    "= ": "\x1b[2m",
}
DIFF = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m"}
DRIFT = "! drift"


def add_color_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-color", action="store_true", help="no colour, even on a terminal (as NO_COLOR does)")


def wanted(args: argparse.Namespace, stream: TextIO | None = None) -> bool:
    out = stream if stream is not None else sys.stdout
    return out.isatty() and not os.environ.get("NO_COLOR") and not getattr(args, "no_color", False)


def colorize(text: str) -> str:
    """The plan text with ANSI colours (each line coloured by its mark; a diff line by its sign)."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        end = line[len(body) :]
        mark = MARKS.get(body[:2])
        stripped = body.lstrip(" ")
        if mark is not None:
            out.append(f"{mark}{body}{RESET}{end}")
        elif body.startswith("        ") and stripped[:1] in DIFF and not stripped.startswith(("---", "+++")):
            out.append(f"{DIFF[stripped[0]]}{body}{RESET}{end}")
        elif DRIFT in body:
            i = body.index(DRIFT)
            out.append(f"{body[:i]}\x1b[35m{body[i:]}{RESET}{end}")
        else:
            out.append(line)
    return "".join(out)
