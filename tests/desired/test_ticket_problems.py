"""Bad ticket files: each problem is reported with its file, line, column and a fix, and one bad
file never hides the problems of another or blocks the valid tickets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pygit2
import pytest

from gitrepo import Symlink
from ticketops.cli.main import main
from ticketops.desired import MAX_FILE_BYTES, check, load, parse_config, parse_ticket

P = ".tickets/PAY-1.md"


@pytest.fixture
def problems(make_board) -> Callable[[dict], list[str]]:
    """Commit the files next to a valid config and return every problem as ``path:line:col: msg``."""

    def run(files: dict) -> list[str]:
        repo: pygit2.Repository = make_board(files)
        _, found = check(Path(repo.workdir))
        return [str(p) for p in found]

    return run


def test_yaml_syntax_error_points_at_the_character_and_says_to_quote(problems) -> None:
    text = "---\ntitle: Fix: crash on refund\nstatus: backlog\n---\nbody\n"
    assert problems({P: text}) == [
        f"{P}:2:11: invalid YAML: mapping values are not allowed in this context; "
        "quote a value that contains ': ' (for example title: \"Fix: crash\")"
    ]


def test_tab_indentation(problems) -> None:
    text = "---\ntitle: A\nreviewers:\n\t- bob@contoso.com\nstatus: backlog\n---\n"
    [msg] = problems({P: text})
    assert msg.startswith(f"{P}:4:1: invalid YAML:")
    assert msg.endswith("indent with spaces, not tabs")


def test_duplicate_key_in_front_matter_is_refused(problems) -> None:
    text = "---\ntitle: First title\nstatus: backlog\ntitle: Second title\n---\n"
    assert problems({P: text}) == [f"{P}:4:1: duplicate key 'title' (first set on line 2); keep only one"]


def test_duplicate_key_nested_in_a_list_item_mapping(problems) -> None:
    # Not a valid field shape either way, but the duplicate itself must be reported where it is.
    text = "---\ntitle: A\nstatus: backlog\ntags:\n  - {a: 1, a: 2}\n---\n"
    found = problems({P: text})
    assert f"{P}:5:12: duplicate key 'a' (first set on line 5); keep only one" in found


def test_missing_front_matter(problems) -> None:
    assert problems({P: "# Idempotency keys\n\nJust a spec.\n"}) == [
        f"{P}:1:1: missing front matter: the file must start with a line '---', then fields such as "
        "'title:' and 'status:', then a line '---', then the Markdown spec"
    ]


def test_front_matter_never_closed(problems) -> None:
    assert problems({P: "---\ntitle: A\nstatus: backlog\n\nSpec text\n"}) == [
        f"{P}:1:1: the front matter that starts here is never closed: add a line '---' after the fields"
    ]


def test_unknown_field_suggests_the_close_one(problems) -> None:
    text = "---\ntitle: A\nstatus: backlog\nasignee: bob@contoso.com\nprio: 2\n---\n"
    assert problems({P: text}) == [
        f"{P}:4:1: unknown field 'asignee' (did you mean 'assignee'?)",
        f"{P}:5:1: unknown field 'prio' (did you mean 'priority'?)",
    ]


def test_unknown_field_without_a_close_match_lists_the_valid_fields(problems) -> None:
    text = "---\ntitle: A\nstatus: backlog\nestimate: 3\n---\n"
    [msg] = problems({P: text})
    assert msg.startswith(f"{P}:4:1: unknown field 'estimate'; valid fields: key, title, status, assignee")


def test_missing_required_fields(problems) -> None:
    assert problems({P: "---\nassignee: bob@contoso.com\n---\n"}) == [
        f"{P}:1:1: missing required field 'status'",
        f"{P}:1:1: missing required field 'title'",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("priority: high", "4:1: priority: expected a whole number, got 'high'"),
        ("priority: 9", "4:1: priority: input should be less than or equal to 4 (got the number 9)"),
        (
            "tags: urgent",
            "4:1: tags: expected a list, got 'urgent'; write a list, for example [urgent] or one '- item' per line",
        ),
        ("reviewers: {bob: yes}", "4:1: reviewers: expected a list, got a mapping"),
        ("assignee: [bob@contoso.com]", "4:1: assignee: expected text, got a list"),
    ],
)
def test_wrong_types(problems, line: str, expected: str) -> None:
    text = f"---\ntitle: A\nstatus: backlog\n{line}\n---\n"
    assert problems({P: text}) == [f"{P}:{expected}"]


def test_yaml_booleans_in_text_fields_say_to_quote(problems) -> None:
    text = "---\ntitle: yes\nstatus: backlog\n---\n"
    assert problems({P: text}) == [
        f'{P}:2:1: title: expected text, got the boolean true; YAML read the text yes as a bool: put it in quotes, "yes"'
    ]


def test_key_field_must_match_the_file_name(problems) -> None:
    text = "---\nkey: PAY-2\ntitle: A\nstatus: backlog\n---\n"
    assert problems({P: text}) == [
        f"{P}:2:1: key 'PAY-2' does not match the file name PAY-1.md; rename the file to PAY-2.md or remove the key field"
    ]


def test_key_field_equal_to_the_file_name_is_fine(make_board) -> None:
    repo = make_board({P: "---\nkey: PAY-1\ntitle: A\nstatus: backlog\n---\n"})
    assert load(Path(repo.workdir)).ticket("PAY-1").title == "A"


def test_same_key_in_two_files_differing_in_case(make_board, ticket) -> None:
    repo = make_board({P: ticket("Upper"), ".tickets/pay-1.md": ticket("Lower"), ".tickets/PAY-2.md": ticket("Other")})
    state = load(Path(repo.workdir))
    assert [str(p) for p in state.problems] == [
        ".tickets/PAY-1.md:0:0: duplicate ticket key PAY-1: .tickets/pay-1.md has the same key "
        "(keys compare case-insensitively); keep one file and renumber or delete the other",
        ".tickets/pay-1.md:0:0: duplicate ticket key PAY-1: .tickets/PAY-1.md has the same key "
        "(keys compare case-insensitively); keep one file and renumber or delete the other",
        ".tickets/pay-1.md:0:0: file name 'pay-1' is not a ticket key (like PAY-12, pattern ^[A-Z][A-Z0-9]*-[0-9]+$); "
        "rename it to PAY-1.md",
    ]
    assert [t.key for t in state.tickets] == ["PAY-2"]  # neither PAY-1 is guessed
    assert state.invalid_keys == frozenset({"PAY-1"})


def test_markdown_file_that_is_not_a_key(problems, ticket) -> None:
    assert problems({".tickets/notes.md": ticket()}) == [
        ".tickets/notes.md:0:0: file name 'notes' is not a ticket key (like PAY-12, pattern ^[A-Z][A-Z0-9]*-[0-9]+$); "
        "rename it to KEY.md, for example PAY-12.md"
    ]


def test_markdown_extension_other_than_md(problems, ticket) -> None:
    assert problems({".tickets/PAY-4.markdown": ticket()}) == [
        ".tickets/PAY-4.markdown:0:0: ticket files end in .md: rename it to PAY-4.md"
    ]


def test_unknown_status_and_repo_list_the_valid_ones(problems) -> None:
    text = "---\ntitle: A\nstatus: doing\nrepo: webb\n---\n"
    assert problems({P: text}) == [
        f"{P}:3:1: unknown status 'doing'; valid statuses: backlog, in-progress, in-review, done",
        f"{P}:4:1: unknown repo 'webb' (did you mean 'web'?); valid repos: api, web",
    ]


def test_started_ticket_uses_the_only_linked_repo(make_board) -> None:
    config = "organization_url: https://dev.azure.com/contoso\nproject: P\nrepos:\n  api: {name: payments-api}\n"
    repo = make_board({P: "---\ntitle: A\nstatus: in-progress\n---\n"}, config=config)
    state, found = check(Path(repo.workdir))
    assert found == () and state is not None and [t.key for t in state.tickets] == ["PAY-1"]


def test_started_ticket_with_several_repos_and_no_default_is_ambiguous(make_board) -> None:
    config = (
        "organization_url: https://dev.azure.com/contoso\nproject: P\nrepos:\n  api: {name: payments-api}\n"
        "  web: {name: payments-web}\n"
    )
    repo = make_board({P: "---\ntitle: A\nstatus: in-progress\n---\n"}, config=config)
    _, found = check(Path(repo.workdir))
    assert [str(p) for p in found] == [
        f"{P}:3:1: status 'in-progress' needs a repository for the feature branch, and config.yaml links several "
        "without a default_repo: add 'repo:' with one of api, web, or set default_repo in config.yaml"
    ]


def test_malformed_email_points_at_the_list_item(problems) -> None:
    text = "---\ntitle: A\nstatus: backlog\nreviewers:\n  - bob@contoso.com\n  - carol(at)contoso.com\n---\n"
    assert problems({P: text}) == [
        f"{P}:6:5: reviewers: 'carol(at)contoso.com' is not an email address (expected name@example.com)"
    ]


def test_malformed_assignee(problems) -> None:
    text = "---\ntitle: A\nstatus: backlog\nassignee: alice\n---\n"
    assert problems({P: text}) == [f"{P}:4:1: assignee: 'alice' is not an email address (expected name@example.com)"]


def test_title_too_long(problems) -> None:
    text = "---\nstatus: backlog\ntitle: " + "x" * 300 + "\n---\n"
    assert problems({P: text}) == [f"{P}:3:1: title is 300 characters long; the limit is 255"]


def test_title_length_counts_emoji_as_two_like_azure_devops(make_board, tmp_path, capsys) -> None:
    """200 emoji are 200 Python characters but 400 UTF-16 code units, which ADO would refuse."""
    from ticketops.cli.main import main

    text = "---\nstatus: backlog\ntitle: " + "\U0001f680" * 200 + "\n---\n"
    expected = (
        f"{P}:3:1: title is 400 characters long as Azure DevOps counts them (an emoji or other character outside "
        "the Basic Multilingual Plane counts as 2); the limit is 255: shorten the title"
    )
    repo = make_board({P: text})
    assert [str(p) for p in check(Path(repo.workdir))[1]] == [expected]
    assert main(["validate", "--repo", repo.workdir]) == 1
    out = capsys.readouterr()
    assert expected in out.out + out.err
    fits = "---\nstatus: backlog\ntitle: x" + "\U0001f680" * 127 + "\n---\n"  # 255 code units
    (tmp_path / "repo" / P).write_text(fits, encoding="utf-8")
    assert not check(Path(repo.workdir), rev=None, worktree=True)[1]


def test_invalid_branch_name(problems) -> None:
    text = "---\ntitle: A\nstatus: backlog\nbranch: feature/my branch\n---\n"
    assert problems({P: text}) == [
        f"{P}:4:1: branch: 'feature/my branch' is not a valid git branch name (no spaces, '..', '~', '^', ':', '?', '*', '['); "
        "write a valid name, or remove `branch:` to use branch_template"
    ]


def test_non_utf8_file_points_at_the_bad_byte(problems) -> None:
    data = b"---\ntitle: Caf\xe9 menu\nstatus: backlog\n---\n"
    assert problems({P: data}) == [f"{P}:2:11: not valid UTF-8 (byte 0xe9); save the file as UTF-8"]


def test_file_over_one_mib(problems, ticket) -> None:
    data = ticket().encode() + b"x" * MAX_FILE_BYTES
    assert problems({P: data}) == [
        f"{P}:0:0: file is {len(data):,} bytes; the limit is 1,048,576 (1 MiB): "
        "move large material (logs, images) out of the ticket and link to it"
    ]


def test_file_over_one_mib_on_disk(make_board, ticket) -> None:
    repo = make_board({})
    (Path(repo.workdir) / P).write_bytes(ticket().encode() + b"x" * MAX_FILE_BYTES)
    _, found = check(Path(repo.workdir), worktree=True)
    assert [p.message.split(";")[0] for p in found] == [f"file is {len(ticket()) + MAX_FILE_BYTES:,} bytes"]


def test_symlink_outside_the_repository_in_a_commit(problems) -> None:
    assert problems({P: Symlink("../../../etc/passwd"), ".tickets/PAY-2.md": Symlink("/etc/hosts")}) == [
        f"{P}:0:0: symlink to '../../../etc/passwd' points outside the repository; replace it with the file itself",
        ".tickets/PAY-2.md:0:0: symlink to '/etc/hosts' points outside the repository; replace it with the file itself",
    ]


def test_symlink_outside_the_repository_on_disk(make_board, tmp_path: Path, ticket) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text(ticket("Secret plans"))
    repo = make_board({P: Symlink(str(outside))})
    state, found = check(Path(repo.workdir), worktree=True)
    assert [str(p) for p in found] == [
        f"{P}:0:0: symlink to '{outside}' points outside the repository; replace it with the file itself"
    ]
    assert state.invalid_keys == frozenset({"PAY-1"})


def test_every_problem_in_every_file_in_one_run(make_board, ticket) -> None:
    repo = make_board(
        {
            ".tickets/PAY-1.md": "---\ntitle: A\nstatus: doing\nasignee: x\n---\n",
            ".tickets/PAY-2.md": ticket("Valid"),
            ".tickets/PAY-3.md": "no front matter\n",
            ".tickets/PAY-4.md": "---\ntitle: [unclosed\nstatus: backlog\n---\n",
        }
    )
    state, found = check(Path(repo.workdir))
    assert [(p.path, p.line) for p in found] == [
        (".tickets/PAY-1.md", 3),
        (".tickets/PAY-1.md", 4),
        (".tickets/PAY-3.md", 1),
        (".tickets/PAY-4.md", 2),
    ]
    assert [t.key for t in state.tickets] == ["PAY-2"]
    assert state.invalid_keys == frozenset({"PAY-1", "PAY-3", "PAY-4"})


def test_parse_ticket_is_pure_and_reports_like_the_loader(config_text: str, ticket) -> None:
    config, _ = parse_config(".tickets/config.yaml", config_text.encode())
    good, none = parse_ticket("team/.tickets/PAY-5.md", ticket("Pure", repo="web").encode(), config)
    assert none == []
    assert (good.key, good.path, good.repo) == ("PAY-5", "team/.tickets/PAY-5.md", "web")
    assert good.blob_id == str(pygit2.hash(ticket("Pure", repo="web").encode()))
    bad, found = parse_ticket("PAY-6.md", b"---\ntitle: A\nstatus: nope\n---\n", config)
    assert bad is None
    assert [(p.line, p.col) for p in found] == [(3, 1)]


@pytest.mark.parametrize("title", ['"   "', "' \t '"])
def test_blank_title_is_refused_at_its_line(make_board, capsys, title: str) -> None:
    repo = make_board(
        {
            ".tickets/PAY-3.md": f"---\nstatus: backlog\ntitle: {title}\n---\n",
            P: "---\ntitle: A\nstatus: backlog\n---\n",
        }
    )
    assert main(["validate", "--repo", repo.workdir]) == 1
    out = capsys.readouterr()
    assert (
        ".tickets/PAY-3.md:3:1: title is blank (only spaces); Azure DevOps requires a title: write one line "
        "that names the work, e.g. title: Add refunds"
    ) in out.out + out.err
    assert "PAY-1" not in out.out + out.err
    state = load(repo.workdir)
    assert [t.key for t in state.tickets] == ["PAY-1"] and "PAY-3" in state.invalid_keys


def test_unclosed_bracket_and_quote_point_where_they_open_with_a_fix(make_board, capsys) -> None:
    repo = make_board({})
    tickets = Path(repo.workdir) / ".tickets"
    (tickets / "HD-1.md").write_text("---\ntitle: [broken\nstatus: backlog\nassignee: alice@contoso.com\n---\n")
    (tickets / "HD-2.md").write_text('---\ntitle: "unclosed\nstatus: backlog\n---\nbody\n')
    assert main(["validate", "--worktree", "--repo", repo.workdir]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert (
        ".tickets/HD-1.md:2:8: invalid YAML: the list opened with '[' on line 2 is not closed (PyYAML stopped "
        "at line 3, column 7): close the `[` with `]`, or put the whole value in quotes if it is text"
    ) in text
    assert (
        '.tickets/HD-2.md:2:8: invalid YAML: the quote " opened here is never closed (PyYAML reached the end '
        'at line 4, column 1): close the quote with a matching " (text that contains a " goes in \' quotes)'
    ) in text


def test_a_bracket_closed_with_the_wrong_character_is_reported_where_it_goes_wrong(problems) -> None:
    [msg] = problems({P: "---\ntitle: A\nstatus: backlog\ntags: [a, b}\n---\n"})
    assert msg.startswith(f"{P}:4:12: invalid YAML: the list opened with '[' on line 4 is not closed")
    assert "close the `[` with `]`" in msg
