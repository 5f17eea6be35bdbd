"""YAML alias bombs: a few hundred bytes of nested aliases (``*a``) expand to millions of values.
They are refused at the first alias, at its line, before anything is built; the other tickets
still load, and a bomb in config.yaml is a clear error (exit 1), never a hang or a MemoryError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ticketops.desired import check, parse_config

GUARD_S = 120  # a guard against a hang only; the refusal itself takes milliseconds


def bomb(levels: int = 8, width: int = 9, key: str = "title") -> str:
    """``levels`` anchors, each a list of ``width`` aliases of the one before: width**levels values
    (about 440 bytes by default, 43 million values: the issue's MemoryError)."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines) + f"\n{key}: *a{levels - 1}\n"


def validate(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ticketops", "validate", "--repo", str(repo)],
        capture_output=True,
        text=True,
        timeout=GUARD_S,
    )


def test_alias_bomb_in_a_ticket_is_refused_at_its_line_and_the_others_stay_valid(make_board, ticket) -> None:
    text = "---\n" + bomb() + "status: backlog\n---\nbody\n"
    repo = make_board({".tickets/PAY-1.md": ticket("Fine"), ".tickets/PAY-2.md": text, ".tickets/PAY-3.md": ticket()})

    done = validate(Path(repo.workdir))

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    # line 3 of the file is `a1: &a1 [*a0, ...`: the first alias, at column 10
    assert (
        ".tickets/PAY-2.md:3:10: YAML aliases are not supported: '*a0' repeats the value anchored as '&a0' on line 2"
        in (done.stdout + done.stderr)
    )
    state, problems = check(Path(repo.workdir))
    assert state is not None
    assert sorted(t.key for t in state.tickets) == ["PAY-1", "PAY-3"]
    assert [p.path for p in problems] == [".tickets/PAY-2.md"]


def test_alias_bomb_in_config_is_a_clear_error_not_a_crash(make_board, ticket) -> None:
    config = "organization_url: https://dev.azure.com/contoso\nproject: Payments\n" + bomb(key="x_extra")
    repo = make_board({".tickets/PAY-1.md": ticket()}, config=config)

    done = validate(Path(repo.workdir))

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert ".tickets/config.yaml:4:10: YAML aliases are not supported: '*a0'" in done.stdout + done.stderr


def test_one_harmless_alias_is_refused_too_with_its_anchor_line() -> None:
    text = "organization_url: &u https://dev.azure.com/contoso\nproject: Payments\nprocess: *u\n"
    config, problems = parse_config(".tickets/config.yaml", text.encode())
    assert config is None
    assert [str(p) for p in problems] == [
        ".tickets/config.yaml:3:10: YAML aliases are not supported: '*u' repeats the value anchored as '&u' "
        "on line 1; write the value out in full and remove the '&' anchor and the '*' aliases"
    ]


def test_an_anchor_without_an_alias_and_a_star_in_text_are_fine(make_board) -> None:
    text = "---\ntitle: Fix *bold* & co\nstatus: backlog\ntags: [a*b]\n---\n"
    repo = make_board({".tickets/PAY-1.md": text})
    state, problems = check(Path(repo.workdir))
    assert problems == ()
    assert state is not None and state.tickets[0].title == "Fix *bold* & co"
