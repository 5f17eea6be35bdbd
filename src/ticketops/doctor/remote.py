"""Checks against Azure DevOps: reachable, signed in, the project, permissions, repos, states.

Each check reads (nothing is changed). The Work Items write check is a ``validateOnly=true``
create, which ADO validates and discards; in read-only mode it is not sent.
"""

from __future__ import annotations

from collections.abc import Callable

from ticketops.ado import (
    AdoClient,
    AdoError,
    AuthError,
    AuthInfo,
    NetworkError,
    NotFound,
    PatchOp,
    PermissionDenied,
    Repository,
    UnexpectedResponse,
)
from ticketops.ado.wiql import PROJECT_PROBE
from ticketops.doctor.report import Check, fail, ok, skip
from ticketops.live import LiveReader
from ticketops.model.config import BoardConfig
from ticketops.model.errors import ConfigError
from ticketops.plan import check_statuses

PROBE_EMAIL = "ticketops-doctor@example.invalid"


class Stop(Exception):
    """A check failed that every later check depends on."""


class RemoteChecks:
    def __init__(self, client: AdoClient, config: BoardConfig, auth: AuthInfo, *, read_only: bool) -> None:
        self.client = client
        self.config = config
        self.auth = auth
        self.read_only = read_only
        self.project = config.project
        self.checks: list[Check] = []
        self.me: str | None = None
        self._repos: dict[str, Repository] = {}

    def run(self) -> list[Check]:
        steps: tuple[Callable[[], Check], ...] = (
            self.connection,
            self.project_exists,
            self.work_item_type,
            self.work_items_read,
            self.work_items_write,
            self.code_read,
            self.linked_repos,
            self.code_write,
            self.identities,
        )
        for i, step in enumerate(steps):
            try:
                self.checks.append(step())
            except Stop:
                names = ", ".join(s.__name__.replace("_", " ") for s in steps[i + 1 :])
                self.checks.append(skip("remaining", f"not checked ({names}): fix the failure above first"))
                break
        return self.checks

    # ---- reachable and signed in ---------------------------------------------------------------
    def connection(self) -> Check:
        url = self.client.org_url
        try:
            data = self.client.connection_data()
        except NetworkError as e:
            self.checks.append(
                fail(
                    "connectivity",
                    f"cannot reach {url}: {e}",
                    "check organization_url (or --org-url), the network and any proxy",
                )
            )
            raise Stop from None
        except AuthError as e:
            self.checks.append(ok("connectivity", f"{url} answered"))
            self.checks.append(
                fail("authentication", f"the token ({self.auth.source}) was not accepted: {e}", _auth_fix(self.auth))
            )
            raise Stop from None
        except (NotFound, UnexpectedResponse, AdoError) as e:
            self.checks.append(
                fail(
                    "connectivity",
                    f"{url} is not an Azure DevOps organization: {e}",
                    "organization_url must be https://dev.azure.com/ORG or https://server/COLLECTION",
                )
            )
            raise Stop from None
        user = data.authenticated_user
        self.me = user.mail or user.account
        who = user.display_name or self.me or user.id
        self.checks.append(ok("connectivity", f"{url} answered with JSON"))
        return ok("authentication", f"signed in as {who} ({self.auth.source})")

    def project_exists(self) -> Check:
        try:
            project = self.client.get_project(self.project)
        except NotFound:
            names = ", ".join(sorted((p.name for p in self.client.list_projects()), key=str.lower)) or "(none)"
            self.checks.append(
                fail(
                    "project",
                    f"project {self.project!r} does not exist (or is not visible to "
                    f"this token); the organization's projects: {names}",
                    "set `project:` in .tickets/config.yaml to one of them",
                )
            )
            raise Stop from None
        return ok("project", f"{project.name} exists")

    def work_item_type(self) -> Check:
        reader = LiveReader(self.client, self.config)
        try:
            info = reader.type_info()
            check_statuses(self.config, info)
        except ConfigError as e:
            return fail("states", str(e))
        mapped = ", ".join(f"{s.name}={s.state}" for s in self.config.effective_statuses)
        return ok("states", f"work item type {info.name!r} has every configured state ({mapped})")

    # ---- permissions --------------------------------------------------------------------------
    def work_items_read(self) -> Check:
        query = PROJECT_PROBE
        try:
            self.client.wiql(self.project, query, top=1)
        except (PermissionDenied, AuthError) as e:
            return fail("work items read", str(e), "give the token the Work Items (Read & write) scope")
        return ok("work items read", "a WIQL query answered")

    def work_items_write(self) -> Check:
        if self.read_only:
            return skip("work items write", "not checked in read-only mode")
        wit = self.config.effective_work_item_type
        ops = [PatchOp.set_field("System.Title", "ticketops doctor: validateOnly check (never saved)")]
        try:
            self.client.create_work_item(self.project, wit, ops, validate_only=True)
        except (PermissionDenied, AuthError) as e:
            return fail(
                "work items write",
                str(e),
                "give the token the Work Items (Read & write) scope, and the "
                "user permission to create work items in the project",
            )
        except AdoError as e:
            return fail("work items write", f"a validateOnly create of a {wit!r} was refused: {e}")
        return ok("work items write", f"a validateOnly create of a {wit!r} was accepted (nothing was saved)")

    def code_read(self) -> Check:
        try:
            repos = self.client.list_repositories(self.project)
        except (PermissionDenied, AuthError) as e:
            return fail("code read", str(e), "give the token the Code (Read & write) scope")
        self._repos = {r.name.lower(): r for r in repos}
        return ok("code read", f"{len(repos)} repository(ies) listed")

    def linked_repos(self) -> Check:
        if not self.config.repos:
            return skip("repos", "config.yaml links no repos (branches and pull requests are off)")
        missing, no_branch = [], []
        known = self._repos
        for alias, link in sorted(self.config.repos.items()):
            repo = known.get(link.name.lower())
            if repo is None:
                missing.append(f"{alias} -> {link.name!r}")
                continue
            if self.client.ref_tip(self.project, repo.id, link.default_branch) is None:
                no_branch.append(f"{link.name!r} has no branch {link.default_branch!r}")
        if missing:
            return fail(
                "repos",
                f"not in project {self.project}: {', '.join(missing)} (its repos: "
                f"{', '.join(sorted(r.name for r in known.values())) or '(none)'})",
                "fix `repos:` in .tickets/config.yaml",
            )
        if no_branch:
            return fail("repos", "; ".join(no_branch), "push the branch, or set `default_branch:` of that repo")
        found = ", ".join(f"{a} -> {link.name}" for a, link in sorted(self.config.repos.items()))
        return ok("repos", f"linked repos found, with their default branches ({found})")

    def code_write(self) -> Check:
        return skip("code write", "cannot be verified without writing; the first branch ticketops creates will tell")

    def identities(self) -> Check:
        try:
            self.client.search_identity(self.me or PROBE_EMAIL)
        except (PermissionDenied, AuthError) as e:
            return fail("identities", str(e), "give the token the Identity (Read) and Graph (Read) scopes")
        return ok("identities", "identity search answered (assignees and reviewers can be resolved)")


def _auth_fix(auth: AuthInfo) -> str:
    if auth.mode == "pat":
        var = auth.env_var or "AZURE_DEVOPS_EXT_PAT"
        return (
            f"put a valid, unexpired personal access token for this organization in ${var} "
            "(scopes: Work Items read & write, Code read & write, Identity read)"
        )
    if auth.mode == "entra":
        return "sign in again (`az login`, or --device-code) with an account that is a member of the organization"
    return f"set ${auth.env_var or 'SYSTEM_ACCESSTOKEN'} to a valid token (in Azure Pipelines map System.AccessToken)"
