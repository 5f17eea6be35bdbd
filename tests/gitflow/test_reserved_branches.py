"""``ticketops/`` is reserved for ticketops' own refs (the lease branch ``ticketops/lease``): a
ticket's ``branch:`` or ``base:`` there, or a ``branch_template`` that puts branches there, is
refused by ``validate`` at its line, and ``reconcile`` never pushes a ticket's spec onto it."""

from __future__ import annotations

import pytest
from gitkit import API, CONFIG, GitBoard, run, ticket

CFG = ".tickets/config.yaml"


@pytest.mark.parametrize("field", ["branch", "base"])
@pytest.mark.parametrize("name", ["ticketops/lease", "TicketOps/Lease", "ticketops/PAY-1", "ticketops"])
def test_validate_refuses_a_ticket_branch_under_ticketops(board: GitBoard, capsys, field: str, name: str) -> None:
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-progress", **{field: name}),
            "PAY-2.md": ticket("Refunds", "in-progress"),
        }
    )
    code, out, _ = run(capsys, "validate", "--repo", str(board.root))
    assert code == 1
    assert out.splitlines() == [
        f".tickets/PAY-1.md:4:1: {field} '{name}' is under ticketops/, which is reserved for ticketops' own "
        "refs (the lease branch ticketops/lease); choose a name outside ticketops/"
    ]


@pytest.mark.parametrize("template", ["ticketops/{key}-{slug}", "TICKETOPS/{key}", "ticketops/lease-{key}"])
def test_validate_refuses_a_branch_template_under_ticketops(tmp_path, emu, capsys, template: str) -> None:
    board = GitBoard(tmp_path / "b", emu, CONFIG + f"branch_template: {template}\n")
    board.commit({"PAY-1.md": ticket("Card vault", "in-progress")})
    code, out, _ = run(capsys, "validate", "--repo", str(board.root))
    assert code == 1
    line = CONFIG.count("\n") + 1
    assert out.splitlines() == [
        f"{CFG}:{line}:1: branch_template '{template}' puts ticket branches under ticketops/, which is reserved "
        "for ticketops' own refs (the lease branch ticketops/lease); use another prefix, for example "
        "feature/{key}-{slug}"
    ]


def test_a_default_branch_or_tracked_branch_under_ticketops_is_refused_in_config(tmp_path, emu, capsys) -> None:
    config = (
        CONFIG.replace("    default_branch: main", "    default_branch: ticketops/lease")
        + "tracked_branch: ticketops\n"
    )
    board = GitBoard(tmp_path / "b", emu, config)
    code, out, _ = run(capsys, "validate", "--repo", str(board.root))
    assert code == 1
    lines = config.splitlines()
    assert out.splitlines() == [
        f"{CFG}:{lines.index('    default_branch: ticketops/lease') + 1}:5: repos.api.default_branch "
        "'ticketops/lease' is under ticketops/, which is reserved for ticketops' own refs (the lease branch "
        "ticketops/lease); choose a name outside ticketops/",
        f"{CFG}:{len(lines)}:1: tracked_branch 'ticketops' is under ticketops/, which is reserved for "
        "ticketops' own refs (the lease branch ticketops/lease); choose a name outside ticketops/",
    ]


def test_reconcile_never_pushes_a_ticket_onto_the_lease_branch(board: GitBoard, server, token_env, capsys) -> None:
    board.commit(
        {
            "PAY-1.md": ticket("Card vault", "in-progress", branch="ticketops/lease"),
            "PAY-2.md": ticket("Refunds", "in-progress"),
        }
    )
    code, out, err = run(capsys, "reconcile", "--repo", str(board.root), "--org-url", server.url)
    assert code == 1, out + err
    assert ".tickets/PAY-1.md:4:1: branch 'ticketops/lease' is under ticketops/" in out + err
    assert board.file_at("feature/PAY-2-refunds", ".tickets/PAY-2.md") is not None  # the valid ticket is applied
    assert board.item_id("PAY-2")
    with pytest.raises(KeyError):
        board.item_id("PAY-1")
    assert [b for b in board.branches(API) if b.lower().startswith("ticketops")] == []  # released, not squatted
    assert not any(pr.source.lower().startswith("refs/heads/ticketops") for pr in board.prs(API))
