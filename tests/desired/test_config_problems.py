"""config.yaml: missing, malformed, or holding a secret -- every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ticketops.desired import check, load
from ticketops.model.errors import ValidationFailed

C = ".tickets/config.yaml"
HEAD = "organization_url: https://dev.azure.com/contoso\nproject: Payments\n"
PAT = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwx23"  # 52 chars of base32, like a real PAT


def config_problems(make_board, config: str | None, files: dict | None = None) -> list[str]:
    repo = make_board(files or {}, config=config)
    with pytest.raises(ValidationFailed) as err:
        load(Path(repo.workdir))
    return [str(p) for p in err.value.problems]


def test_minimal_config_uses_process_defaults(make_board, ticket) -> None:
    repo = make_board({".tickets/PAY-1.md": ticket(status="todo")}, config=HEAD + "process: basic\n")
    state = load(Path(repo.workdir))
    assert state.config.effective_work_item_type == "Issue"
    assert state.config.status("todo").state == "To Do"


def test_missing_config(make_board, ticket) -> None:
    assert config_problems(make_board, None, {".tickets/PAY-1.md": ticket()}) == [
        f"{C}:0:0: missing config.yaml: create it with at least organization_url and project (repos, to link git "
        "repositories, is optional; example-repo/.tickets/config.yaml in the ticketops sources is a commented example)"
    ]


def test_config_yml_typo_is_named(make_board) -> None:
    assert config_problems(make_board, None, {".tickets/config.yml": HEAD}) == [
        f"{C}:0:0: missing config.yaml (found config.yml): rename it to config.yaml"
    ]


def test_empty_config(make_board) -> None:
    assert config_problems(make_board, "# nothing yet\n") == [
        f"{C}:1:1: config.yaml is empty: it needs at least organization_url and project"
    ]


def test_yaml_syntax_error(make_board) -> None:
    assert config_problems(make_board, HEAD + "repos:\n  api: {name: payments-api\n") == [
        f"{C}:4:8: invalid YAML: the mapping opened with '{{' on line 4 is not closed (PyYAML stopped at line 5, "
        "column 1): close the `{` with `}`, or put the whole value in quotes if it is text"
    ]


def test_duplicate_setting(make_board) -> None:
    assert config_problems(make_board, HEAD + "process: agile\nprocess: scrum\n") == [
        f"{C}:4:1: duplicate key 'process' (first set on line 3); keep only one"
    ]


def test_unknown_settings_at_any_depth(make_board) -> None:
    text = HEAD + "procces: agile\nrepos:\n  api:\n    name: payments-api\n    default_branh: main\n"
    assert config_problems(make_board, text) == [
        f"{C}:3:1: unknown field 'procces' (did you mean 'process'?); valid fields: organization_url, project, "
        "process, work_item_type, statuses, repos, default_repo, branch_template, auth, on_push, read_only, "
        "tracked_branch, board, import, fields",
        f"{C}:7:5: unknown field 'default_branh' in repos.api (did you mean 'default_branch'?); "
        "valid fields: name, default_branch",
    ]


def test_bad_values_are_reported_together(make_board) -> None:
    text = "organization_url: dev.azure.com/contoso\nproject: Payments\nprocess: kanban\non_push: deploy\n"
    assert config_problems(make_board, text) == [
        f"{C}:1:1: organization_url must be a URL such as https://dev.azure.com/ORG or https://server/tfs/COLLECTION",
        f"{C}:3:1: process: 'kanban' is not allowed; use one of 'agile', 'scrum', 'basic' or 'cmmi'",
        f"{C}:4:1: on_push: 'deploy' is not allowed; use one of 'plan' or 'apply'",
    ]


def test_workflow_rules_point_at_statuses(make_board) -> None:
    text = HEAD + "statuses:\n  - name: todo\n    state: New\n  - name: doing\n    state: Active\n    start: true\n"
    assert config_problems(make_board, text) == [
        f"{C}:3:1: statuses: exactly one status must have `review: true` (found 0: [])"
    ]


def test_status_item_field_points_at_the_item(make_board) -> None:
    text = HEAD + "statuses:\n  - name: New Work\n    state: New\n"
    assert config_problems(make_board, text) == [
        f"{C}:4:5: statuses[0].name: 'New Work' does not match the required pattern ^[a-z][a-z0-9_-]*$"
    ]


def test_default_repo_must_be_an_alias(make_board) -> None:
    text = HEAD + "repos:\n  api: {name: payments-api}\ndefault_repo: web\n"
    assert config_problems(make_board, text) == [f"{C}:5:1: default_repo 'web' is not one of the repos aliases ['api']"]


def test_token_written_in_config_is_refused_without_echoing_it(make_board) -> None:
    text = HEAD + f"auth:\n  token_env: MY_PAT\n  token: {PAT}\n"
    found = config_problems(make_board, text)
    assert found == [
        f"{C}:5:3: auth.token: config.yaml is committed to git and must not hold a token or password; delete it and "
        "put the token in the environment variable MY_PAT instead (auth.token_env names that variable)"
    ]
    assert PAT not in "\n".join(found)


@pytest.mark.parametrize("key", ["pat", "password", "personal_access_token", "clientSecret"])
def test_secret_keys_anywhere(make_board, key: str) -> None:
    text = HEAD + f"repos:\n  api:\n    name: payments-api\n    {key}: hunter2-and-more\n"
    [msg] = config_problems(make_board, text)
    assert msg.startswith(f"{C}:6:5: repos.api.{key}: config.yaml is committed to git and must not hold a token")
    assert "hunter2" not in msg


@pytest.mark.parametrize(
    "value", [PAT, "8fJk2LmQ9zXw3RtY7uVb1NcE5pHs0aGd", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"]
)
def test_token_pasted_into_token_env(make_board, value: str) -> None:
    found = config_problems(make_board, HEAD + f"auth:\n  token_env: {value}\n")
    assert found == [
        f"{C}:4:3: auth.token_env looks like a token, which must never be written in config.yaml; put the token in "
        "the environment variable AZURE_DEVOPS_EXT_PAT instead (auth.token_env names that variable)"
    ]


def test_credentials_in_the_organization_url(make_board) -> None:
    found = config_problems(make_board, f"organization_url: https://me:{PAT}@dev.azure.com/contoso\nproject: P\n")
    assert len(found) == 1
    assert found[0].startswith(f"{C}:1:1: organization_url: a URL with a user name or token in it must not be written")
    assert PAT not in found[0]


def test_long_environment_variable_names_are_not_mistaken_for_tokens(make_board) -> None:
    repo = make_board({}, config=HEAD + "auth:\n  token_env: TICKETOPS_AZURE_DEVOPS_TOKEN_2024\n")
    assert load(Path(repo.workdir)).config.auth.token_env == "TICKETOPS_AZURE_DEVOPS_TOKEN_2024"


def test_check_returns_config_and_ticket_problems_together(make_board, ticket) -> None:
    repo = make_board({".tickets/PAY-1.md": ticket(asignee="x")}, config=HEAD + "process: kanban\n")
    state, problems = check(Path(repo.workdir))
    assert state is None
    assert [(p.path, p.line) for p in problems] == [(".tickets/PAY-1.md", 4), (C, 3)]


def test_unclosed_quote_in_config_points_at_the_quote(make_board) -> None:
    config = "organization_url: 'https://dev.azure.com/contoso\nproject: Payments\n"
    [msg] = config_problems(make_board, config)
    assert msg.startswith(f"{C}:1:19: invalid YAML: the quote ' opened here is never closed")
    assert "close the quote with a matching '" in msg
