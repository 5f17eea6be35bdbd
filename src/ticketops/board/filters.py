"""The board's filters, as they stand in the URL (``?assignee=...&tag=...&q=...``), so a filtered
board can be shared by its address."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from ticketops.board.view import BoardView, Card, Column

NAMES = ("assignee", "tag", "repo", "sync", "drift", "blocked", "q", "rev")


@dataclass(frozen=True)
class Filters:
    assignee: str = ""
    tag: str = ""
    repo: str = ""
    sync: str = ""
    drift: bool = False
    blocked: bool = False
    q: str = ""
    rev: str = ""  # not a filter of cards: the revision shown ("" is the working tree)

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> Filters:
        def flag(name: str) -> bool:
            return query.get(name, "").lower() in ("1", "on", "true", "yes")

        return cls(
            assignee=query.get("assignee", "").strip(),
            tag=query.get("tag", "").strip(),
            repo=query.get("repo", "").strip(),
            sync=query.get("sync", "").strip(),
            drift=flag("drift"),
            blocked=flag("blocked"),
            q=query.get("q", "").strip()[:200],
            rev=query.get("rev", "").strip()[:200],
        )

    @property
    def active(self) -> bool:
        return any((self.assignee, self.tag, self.repo, self.sync, self.drift, self.blocked, self.q))

    def keeps(self, card: Card) -> bool:
        if self.assignee and (card.assignee or "").lower() != self.assignee.lower():
            return False
        if self.tag and self.tag.lower() not in {t.lower() for t in card.tags}:
            return False
        if self.repo and (card.repo or "") != self.repo:
            return False
        if self.sync and card.sync.lower() != self.sync.lower():
            return False
        if self.drift and not card.drift:
            return False
        if self.blocked and not card.blocked:
            return False
        return not (self.q and not all(word in card.text() for word in self.q.lower().split()))

    def apply(self, view: BoardView) -> BoardView:
        columns = tuple(replace(c, cards=tuple(x for x in c.cards if self.keeps(x))) for c in view.columns)
        return replace(view, columns=columns)

    def query(self, **override: str) -> str:
        """The URL query of these filters (``override`` changes some), empty values left out."""
        values: dict[str, str] = {
            "assignee": self.assignee,
            "tag": self.tag,
            "repo": self.repo,
            "sync": self.sync,
            "drift": "1" if self.drift else "",
            "blocked": "1" if self.blocked else "",
            "q": self.q,
            "rev": self.rev,
        }
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v})


def choices(columns: tuple[Column, ...]) -> dict[str, list[str]]:
    """The values the filter menus offer: those on the board."""
    cards = [c for col in columns for c in col.cards]
    return {
        "assignee": sorted({c.assignee for c in cards if c.assignee}),
        "tag": sorted({t for c in cards for t in c.tags}, key=str.lower),
        "repo": sorted({c.repo for c in cards if c.repo}),
        "sync": sorted({c.sync for c in cards}),
    }
