"""Where each Azure DevOps API lives, given the organization URL a user configured.

* Azure DevOps Services: ``https://dev.azure.com/ORG`` for work items, git and core, and
  ``https://vssps.dev.azure.com/ORG`` for identities and graph. The legacy host
  ``https://ORG.visualstudio.com`` pairs with ``https://ORG.vssps.visualstudio.com``.
* Azure DevOps Server (``https://host/tfs/COLLECTION``) and anything else, including the
  emulator (``http://ado.emulator/contoso``), use one base URL for everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ticketops.model.errors import ConfigError

SERVICES_HOST = "dev.azure.com"
SERVICES_IDENTITY_HOST = "vssps.dev.azure.com"
LEGACY_SUFFIX = ".visualstudio.com"
LEGACY_IDENTITY_SUFFIX = ".vssps.visualstudio.com"


@dataclass(frozen=True)
class OrgUrls:
    """Base URLs (no trailing slash) for one organization or collection."""

    base: str
    identities: str
    is_services: bool
    organization: str

    def join(self, path: str, *, identities: bool = False) -> str:
        """``base + "/" + path`` (``path`` is already percent-encoded, without leading slash)."""
        root = self.identities if identities else self.base
        return f"{root}/{path.lstrip('/')}"


def _refuse(url: str, why: str) -> ConfigError:
    return ConfigError(
        f"organization URL {url!r} {why}; use https://dev.azure.com/ORG (Azure DevOps Services) "
        "or https://server/tfs/COLLECTION (Azure DevOps Server)"
    )


def org_urls(org_url: str) -> OrgUrls:
    """Parse an organization/collection URL. Refuses URLs it would have to guess about."""
    raw = org_url.strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refuse(raw, "is not an http(s) URL")
    if parts.query or parts.fragment:
        raise _refuse(raw, "has a query or fragment")
    segments = [s for s in parts.path.split("/") if s]
    host = parts.hostname.lower()
    origin = f"{parts.scheme}://{parts.netloc}"
    if host == SERVICES_HOST:
        if len(segments) != 1:
            raise _refuse(raw, "must name exactly one organization after dev.azure.com/ (no project or repo)")
        org = segments[0]
        return OrgUrls(
            base=f"{origin}/{org}",
            identities=f"{parts.scheme}://{SERVICES_IDENTITY_HOST}/{org}",
            is_services=True,
            organization=org,
        )
    if host.endswith(LEGACY_SUFFIX) and host.count(".") == 2:
        if segments:
            raise _refuse(raw, "must not have a path after ORG.visualstudio.com")
        org = host.removesuffix(LEGACY_SUFFIX)
        return OrgUrls(
            base=origin,
            identities=f"{parts.scheme}://{org}{LEGACY_IDENTITY_SUFFIX}",
            is_services=True,
            organization=org,
        )
    if not segments:
        raise _refuse(raw, "has no collection or organization in its path")
    base = f"{origin}/{'/'.join(segments)}"
    return OrgUrls(base=base, identities=base, is_services=False, organization=segments[-1])


def seg(value: str | int) -> str:
    """Percent-encode one path segment (project names and types may hold spaces)."""
    return quote(str(value), safe="")
