"""The pure rules: PR description rendering and its clean 4,000-character cut, the hidden marker,
where a ticket's git work goes, and a plan with git actions read back from JSON."""

from __future__ import annotations

import json

import pytest

from ticketops.live.git_reader import ref_filter
from ticketops.model.config import BoardConfig
from ticketops.model.desired import DesiredState
from ticketops.model.gitlive import GitTarget, Phase, PrMarker, branch_problem, git_blob_id, git_target, phase
from ticketops.model.ticket import Ticket
from ticketops.plan import Plan, PushSpec, plan_json
from ticketops.plan.pr_text import CUT_NOTE, DESCRIPTION_LIMIT, MARKER_RESERVE, content_hash, pr_body, summary, units

TARGET = GitTarget(
    key="PAY-1",
    alias="api",
    repo_name="payments-api",
    branch="feature/PAY-1-x",
    base="main",
    spec_path=".tickets/PAY-1.md",
)
WEB = "https://dev.azure.com/contoso/Payments/_git/payments-api"


def make_ticket(body: str = "", criteria: tuple[str, ...] = (), **kw: object) -> Ticket:
    content = body.encode()
    fields = {
        "key": "PAY-1",
        "title": "Card vault",
        "status": "in-review",
        "path": ".tickets/PAY-1.md",
        "blob_id": git_blob_id(content),
        "content": content,
        "body": body,
        "acceptance_criteria": criteria,
        **kw,
    }
    return Ticket.model_validate(fields)


def board(**kw: object) -> BoardConfig:
    return BoardConfig.model_validate(
        {"organization_url": "https://dev.azure.com/contoso", "project": "Payments", **kw}
    )


def test_summary_is_the_first_paragraphs_after_leading_headings() -> None:
    body = "# Title\n\n## Context\n\nFirst para\nline two.\n\nSecond para.\n\n## Proposal\n\nNot this.\n"
    assert summary(body) == "First para\nline two.\n\nSecond para."
    assert summary("```\n# not a heading\n```\nText\n\n# Next\nno") == "```\n# not a heading\n```\nText"
    assert summary("") == ""


def test_a_short_description_is_complete_with_checklist_and_link() -> None:
    body = pr_body(make_ticket("Why.\n", ("One", "Two\nlines")), TARGET, WEB)
    assert body == (
        "Why.\n\n**Acceptance criteria**\n\n- [ ] One\n- [ ] Two lines\n\n"
        f"Spec: [.tickets/PAY-1.md]({WEB}?path=/.tickets/PAY-1.md&version=GBfeature/PAY-1-x) "
        "on branch `feature/PAY-1-x`"
    )


