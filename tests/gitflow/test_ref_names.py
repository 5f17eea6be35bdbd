"""Branch names are checked by ``validate`` with git's own rules, at the line of the setting to
change: a bad ``branch_template`` or ``default_branch`` in config.yaml, a ``branch:``/``base:``
such as ``-x`` in a ticket. Until now only reconcile blocked them, and for a bad
``default_branch`` it told people to fix ``base:`` in every ticket instead of config.yaml."""

from __future__ import annotations

import pytest
from gitkit import CONFIG, GitBoard, run, ticket

from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.gitlive import git_target
from ticketops.model.ticket import Ticket

CFG = ".tickets/config.yaml"
TEMPLATE_LINE = CONFIG.count("\n") + 1


@pytest.mark.parametrize(
    ("template", "rendered"),
    [
        ("feature/{key}..{slug}", "feature/PAY-1..some-title"),
        ("feature/{key} {slug}", "feature/PAY-1 some-title"),
        ("feature/{key}.lock", "feature/PAY-1.lock"),
        ("-{key}-{slug}", "-PAY-1-some-title"),
        ("feature//{key}", "feature//PAY-1"),
        ("feature/{key}/", "feature/PAY-1/"),
        (".hidden/{key}", ".hidden/PAY-1"),
    ],
)
def test_validate_refuses_a_bad_branch_template_at_its_line(tmp_path, emu, capsys, template, rendered) -> None:
    board = GitBoard(tmp_path / "b", emu, CONFIG + f'branch_template: "{template}"\n')
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress")})
    code, out, _ = run(capsys, "validate", "--repo", str(board.root))
    assert code == 1
    [line] = out.splitlines()
    assert line.startswith(
        f"{CFG}:{TEMPLATE_LINE}:1: branch_template '{template}' gives branch names that are not valid in git: "
        f"for PAY-1 it gives '{rendered}', which "
    )
    assert line.endswith("fix branch_template (the default is feature/{key}-{slug})")


@pytest.mark.parametrize("name", ["main branch", "-main", "main..x", "HEAD", "release/"])
def test_validate_refuses_a_bad_default_branch_at_its_line_in_config(tmp_path, emu, capsys, name) -> None:
    config = CONFIG.replace("    default_branch: main", f'    default_branch: "{name}"')
    board = GitBoard(tmp_path / "b", emu, config)
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress")})
    code, out, _ = run(capsys, "validate", "--repo", str(board.root))
    assert code == 1
    [line] = out.splitlines()
    row = config.splitlines().index(f'    default_branch: "{name}"') + 1
    assert line.startswith(f"{CFG}:{row}:5: repos.api.default_branch: '{name}' ")
    assert line.endswith("write the branch name as git shows it, e.g. main")


def test_reconcile_names_config_yaml_for_a_bad_default_branch_not_each_ticket(
    tmp_path, emu, server, token_env, capsys
) -> None:
    config = CONFIG.replace("    default_branch: main", '    default_branch: "main branch"')
    board = GitBoard(tmp_path / "b", emu, config)
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress"), "PAY-2.md": ticket("Refunds", "in-progress")})
    code, out, err = run(capsys, "reconcile", "--repo", str(board.root), "--org-url", server.url)
    assert code == 1
    row = config.splitlines().index('    default_branch: "main branch"') + 1
    assert f"{CFG}:{row}:5: repos.api.default_branch: 'main branch'" in out + err
    assert "base:" not in out + err
    assert emu.log.writes() == []


@pytest.mark.parametrize("field", ["branch", "base"])
@pytest.mark.parametrize("name", ["-x", "HEAD", "@", "a..b", "x.lock", "feature/x/"])
def test_validate_refuses_a_bad_ticket_branch_that_only_reconcile_caught(board: GitBoard, capsys, field, name) -> None:
    board.commit(
        {"PAY-1.md": ticket("Card vault", "in-progress", **{field: f'"{name}"'}), "PAY-2.md": ticket("Ok", "backlog")}
    )
    code, out, _ = run(capsys, "validate", "--repo", str(board.root))
    assert code == 1
    [line] = out.splitlines()
    assert line.startswith(f".tickets/PAY-1.md:4:1: {field}: '{name}' ")
    fix = "branch_template" if field == "branch" else "the repo's default_branch"
    assert line.endswith(f"; write a valid name, or remove `{field}:` to use {fix}")


def test_validate_refuses_an_empty_branch_instead_of_guessing(board: GitBoard, capsys) -> None:
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress", branch='""')})
    code, out, _ = run(capsys, "validate", "--repo", str(board.root))
    assert (code, out.splitlines()) == (
        1,
        [".tickets/PAY-1.md:4:1: branch is empty: remove the line to use the default, or write a branch name"],
    )


def test_the_reconciler_s_own_message_names_config_yaml_when_the_bad_name_comes_from_it() -> None:
    """Defence in depth (a config that bypassed validate): the fix is in config.yaml, not base:."""
    config = BoardConfig.model_validate(
        {
            "organization_url": "https://dev.azure.com/contoso",
            "project": "Payments",
            "repos": {"api": {"name": "payments-api", "default_branch": "main branch"}},
        }
    )
    state = DesiredState(config=config, tickets=(), commit=None)
    t = Ticket(key="PAY-1", title="Card vault", status="in-progress", path=".tickets/PAY-1.md", blob_id="0" * 40)
    message = str(git_target(state, t))
    assert "fix `default_branch:` of repos.api in config.yaml (the base of .tickets/PAY-1.md)" in message
    assert "`base:`" not in message
    bad_template = config.model_copy(update={"branch_template": "x y/{key}"})
    message = str(git_target(DesiredState(config=bad_template, tickets=(), commit=None), t))
    assert "fix branch_template in config.yaml (the branch of .tickets/PAY-1.md)" in message
