"""The tools ``ticketops mcp`` offers an agent, over the Model Context Protocol (stdio).

Each tool runs the ticketops command of the same name in this process with ``-o json`` (or
``--json``) and returns that JSON, so an agent sees exactly what a person or a script sees
(``list``'s array comes as ``{"tickets": [...]}``: a tool answers with one object).
Agents author tickets (``new``, ``move``: files in the working tree, never committed) and read
(``list``, ``show``, ``validate``, ``plan``). Nothing here writes to Azure DevOps: applying stays
with the hook, the pipeline or a person.
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ticketops.ado.redact import redact

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

JsonValue = dict[str, object] | list[object]


class ToolFailed(Exception):
    """The command refused (its message, as the CLI prints it, is the tool's error)."""


@dataclass(frozen=True)
class Board:
    """The folder that holds ``.tickets/``, fixed when the server starts."""

    repo: str

    def run(self, argv: list[str], ok: tuple[int, ...] = (0,)) -> JsonValue:
        """``ticketops ARGV`` in process; its JSON output, or :class:`ToolFailed` with its error."""
        from ticketops.cli.main import main

        out, err = io.StringIO(), io.StringIO()
        with _RUN_LOCK, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as e:  # argparse refused the arguments (its message is on stderr)
                code = e.code if isinstance(e.code, int) else 1
        if code not in ok:
            raise ToolFailed(redact(err.getvalue().strip() or f"ticketops {argv[0]} exited {code}"))
        text = out.getvalue()
        try:
            data: JsonValue = json.loads(text)
        except ValueError as e:
            raise ToolFailed(f"ticketops {argv[0]} printed no JSON: {redact(text[:200])!r}") from e
        return data

    def list_tickets(self, status: list[str], assignee: list[str], tag: list[str]) -> JsonValue:
        argv = ["list", "--repo", self.repo, "-o", "json"]  # the working tree
        argv += [x for s in status for x in ("--status", s)]
        argv += [x for a in assignee for x in ("--assignee", a)]
        argv += [x for t in tag for x in ("--tag", t)]
        return self.run(argv)

    def show(self, key: str) -> JsonValue:
        return self.run(["show", key, "--repo", self.repo, "-o", "json"])  # the working tree

    def new(
        self, title: str, status: str | None, assignee: str | None, tags: list[str], criteria: list[str]
    ) -> JsonValue:
        argv = ["new", title, "--repo", self.repo, "-o", "json"]
        argv += ["--status", status] if status else []
        argv += ["--assignee", assignee] if assignee else []
        argv += [x for t in tags for x in ("--tag", t)]
        argv += [x for c in criteria for x in ("--criterion", c)]
        return self.run(argv)

    def move(self, key: str, status: str) -> JsonValue:
        return self.run(["move", key, status, "--repo", self.repo, "--yes", "-o", "json"])

    def validate(self) -> JsonValue:
        return self.run(["validate", "--repo", self.repo, "--worktree", "--json"], ok=(0, 1))

    def plan(self) -> JsonValue:
        """Read-only: the plan of the working tree against ADO (exit 2 means changes, not an error)."""
        return self.run(["plan", "--repo", self.repo, "--worktree", "--json", "--read-only"], ok=(0, 1, 2))


_RUN_LOCK = threading.Lock()  # stdout is redirected per call: one command at a time


def build_server(board: Board) -> MCPServer:
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server: MCPServer = MCPServer(
        "ticketops",
        instructions=(
            "Tickets are files in git (.tickets/KEY.md); Azure DevOps mirrors them. Create and move "
            "tickets with new and move (working-tree edits, never committed), read them with list and "
            "show, check them with validate, and see what would change in ADO with plan. Nothing here "
            "writes to ADO: commit and push, and the team's hook or pipeline applies."
        ),
    )

    def call(fn: object, *args: object) -> JsonValue:
        assert callable(fn)
        try:
            result: JsonValue = fn(*args)
        except ToolFailed as e:
            raise ToolError(str(e)) from None
        return result

    @server.tool(
        name="list",
        description="The working tree's tickets with their sync state: {tickets: [...]}, each as `ticketops list -o json`.",
    )
    def list_tickets(
        status: list[str] | None = None, assignee: list[str] | None = None, tag: list[str] | None = None
    ) -> dict[str, object]:
        return {"tickets": call(board.list_tickets, status or [], assignee or [], tag or [])}

    @server.tool(name="show", description="One ticket: its fields, spec and sync state (ticketops show KEY -o json).")
    def show(key: str) -> JsonValue:
        return call(board.show, key)

    @server.tool(
        name="new",
        description="Write .tickets/KEY.md with the next free key (free on every branch); never commits.",
    )
    def new(
        title: str,
        status: str | None = None,
        assignee: str | None = None,
        tags: list[str] | None = None,
        acceptance_criteria: list[str] | None = None,
    ) -> JsonValue:
        return call(board.new, title, status, assignee, tags or [], acceptance_criteria or [])

    @server.tool(name="move", description="Change a ticket's status: only its status: line is edited; never commits.")
    def move(key: str, status: str) -> JsonValue:
        return call(board.move, key, status)

    @server.tool(
        name="validate", description="Every problem of .tickets/ as path:line:col (ticketops validate --json)."
    )
    def validate() -> JsonValue:
        return call(board.validate)

    @server.tool(name="plan", description="What ADO would change for the working tree (read-only; never writes).")
    def plan() -> JsonValue:
        return call(board.plan)

    return server
