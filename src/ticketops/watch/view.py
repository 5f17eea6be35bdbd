"""What ``ticketops watch`` shows: a live table on a terminal, plain lines otherwise."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ticketops.plan import Plan, action_reason, summary_line
from ticketops.watch.evaluate import WatchResult

_MARK = {"create": "+", "update": "~", "prune": "-", "orphan": "?", "conflict": "!", "blocked": "x"}


def headline(result: WatchResult) -> str:
    when = result.at.strftime("%H:%M:%S")
    what = "started" if result.trigger == ("start",) else ", ".join(result.trigger) + " changed"
    return f"[{when}] #{result.number} {what} ({result.seconds:.2f}s)"


def status_line(result: WatchResult) -> str:
    """One line: the plan summary, what apply did, or why there is no plan."""
    if result.error:
        return f"not planned: {result.error}"
    if result.plan is None:
        return "not planned: fix the problems above"
    line = summary_line(result.plan)
    if result.applied is not None:
        writes = result.applied.result.writes
        verdict = "stopped" if result.stopped else ("converged" if result.applied.result.converged else "not converged")
        line = f"applied ({verdict}, {writes} write request(s)); now: {line}"
    return line


def action_rows(plan: Plan) -> list[tuple[str, str, str]]:
    return [(f"{_MARK.get(a.kind, '*')} {a.key}", str(a.kind), action_reason(a)) for a in plan.actions]


class PlainView:
    """Lines for logs and pipes: a headline, the problems, the actions, the summary."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def show(self, result: WatchResult) -> None:
        lines = [headline(result)]
        lines += [f"  {p}" for p in result.problems]
        if result.plan is not None:
            lines += [f"  {mark:<12} {kind:<9} {detail}".rstrip() for mark, kind, detail in action_rows(result.plan)]
        lines.append(f"  {status_line(result)}")
        self.out.write("\n".join(lines) + "\n")
        self.out.flush()

    def close(self) -> None:
        self.out.flush()


def renderable(result: WatchResult) -> RenderableType:
    table = Table(title=headline(result), title_justify="left", expand=False)
    table.add_column("ticket", no_wrap=True)
    table.add_column("action")
    table.add_column("detail")
    for row in action_rows(result.plan) if result.plan is not None else []:
        table.add_row(*row)
    parts: list[RenderableType] = [table]
    if result.problems:
        parts.append(Text("\n".join(str(p) for p in result.problems), style="bold red"))
    parts.append(Text(status_line(result), style="red" if result.error or result.plan is None else "green"))
    parts.append(Text("watching for changes; Ctrl-C to stop", style="dim"))
    return Group(*parts)


class LiveView:
    """A rich live table that is redrawn in place after every evaluation."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console()
        self._live = Live(Text("starting..."), console=self.console, auto_refresh=False, transient=False)
        self._live.start()

    def show(self, result: WatchResult) -> None:
        self._live.update(renderable(result), refresh=True)

    def close(self) -> None:
        self._live.stop()
