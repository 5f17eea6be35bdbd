"""A work item's relations (``$expand=relations``) as link entries for ``KEY.links.yaml``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote

from ticketops.ado import Relation
from ticketops.importer.sidecar import LinkEntry

WORK_ITEM_KINDS = {
    "system.linktypes.hierarchy-reverse": "parent",
    "system.linktypes.hierarchy-forward": "child",
    "system.linktypes.related": "related",
    "system.linktypes.dependency-reverse": "predecessor",
    "system.linktypes.dependency-forward": "successor",
}
_WORK_ITEM_URL_RE = re.compile(r"/_apis/wit/workItems/(\d+)/?$", re.IGNORECASE)
_PR_URL_RE = re.compile(r"^vstfs:///Git/PullRequestId/(.+)$", re.IGNORECASE)
_KIND_ORDER = (
    "parent",
    "child",
    "related",
    "predecessor",
    "successor",
    "pull-request",
    "artifact",
    "hyperlink",
    "attachment",
)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _pull_request(rel: Relation) -> LinkEntry | None:
    m = _PR_URL_RE.match(rel.url)
    if m is None:
        return None
    parts = unquote(m.group(1)).split("/")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    return LinkEntry(
        "pull-request",
        rel.url,
        pull_request_id=int(parts[2]),
        repository_id=parts[1],
        project_id=parts[0],
        name=_str(rel.attributes.get("name")),
    )


def link_entry(rel: Relation, keys: Mapping[int, str]) -> LinkEntry:
    kind = WORK_ITEM_KINDS.get(rel.rel.lower())
    comment = _str(rel.attributes.get("comment"))
    if kind is not None:
        m = _WORK_ITEM_URL_RE.search(rel.url)
        other = int(m.group(1)) if m else None
        return LinkEntry(kind, rel.url, id=other, key=keys.get(other) if other else None, comment=comment)
    if rel.rel == "ArtifactLink":
        return _pull_request(rel) or LinkEntry(
            "artifact", rel.url, name=_str(rel.attributes.get("name")), comment=comment
        )
    if rel.rel == "Hyperlink":
        return LinkEntry("hyperlink", rel.url, comment=comment)
    if rel.rel == "AttachedFile":
        return LinkEntry("attachment", rel.url, name=_str(rel.attributes.get("name")), comment=comment)
    return LinkEntry(rel.rel, rel.url, comment=comment)


def link_entries(relations: Iterable[Relation], keys: Mapping[int, str]) -> list[LinkEntry]:
    """Every relation, grouped by kind (parents first), in ADO's order within a kind."""
    entries = [link_entry(r, keys) for r in relations]
    order = {k: i for i, k in enumerate(_KIND_ORDER)}
    return sorted(entries, key=lambda e: order.get(e.kind, len(order)))
