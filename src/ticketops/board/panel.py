"""The side panel of one ticket: its spec rendered (sanitised), its plan, and the ticket as it
stands on its feature branch when that differs from the file here."""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass

from markdown_it import MarkdownIt

from ticketops.ado import AdoError
from ticketops.board.source import BoardSource
from ticketops.board.view import Facts
from ticketops.model.errors import TicketopsError
from ticketops.model.ticket import Ticket
from ticketops.plan import render_text

log = logging.getLogger(__name__)

# html=False: raw HTML in a ticket file is shown as text, never passed to the page; markdown-it
# also refuses javascript:, vbscript:, file: and data: (but images) link targets.
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> str:
    return _MD.render(text)


@dataclass(frozen=True)
class Panel:
    ticket: Ticket
    spec_html: str
    plan: tuple[str, ...]
    plan_unknown: str | None
    branch: str
    branch_diff: tuple[str, ...] = ()  # unified diff, file here -> feature branch
    branch_note: str = ""  # why there is no comparison (no branch yet, same file, ...)


def panel(source: BoardSource, facts: Facts, key: str) -> Panel | None:
    desired = facts.desired
    ticket = next((t for t in desired.tickets if t.key == key), None)
    if ticket is None:
        return None
    plan_lines: tuple[str, ...] = ()
    if facts.plan is not None:
        only = facts.plan.model_copy(update={"actions": facts.plan.for_key(key), "synced": ()})
        plan_lines = tuple(render_text(only).splitlines()[2:])
        if not facts.plan.for_key(key):
            plan_lines = ("Nothing to do: the work item matches the ticket.",)
    diff, note = _branch_diff(source, facts, ticket)
    return Panel(
        ticket=ticket,
        spec_html=render_markdown(ticket.body),
        plan=plan_lines,
        plan_unknown=facts.unknown,
        branch=desired.branch_name(ticket),
        branch_diff=diff,
        branch_note=note,
    )


def _branch_diff(source: BoardSource, facts: Facts, ticket: Ticket) -> tuple[tuple[str, ...], str]:
    tg = facts.git_live.tickets.get(ticket.key) if facts.git_live is not None else None
    if tg is None or tg.target is None or tg.tip is None:
        return (), "no feature branch yet"
    if tg.spec_blob is None:
        return (), f"the branch {tg.target.branch} has no {tg.target.spec_path} yet"
    if tg.spec_blob == ticket.blob_id:
        return (), f"the branch {tg.target.branch} holds this same file"
    if source.client_for is None or tg.repo is None:
        return (), "the feature branch differs (ADO not consulted)"
    try:
        with source.client_for(facts.desired.config) as client:
            item = client.get_item(
                facts.desired.config.project,
                tg.repo.id,
                tg.target.spec_path,
                branch=tg.target.branch,
                include_content=True,
            )
    except (AdoError, TicketopsError) as e:
        log.info("board: feature branch file not read: %s", e)
        return (), f"the feature branch differs; it could not be read: {str(e).splitlines()[0]}"
    if item is None or item.content is None:
        return (), f"the branch {tg.target.branch} has no {tg.target.spec_path}"
    here = ticket.content.decode("utf-8", errors="replace").splitlines()
    there = item.content.splitlines()
    diff = difflib.unified_diff(here, there, ticket.path, f"{tg.target.branch}:{tg.target.spec_path}", lineterm="")
    return tuple(diff), ""
