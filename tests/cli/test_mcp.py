"""`ticketops mcp`: an agent's tools over the Model Context Protocol, driven by the official
SDK's own stdio client against the real `ticketops mcp` process on a real git repository."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from gitrepo import make_repo

mcp = pytest.importorskip("mcp", reason="the mcp extra is in the test extra")
from mcp import Client, StdioServerParameters  # noqa: E402

CONFIG = "organization_url: https://dev.azure.com/contoso\nproject: Payments\nprocess: agile\n"
TICKET = "---\ntitle: Refunds\nstatus: backlog\n---\nRefund a payment.\n"


def call(repo: Path, *calls: tuple[str, dict[str, Any]]) -> list[Any]:
    """Start `ticketops mcp --repo REPO`, make the tool calls in order, return each result's JSON
    (or ``("error", text)``)."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "ticketops", "mcp", "--repo", str(repo)],
        env={k: v for k, v in os.environ.items() if k not in ("AZURE_DEVOPS_EXT_PAT", "SYSTEM_ACCESSTOKEN")},
    )

    async def session() -> list[Any]:
        out: list[Any] = []
        async with Client(params, read_timeout_seconds=60) as client:
            tools = await client.list_tools()
            out.append(sorted(t.name for t in tools.tools))
            for name, arguments in calls:
                result = await client.call_tool(name, arguments)
                text = "".join(getattr(c, "text", "") for c in result.content)
                out.append(("error", text) if result.is_error else json.loads(text))
        return out

    return asyncio.run(asyncio.wait_for(session(), 120))


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    make_repo(tmp_path / "b", {".tickets/config.yaml": CONFIG, ".tickets/PAY-1.md": TICKET})
    return tmp_path / "b"


def test_an_agent_lists_creates_moves_and_validates_tickets(repo: Path) -> None:
    names, listed, created, moved, valid, shown, refused = call(
        repo,
        ("list", {}),
        ("new", {"title": "Chargebacks", "acceptance_criteria": ["a dispute opens a case"]}),
        ("move", {"key": "PAY-1", "status": "in-progress"}),
        ("validate", {}),
        ("show", {"key": "PAY-2"}),
        ("move", {"key": "PAY-1", "status": "doing"}),
    )

    assert names == ["list", "move", "new", "plan", "show", "validate"]
    assert [t["key"] for t in listed["tickets"]] == ["PAY-1"]
    assert created["key"] == "PAY-2" and (repo / ".tickets" / "PAY-2.md").exists()
    assert "status: in-progress" in (repo / ".tickets" / "PAY-1.md").read_text()
    assert moved["key"] == "PAY-1"
    assert valid["ok"] is True and valid["tickets"] == 2
    assert shown["title"] == "Chargebacks"
    assert refused[0] == "error" and "doing" in refused[1]
    # never committed: the agent's edits wait for a person
    head = (repo / ".git" / "refs" / "heads" / "main").read_text()
    assert len(head.strip()) == 40
