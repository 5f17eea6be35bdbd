"""Where a git remote lives in Azure DevOps: organization URL, project and repository.

The forms git remotes take (Microsoft's "Clone a repository" docs and the az CLI's own parser,
azure-devops-cli-extension `uri_parse`/`get_vsts_info_from_url`):

* ``https://dev.azure.com/ORG/PROJECT/_git/REPO`` (also ``https://ORG@dev.azure.com/...``)
* ``git@ssh.dev.azure.com:v3/ORG/PROJECT/REPO``
* ``https://ORG.visualstudio.com[/DefaultCollection]/PROJECT/_git/REPO``
* ``ORG@vs-ssh.visualstudio.com:v3/ORG/PROJECT/REPO``
* Azure DevOps Server: ``https://HOST[/tfs]/COLLECTION/PROJECT/_git/REPO``
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class AdoRemote:
    organization_url: str
    project: str
    repository: str


_SSH_RE = re.compile(r"^(?:[^@/]+@)?(?:ssh\.dev\.azure\.com|vs-ssh\.visualstudio\.com):v3/([^/]+)/([^/]+)/([^/]+?)/?$")


def parse_remote(url: str) -> AdoRemote | None:
    """The ADO location of a remote URL, or None when it is not an Azure DevOps git URL."""
    url = url.strip()
    m = _SSH_RE.match(url)
    if m:
        org, project, repo = (unquote(g) for g in m.groups())
        host = "dev.azure.com" if "dev.azure.com" in url else f"{org}.visualstudio.com"
        base = f"https://dev.azure.com/{org}" if host == "dev.azure.com" else f"https://{host}"
        return AdoRemote(base, project, repo)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if "_git" not in segments:
        return None
    at = segments.index("_git")
    if at + 1 >= len(segments):
        return None
    repo, before = segments[at + 1], segments[:at]
    host = parts.hostname.lower()
    netloc = host + (f":{parts.port}" if parts.port else "")
    if host == "dev.azure.com":
        if len(before) < 1:
            return None
        org = before[0]
        project = before[1] if len(before) > 1 else repo  # `_git/REPO` right after the org: project = repo
        return AdoRemote(f"https://dev.azure.com/{org}", project, repo)
    if host.endswith(".visualstudio.com"):
        rest = before[1:] if before[:1] == ["DefaultCollection"] else before
        project = rest[0] if rest else repo
        return AdoRemote(f"https://{host}", project, repo)
    if len(before) < 2:  # a server needs a collection and a project before _git
        return None
    collection_path = "/".join(before[:-1])
    return AdoRemote(f"{parts.scheme}://{netloc}/{collection_path}", before[-1], repo)
