"""Core and identity calls: projects, the signed-in user, identity search (cached)."""

from __future__ import annotations

import threading

from ticketops.ado import routes
from ticketops.ado.base import ApiBase
from ticketops.ado.dto.common import ListEnvelope
from ticketops.ado.dto.core import ConnectionData, Identity, Project


class CoreApi(ApiBase):
    _identity_cache: dict[str, Identity | None]
    _identity_lock: threading.Lock

    def list_projects(self) -> list[Project]:
        return self._list_continuation(routes.PROJECTS_LIST, Project, path={})

    def get_project(self, name_or_id: str, *, capabilities: bool = False) -> Project:
        """The project; with ``capabilities``, its process template too (``includeCapabilities``,
        which ADO answers only when asked: core.json, Projects - Get)."""
        params = {"includeCapabilities": "true"} if capabilities else None
        return self._req.call(routes.PROJECT_GET, path={"projectId": name_or_id}, params=params).parse(Project)

    def connection_data(self) -> ConnectionData:
        """Who the token belongs to (``GET _apis/connectionData``), for ``doctor``."""
        return self._req.call(routes.CONNECTION_DATA, path={}).parse(ConnectionData)

    def search_identity(self, email: str) -> Identity | None:
        """The identity with this e-mail (or unique name); None when ADO knows no such person.

        Answers are cached per client, misses included, so each address costs one request.
        """
        key = email.strip().lower()
        with self._identity_lock:
            if key in self._identity_cache:
                return self._identity_cache[key]
        params = {"searchFilter": "General", "filterValue": email.strip(), "queryMembership": "None"}
        found = self._req.call(routes.IDENTITIES, path={}, params=params).parse(ListEnvelope[Identity]).value
        match = _best_match(found, key)
        with self._identity_lock:
            self._identity_cache[key] = match
        return match

    def forget_identity_misses(self) -> None:
        """Drop the cached "nobody" answers, keeping the people found. A client kept across
        passes (``reconcile --every``, ``watch``) calls this at the start of each pass, so a
        person added to the organisation since is found and the ticket they blocked goes ahead."""
        with self._identity_lock:
            for key in [k for k, v in self._identity_cache.items() if v is None]:
                del self._identity_cache[key]


def _best_match(found: list[Identity], key: str) -> Identity | None:
    """Prefer the identity whose mail/account is exactly the address; else a single result."""
    for ident in found:
        if key in {(ident.mail or "").lower(), (ident.account or "").lower()}:
            return ident
    return found[0] if len(found) == 1 else None
