"""Ticket keys for imported items: an item's ``ticketops:KEY`` marker wins; otherwise ``PREFIX-<id>``."""

from __future__ import annotations

from collections.abc import Iterable

from ticketops.model.live import LiveWorkItem


def assign_keys(items: Iterable[LiveWorkItem], prefix: str) -> tuple[dict[int, str], dict[int, str]]:
    """``(keys, refused)``: the key of each item id, and why the others get none (ambiguous
    ownership is refused, never guessed)."""
    items = list(items)
    keys: dict[int, str] = {}
    refused: dict[int, str] = {}
    claims: dict[str, list[int]] = {}
    for item in items:
        marked = item.marker_keys
        if len(marked) > 1:
            refused[item.id] = (
                f"#{item.id} carries marker tags for several tickets ({', '.join(marked)}); "
                "keep one ticketops:KEY tag on it in ADO, then import again"
            )
        elif marked:
            claims.setdefault(marked[0], []).append(item.id)
    for key, ids in claims.items():
        if len(ids) > 1:
            listed = ", ".join(f"#{i}" for i in ids)
            for i in ids:
                refused[i] = f"work items {listed} all carry the marker tag ticketops:{key}; remove it from all but one"
        else:
            keys[ids[0]] = key
    for item in items:
        if item.id in keys or item.id in refused:
            continue
        key = f"{prefix}-{item.id}"
        if key in claims:
            refused[item.id] = (
                f"its key {key} is already the marker of #{', #'.join(map(str, claims[key]))}; "
                "import with another --key-prefix"
            )
        else:
            keys[item.id] = key
    return keys, refused
