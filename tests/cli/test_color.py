"""Colour in plans: on a terminal only, never with --no-color or NO_COLOR."""

from __future__ import annotations

import argparse
import io

import pytest

from ticketops.cli.color import colorize, wanted

PLAN = (
    "Project Payments, work item type User Story, desired state from abc\n\n"
    '+ PAY-1      create User Story "Refunds"\n'
    "~ PAY-2      update #2 (rev 3), 1 drifted in ADO\n"
    '      title                  "a" -> "b"   ! drift (changed in ADO, put back)\n'
    "        -old line\n"
    "        +new line\n"
    "- PAY-3      prune #3\n\n"
    "Plan: 1 to create, 1 to update, 1 to prune; 0 in sync.\n"
)


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_marks_and_diff_lines_are_coloured_and_the_text_is_unchanged() -> None:
    out = colorize(PLAN)
    assert "\x1b[32m+ PAY-1" in out and "\x1b[33m~ PAY-2" in out and "\x1b[31m- PAY-3" in out
    assert "\x1b[35m! drift" in out
    assert "\x1b[31m        -old line" in out and "\x1b[32m        +new line" in out
    plain = out.replace("\x1b[0m", "")
    for code in ("\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[35m"):
        plain = plain.replace(code, "")
    assert plain == PLAN  # colour only: not a character of the plan changes


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    args = argparse.Namespace(no_color=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert wanted(args, Tty()) and not wanted(args, io.StringIO())
    assert not wanted(argparse.Namespace(no_color=True), Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not wanted(args, Tty())
