"""``ticketops board --export board.html``: the same board as one self-contained static HTML file
(styles inline, no script, no edit controls): for a pipeline artifact, a wiki or a review."""

from __future__ import annotations

from pathlib import Path

from ticketops.board.app import environment, static_text
from ticketops.board.filters import Filters, choices
from ticketops.board.panel import render_markdown
from ticketops.board.source import BoardSource


def export_html(source: BoardSource, rev: str | None) -> str:
    facts = source.facts(rev)
    view = source.view(rev)
    specs = {t.key: render_markdown(t.body) for t in facts.desired.tickets}
    template = environment().get_template("page.html")
    return template.render(
        view=view,
        all=view,
        filters=Filters(),
        choices=choices(view.columns),
        editable=False,
        rev_default=rev or "HEAD",
        exported=True,
        shown_count=len(view.cards),
        css=static_text("board.css"),
        specs=specs,
    )


def write_export(source: BoardSource, rev: str | None, path: Path) -> Path:
    path.write_text(export_html(source, rev), encoding="utf-8")
    return path
