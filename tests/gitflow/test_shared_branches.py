"""Every ticket gets a branch of its own: two tickets on one branch (the same ``branch:``, or a
``branch_template`` that renders the same name, compared ignoring case as Azure DevOps does)
would share one pull request whose title flips on every run. ``validate`` refuses both at their
lines, each naming the other file; ``reconcile`` applies neither and applies the rest."""

from __future__ import annotations

from gitkit import API, CONFIG, WEB, GitBoard, run, ticket

CFG = ".tickets/config.yaml"


def validate(board: GitBoard, capsys) -> tuple[int, list[str]]:
    code, out, _ = run(capsys, "validate", "--repo", str(board.root))
    return code, out.splitlines()


def test_two_tickets_with_the_same_branch_are_refused_at_both_lines(board: GitBoard, capsys) -> None:
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-progress", branch="Feature/Shared"),
            "PAY-2.md": ticket("Refunds", "backlog", priority=2, branch="feature/shared"),
            "PAY-3.md": ticket("Payouts", "in-progress"),
        }
    )
    code, lines = validate(board, capsys)
    assert code == 1
    tail = (
        f" in repository {API} (Azure DevOps compares branch names ignoring case): two tickets on one branch "
        "would share one pull request and never converge; neither is applied until each has a branch of its "
        "own: change `branch:` in one of them"
    )
    assert lines == [
        f".tickets/PAY-1.md:4:1: branch 'Feature/Shared' is also the branch of .tickets/PAY-2.md:5 "
        f"('feature/shared'){tail}",
        f".tickets/PAY-2.md:5:1: branch 'feature/shared' is also the branch of .tickets/PAY-1.md:4 "
        f"('Feature/Shared'){tail}",
    ]


def test_a_template_that_renders_the_same_name_twice_names_config_and_both_tickets(tmp_path, emu, capsys) -> None:
    board = GitBoard(tmp_path / "b", emu, CONFIG + 'branch_template: "feature/{key}{slug}"\n')
    board.commit(
        {
            "PAY-1.md": ticket("2x", "in-progress"),  # feature/PAY-12x
            "PAY-12.md": ticket("X", "in-progress"),  # feature/PAY-12x too
            "PAY-3.md": ticket("Payouts", "in-progress"),
        }
    )
    code, lines = validate(board, capsys)
    assert code == 1
    at = f"(from branch_template 'feature/{{key}}{{slug}}', {CFG}:{CONFIG.count(chr(10)) + 1})"
    assert [line.split(" in repository")[0] for line in lines] == [
        f".tickets/PAY-1.md:2:1: branch 'feature/PAY-12x' {at} is also the branch of .tickets/PAY-12.md:2",
        f".tickets/PAY-12.md:2:1: branch 'feature/PAY-12x' {at} is also the branch of .tickets/PAY-1.md:2",
    ]
    assert all(
        line.endswith("give one of them its own `branch:`, or change the title of one (the slug comes from it)")
        for line in lines
    )


def test_a_branch_that_is_another_tickets_template_branch_is_refused(board: GitBoard, capsys) -> None:
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-progress"),
            "PAY-2.md": ticket("Refunds", "in-progress", branch="FEATURE/pay-1-card-vault"),
        }
    )
    code, lines = validate(board, capsys)
    assert code == 1
    assert [line.split(": ", 1)[0] for line in lines] == [".tickets/PAY-1.md:2:1", ".tickets/PAY-2.md:4:1"]
    assert "is also the branch of .tickets/PAY-2.md:4 ('FEATURE/pay-1-card-vault')" in lines[0]
    assert "is also the branch of .tickets/PAY-1.md:2 ('feature/PAY-1-card-vault')" in lines[1]


def test_the_same_branch_name_in_two_repositories_is_fine(board: GitBoard, capsys) -> None:
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-progress", branch="feature/shared"),
            "PAY-2.md": ticket("Refunds", "in-progress", branch="feature/shared", repo="web"),
        }
    )
    assert validate(board, capsys) == (0, ["2 tickets valid at " + str(board.repo.head.target)[:10]])


def test_a_branch_that_is_a_folder_of_another_is_refused(board: GitBoard, capsys) -> None:
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-progress", branch="feature/vault"),
            "PAY-2.md": ticket("Refunds", "in-progress", branch="Feature/Vault/refunds"),
        }
    )
    code, lines = validate(board, capsys)
    assert code == 1
    assert len(lines) == 2
    assert lines[0].startswith(
        ".tickets/PAY-1.md:4:1: branch 'feature/vault' cannot exist next to 'Feature/Vault/refunds'"
    )
    assert lines[1].startswith(
        ".tickets/PAY-2.md:4:1: branch 'Feature/Vault/refunds' cannot exist next to 'feature/vault'"
    )


def test_a_template_with_the_slug_first_cannot_put_a_ticket_under_ticketops(tmp_path, emu, capsys) -> None:
    board = GitBoard(tmp_path / "b", emu, CONFIG + 'branch_template: "{slug}/{key}"\n')
    board.commit({"PAY-1.md": ticket("TicketOps", "in-progress"), "PAY-2.md": ticket("Refunds", "in-progress")})
    code, lines = validate(board, capsys)
    assert code == 1
    assert lines == [
        f".tickets/PAY-1.md:2:1: branch 'ticketops/PAY-1' (from branch_template '{{slug}}/{{key}}', "
        f"{CFG}:{CONFIG.count(chr(10)) + 1}) is under ticketops/, which is reserved for ticketops' own refs "
        "(the lease branch ticketops/lease); set `branch:` in this ticket, change its title, or change branch_template"
    ]


def test_a_branch_that_is_its_own_base_is_refused_by_validate(board: GitBoard, capsys) -> None:
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress", branch="Main")})
    code, lines = validate(board, capsys)
    assert code == 1
    assert lines == [
        ".tickets/PAY-1.md:4:1: branch 'Main' is the ticket's own base branch; a ticket needs a branch of its "
        "own: change `branch:` (the repo's default_branch is its base)"
    ]


def test_reconcile_applies_neither_of_two_tickets_on_one_branch_and_converges(
    board: GitBoard, server, token_env, capsys
) -> None:
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-review", branch="feature/shared"),
            "PAY-2.md": ticket("Refunds", "in-review", branch="Feature/Shared"),
            "PAY-3.md": ticket("Payouts", "in-review"),
        }
    )
    args = ("reconcile", "--repo", str(board.root), "--org-url", server.url)
    code, out, err = run(capsys, *args)
    assert code == 1, out + err
    assert "is also the branch of .tickets/PAY-2.md:4" in out + err
    assert [pr.source for pr in board.prs(API)] == ["refs/heads/feature/PAY-3-payouts"]
    assert board.tip("feature/shared") is None and board.prs(WEB) == []
    board.item_id("PAY-3")
    board.emu.log.reset()
    code, out, err = run(capsys, *args)
    assert board.emu.log.writes() == [], out + err  # nothing flips: the second run writes nothing
