"""The fast front-matter reader must never disagree with YAML: for every input it either gives
exactly what PyYAML's safe loader gives, or declines (None) so the full parser runs."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from ticketops.desired.fastyaml import parse_simple
from ticketops.desired.ticketfile import split_front_matter

EXAMPLE = Path(__file__).resolve().parents[2] / "example-repo" / ".tickets"

VALUES = [
    "Fix it",
    "Fix: it",
    "Fix:it",
    "a #b",
    "a#b",
    "C#",
    "-x",
    "- x",
    "x:",
    "'quoted'",
    '"dq"',
    "yes",
    "Yes please",
    "no",
    "No",
    "on",
    "off",
    "~",
    "null",
    "Null",
    "true",
    "2",
    "02",
    "0o7",
    "0x1f",
    "1_000",
    "1.5",
    ".inf",
    "1e3",
    "+1",
    "-1",
    "2024-01-01",
    "12:30",
    "bob@contoso.com",
    "@bob",
    "`x`",
    "%x",
    "!tag x",
    "&a x",
    "*a",
    "|",
    ">",
    "[a, b]",
    "[a,b]",
    "[]",
    "[a, [b]]",
    "[a: b]",
    "[a, b,]",
    "[ a , b ]",
    "[yes, 2]",
    "[a:b]",
    "{a: b}",
    "?x",
    "x ?",
    "a  b",
    "café",
    "日本語",
    "tab\there",
    "=",
    "<<",
    "[a #b]",
    "a\u2028b",
    "a\x85b",
    "\ufeffx",
    "x \\ y",
    "50%",
]


@pytest.mark.parametrize("value", VALUES)
def test_a_value_either_matches_yaml_or_falls_back(value: str) -> None:
    for text in (f"title: {value}\n", f"tags:\n  - {value}\n", f"tags:\n- {value}\nstatus: x\n"):
        _agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "# just a comment\n",
        "title: A\nstatus: backlog\n",
        "title: A\r\nstatus: backlog\r\n",
        "title: A\rstatus: b\n",
        "title: A\ntitle: B\n",
        "tags:\nstatus: x\n",
        "tags:\n",
        "tags:\n  - a\n    - b\n",
        "tags:\n  - a\n  - b\n",
        "  title: A\n",
        "title: A\n  continued\n",
        "title:A\n",
        "title:\tA\n",
        "yes: 1\n",
        "null: 1\n",
        "on: x\n",
        "- a\n- b\n",
        "title: A   \n",
        "title: A # comment\n",
        "  # indented comment\ntitle: A\n",
        "a:\n  b: c\n",
        "reviewers: []\n",
        "reviewers: [ ]\n",
        "key: PAY-1\npriority: 3\n",
    ],
)
def test_documents_either_match_yaml_or_fall_back(text: str) -> None:
    _agrees(text)


def test_combinations_of_two_lines() -> None:
    lines = ["title: A", "tags:", "  - x", "- y", "status: in-progress", "# c", "", "priority: 2", "tags: [a, b]"]
    for a, b in itertools.product(lines, repeat=2):
        _agrees(f"{a}\n{b}\n")


def test_the_example_tickets_take_the_fast_path() -> None:
    for path in sorted(EXAMPLE.glob("*.md")):
        fm, _ = split_front_matter(path.name, path.read_text(encoding="utf-8"))
        fast = parse_simple(fm)
        assert fast is not None, path.name
        assert fast == yaml.safe_load(fm)


def _agrees(text: str) -> None:
    fast = parse_simple(text)
    if fast is None:
        return
    try:
        slow = yaml.safe_load(text)
    except yaml.YAMLError:
        pytest.fail(f"fast path accepted what YAML rejects: {text!r} -> {fast!r}")
    assert repr(fast) == repr(slow if slow is not None else {}), text  # repr: 1 and True differ


def test_the_fast_path_is_taken_for_plain_front_matter() -> None:
    text = "title: Fix it\nstatus: in-progress\npriority: 2\nreviewers: [bob@contoso.com]\ntags:\n  - a\n  - C#\n"
    assert parse_simple(text) == {
        "title": "Fix it",
        "status": "in-progress",
        "priority": 2,
        "reviewers": ["bob@contoso.com"],
        "tags": ["a", "C#"],
    }
