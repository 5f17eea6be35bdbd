"""Where each Azure DevOps API lives, given the organization URL a user configured.

* Azure DevOps Services: ``https://dev.azure.com/ORG`` for work items, git and core, and
  ``https://vssps.dev.azure.com/ORG`` for identities and graph. The legacy host
  ``https://ORG.visualstudio.com`` pairs with ``https://ORG.vssps.visualstudio.com``.
* Azure DevOps Server (``https://host/tfs/COLLECTION``) and anything else, including the
  emulator (``http://ado.emulator/contoso``), use one base URL for everything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ticketops.model.config import DEFAULT_TOKEN_ENV
from ticketops.model.errors import ConfigError

SERVICES_HOST = "dev.azure.com"
SERVICES_IDENTITY_HOST = "vssps.dev.azure.com"
LEGACY_SUFFIX = ".visualstudio.com"
LEGACY_IDENTITY_SUFFIX = ".vssps.visualstudio.com"


CONFIG_ORG_URL = "`organization_url:` in .tickets/config.yaml"


@dataclass(frozen=True)
class OrgUrlSource:
    """Where a run's organization URL came from, so an error about it names what to fix."""

    given_by: str | None = None  # "--org-url", "the TICKETOPS_ORG_URL environment variable"; None: config.yaml

    def check_with_project(self) -> str:
        """``check `project:` and ...``: the fix for a project that is not in the organization."""
        if self.given_by is None:
            return f"check `project:` and {CONFIG_ORG_URL}"
        return f"check `project:` in .tickets/config.yaml and the organization URL given by {self.given_by}"


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


_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def shown_url(url: str) -> str:
    """``url`` safe to print: ``***`` in place of a user name or password, and of any query or
    fragment (where a token could hide). Everything between the scheme and the last ``@`` counts
    as userinfo, so a password holding ``/``, ``?`` or ``#`` (or a URL without a scheme) is
    hidden too."""
    scheme = m.group(0) if (m := _SCHEME_RE.match(url)) else ""
    rest = url[len(scheme) :]
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    for mark in "?#":
        if mark in rest:
            rest = rest.split(mark, 1)[0] + mark + "***"
    return scheme + rest


def _refuse(url: str, why: str) -> ConfigError:
    return ConfigError(
        f"organization URL {shown_url(url)!r} {why}; use https://dev.azure.com/ORG (Azure DevOps Services) "
        "or https://server/tfs/COLLECTION (Azure DevOps Server)"
    )


def credentials_refusal(url: str) -> ConfigError:
    return ConfigError(
        f"organization URL {shown_url(url)!r} has a user name or password in it; ticketops never takes "
        "credentials from a URL: remove them, and put the token in the environment variable that "
        f"auth.token_env in .tickets/config.yaml names (default {DEFAULT_TOKEN_ENV})"
    )


def org_urls(org_url: str) -> OrgUrls:
    """Parse an organization/collection URL. Refuses URLs it would have to guess about, and any
    URL with credentials in it (they would end up in errors, logs and reprs)."""
    raw = org_url.strip()
    if "@" in raw:  # no organization or collection name holds '@': this is userinfo
        raise credentials_refusal(raw)
    try:
        parts = urlsplit(raw)
    except ValueError:  # e.g. an unclosed [IPv6 literal
        raise _refuse(raw, "is not a valid URL") from None
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