@pytest.mark.parametrize(
    ("text_len", "n_criteria", "crit_len"), [(5000, 2, 20), (100, 200, 60), (3000, 30, 50), (10, 3, 5000)]
)
def test_a_long_description_is_cut_at_boundaries_with_a_note(text_len: int, n_criteria: int, crit_len: int) -> None:
    words = " ".join(f"w{i:04d}" for i in range(text_len // 6))
    criteria = tuple(f"c{i:03d} " + "x" * crit_len for i in range(n_criteria))
    body = pr_body(make_ticket(words + "\n", criteria), TARGET, WEB)
    marker = PrMarker(sha256="0" * 64, spec="1" * 40, tip="2" * 40, wi=2_000_000_000).render()
    assert units(marker) + 1 <= MARKER_RESERVE
    assert units(marker + "\n" + body) <= DESCRIPTION_LIMIT
    assert CUT_NOTE in body and body.endswith("on branch `feature/PAY-1-x`")
    shown = [line.removeprefix("- [ ] ") for line in body.splitlines() if line.startswith("- [ ] ")]
    assert all(c in criteria for c in shown)  # whole criteria only
    if len(shown) < n_criteria:
        assert f"...and {n_criteria - len(shown)} more acceptance criteria in the spec" in body
    first = body.split("\n\n")[0]
    if first.endswith("\u2026"):
        assert first[:-1].split()[-1] in words.split()  # cut between words


def test_length_is_counted_as_ado_counts_it() -> None:
    emoji = "\U0001f4b3" * 2500  # 2,500 characters in Python, 5,000 UTF-16 units
    body = pr_body(make_ticket(emoji + " end\n"), TARGET, WEB)
    assert units(body) <= DESCRIPTION_LIMIT - MARKER_RESERVE and CUT_NOTE in body


def test_the_marker_round_trips_and_ignores_anything_else() -> None:
    m = PrMarker(sha256="a" * 64, spec="b" * 40, tip=None, wi=7)
    assert PrMarker.parse(m.render() + "\nrest") == m
    assert PrMarker.parse("Opened by hand.\n" + m.render()) is None  # only at the very start
    assert PrMarker.parse(None) is None and PrMarker.parse("<!-- ticketops:v1 sha256=zz -->") is None


def test_the_hash_covers_title_body_and_ticket_blob() -> None:
    base = content_hash("t", "b", "1" * 40)
    assert (
        len(
            {
                base,
                content_hash("t2", "b", "1" * 40),
                content_hash("t", "b2", "1" * 40),
                content_hash("t", "b", "2" * 40),
            }
        )
        == 4
    )


def test_phases_follow_the_status_marks() -> None:
    cfg = board()
    assert [phase(cfg, make_ticket(status=s)) for s in ("backlog", "in-progress", "in-review", "done")] == [
        Phase.NONE,
        Phase.WORK,
        Phase.REVIEW,
        Phase.DONE,
    ]


def test_where_git_work_goes() -> None:
    repos = {"api": {"name": "payments-api"}, "web": {"name": "payments-web", "default_branch": "develop"}}
    two = DesiredState(config=board(repos=repos), tickets=(), commit=None)
    assert "ambiguous" in str(git_target(two, make_ticket()))
    web = git_target(two, make_ticket(repo="web"))
    assert isinstance(web, GitTarget) and (web.repo_name, web.base, web.branch) == (
        "payments-web",
        "develop",
        "feature/PAY-1-card-vault",
    )
    one = DesiredState(config=board(repos={"api": {"name": "payments-api"}}), tickets=(), commit=None)
    assert isinstance(git_target(one, make_ticket()), GitTarget)  # a single linked repository is not ambiguous
    none = DesiredState(config=board(), tickets=(), commit=None)
    assert git_target(none, make_ticket()) is None  # a board without code
    assert "not a valid branch name" in str(git_target(one, make_ticket(branch="bad name")))
    assert "is its base branch" in str(git_target(one, make_ticket(branch="main")))


@pytest.mark.parametrize("name", ["a..b", "x y", "-x", "x/", "x.lock", "a/.b", "a@{b", "a~1", "a:b", "a//b"])
def test_invalid_branch_names(name: str) -> None:
    assert branch_problem(name)


def test_ref_filter_is_the_common_prefix() -> None:
    assert ref_filter(["feature/PAY-1-a", "feature/PAY-12-b"]) == "heads/feature/PAY-1"
    assert ref_filter(["feature/a", "hotfix/b"]) == "heads/"


def test_a_plan_read_back_from_json_keeps_git_kinds_but_not_the_file_bytes() -> None:
    from ticketops.model.gitlive import LiveRepo

    t = make_ticket("spec\n")
    push = PushSpec(
        key="PAY-1",
        repo=LiveRepo(id="r", name="api", project_id="p"),
        branch="b",
        path=TARGET.spec_path,
        blob_id=t.blob_id,
        ticket_path=t.path,
        content=t.content,
    )
    plan = Plan(project="Payments", work_item_type="User Story", commit=None, actions=(push,))
    data = plan_json(plan)
    assert "content" not in json.dumps(data)
    back = Plan.model_validate(plan.model_dump(mode="json"))
    (again,) = back.actions
    assert isinstance(again, PushSpec) and again.blob_id == t.blob_id and again.content == b""
