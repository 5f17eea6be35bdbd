"""The location service: ``OPTIONS /{org}/_apis`` and ``GET /{org}/_apis/ResourceAreas``.

Microsoft's SDKs (``azure-devops`` for Python, the .NET client libraries) never build URLs
themselves: the first call of a client asks ``OPTIONS {base}/_apis`` for the resource locations
(``{count, value: [ApiResourceLocation]}``), finds the entry whose ``id`` its generated code names
(``location_id=...``), fills that entry's ``routeTemplate`` and negotiates the api-version against
``minVersion``/``maxVersion``/``releasedVersion``. Before that, ``Connection.get_client`` reads
``ResourceAreas`` to learn which host serves each area.

The ids below are the ones ``azure-devops==7.1.0b4`` sends (``azure/devops/v7_1/*/*_client.py``);
the route templates are the spec's paths (``tests/contract/ado-rest-spec/7.1``, checked by
``tests/emulator/test_locations.py``) relative to the organisation, with the optional trailing
parameter the SDK drops when it has no value for it. ``connectionData`` and ``ResourceAreas`` are
not in the spec; their templates are the location service's own (``_apis/{resource}``).

Every resource area answers with the emulator's own organisation URL: real ADO sends identities and
Graph to ``vssps.dev.azure.com``, but a client of the emulator must never be sent to another host.
"""

from __future__ import annotations

from dataclasses import dataclass

from ticketops.emulator.errors import WEBAPI, AdoError
from ticketops.emulator.router import EmuRequest, EmuResponse, listing

MAX_VERSION = "7.1"


@dataclass(frozen=True)
class Location:
    id: str
    area: str
    resource: str
    template: str  # relative to the organisation, as the location service sends it
    resource_version: int  # the highest -preview.N this resource accepts
    ops: tuple[str, ...]  # the spec operationIds the template serves ("" for the location service's own)
    released: bool = True  # False: only preview versions exist (releasedVersion 0.0)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "area": self.area,
            "resourceName": self.resource,
            "routeTemplate": self.template,
            "resourceVersion": self.resource_version,
            "minVersion": "1.0",
            "maxVersion": MAX_VERSION,
            "releasedVersion": MAX_VERSION if self.released else "0.0",
        }


_P = "{project}/_apis"
_REPO = _P + "/git/repositories/{repositoryId}"
_PR = _REPO + "/pullRequests/{pullRequestId}"

LOCATIONS: tuple[Location, ...] = (
    # core
    Location("603fe2ac-9723-48b9-88ad-09305aa6c6e1", "core", "projects", "_apis/projects/{projectId}", 4,
             ("Projects_List", "Projects_Get")),
    # work item tracking
    Location("72c7ddf8-2cdc-4f60-90cd-ab71c14a399b", "wit", "workItems", _P + "/wit/workitems/{id}", 3,
             ("Work Items_List", "Work Items_Get Work Item", "Work Items_Update", "Work Items_Delete")),
    Location("62d3d110-0047-428c-ad3c-4fe872c91c74", "wit", "workItems", _P + "/wit/workitems/${type}", 3,
             ("Work Items_Create",)),
    Location("908509b6-4248-4475-a1cd-829139ba419f", "wit", "workItemsBatch", _P + "/wit/workitemsbatch", 1,
             ("Work Items_Get Work Items Batch",)),
    Location("1a9c53f7-f243-4447-b110-35ef023636e4", "wit", "wiql", "{project}/{team}/_apis/wit/wiql/{id}", 2,
             ("Wiql_Query By Wiql",)),
    Location("7c8d7a76-4a09-43e8-b5df-bd792f4ac6aa", "wit", "workItemTypes", _P + "/wit/workitemtypes/{type}", 2,
             ("Work Item Types_List", "Work Item Types_Get")),
    Location("7c9d7a76-4a09-43e8-b5df-bd792f4ac6aa", "wit", "workItemTypeStates",
             _P + "/wit/workitemtypes/{type}/states", 1, ("Work Item Type States_List",)),
    Location("6570bf97-d02c-4a91-8d93-3abe9895b1a9", "wit", "updates",
             _P + "/wit/workItems/{id}/updates/{updateNumber}", 3, ("Updates_List", "Updates_Get")),
    Location("a00c85a5-80fa-4565-99c3-bcd2181434bb", "wit", "revisions",
             _P + "/wit/workItems/{id}/revisions/{revisionNumber}", 3, ("Revisions_List", "Revisions_Get")),
    Location("608aac0a-32e1-4493-a863-b9cf4566d257", "wit", "comments",
             _P + "/wit/workItems/{workItemId}/comments/{commentId}", 4,
             ("Comments_Add Comment", "Comments_Get Comments Batch", "Comments_Get Comment"), released=False),
    # identities and Graph (vssps on real ADO)
    Location("28010c54-d0c0-4c89-a5b0-1c9e188b9fb7", "IMS", "Identities", "_apis/identities/{identityId}", 1,
             ("Identities_Read Identities",)),
    Location("005e26ec-6b77-4e4f-a986-b3827bf241f5", "Graph", "Users", "_apis/graph/users/{userDescriptor}", 1,
             ("Users_List",), released=False),
    # git
    Location("225f7195-f9c7-4d14-ab28-a83f7ff77e1f", "git", "repositories", _REPO, 1,
             ("Repositories_List", "Repositories_Get Repository")),
    Location("2d874a60-a811-4f62-9c9f-963a6ea0a55b", "git", "refs", _REPO + "/refs", 1,
             ("Refs_List", "Refs_Update Refs")),
    Location("ea98d07b-3c87-4971-8ede-a613694ffb55", "git", "pushes", _REPO + "/pushes/{pushId}", 2,
             ("Pushes_Create",)),
    Location("fb93c0db-47ed-4a31-8c20-47552878fb44", "git", "items", _REPO + "/items", 1, ("Items_List",)),
    Location("630fd2e4-fb88-4f85-ad21-13f3fd1fbca9", "git", "itemsBatch", _REPO + "/itemsbatch", 1,
             ("Items_Get Items Batch",)),
    Location("c2570c3b-5b3f-41b8-98bf-5407bfde8d58", "git", "commits", _REPO + "/commits/{commitId}", 1,
             ("Commits_Get",)),
    Location("9946fd70-0d40-406e-b686-b4744cbbcc37", "git", "pullRequests", _REPO + "/pullrequests/{pullRequestId}", 1,
             ("Pull Requests_Create", "Pull Requests_Get Pull Requests", "Pull Requests_Get Pull Request",
              "Pull Requests_Update")),
    Location("a5d28130-9cd2-40fa-9f08-902e7daa9efb", "git", "pullRequests", _P + "/git/pullrequests", 1,
             ("Pull Requests_Get Pull Requests By Project",)),
    Location("01a46dea-7d46-4d40-bc84-319e7c260d99", "git", "pullRequests", _P + "/git/pullrequests/{pullRequestId}", 1,
             ("Pull Requests_Get Pull Request By Id",)),
    Location("4b6702c7-aa35-4b89-9c96-b9abf6d3e540", "git", "pullRequestReviewers", _PR + "/reviewers/{reviewerId}", 1,
             ("Pull Request Reviewers_Create Pull Request Reviewer", "Pull Request Reviewers_List",
              "Pull Request Reviewers_Get", "Pull Request Reviewers_Delete")),
    Location("0a637fcc-5370-4ce8-b0e8-98091f5f9482", "git", "pullRequestWorkItems", _PR + "/workitems", 1,
             ("Pull Request Work Items_List",)),
    # the location service itself
    Location("00d9565f-ed9c-4a06-9a50-00e7896ccab4", "Location", "ConnectionData", "_apis/connectionData", 1, (),
             released=False),
    Location("e81700f7-3be2-46de-8624-2eb35882fcaa", "Location", "ResourceAreas", "_apis/ResourceAreas/{areaId}", 1,
             (), released=False),
)  # fmt: skip

# Every resource area the 7.1 SDK's clients name (``resource_area_identifier``). Those the emulator
# does not serve are listed too, at the emulator's URL: such a client then fails here, with
# "API resource location ... is not registered", instead of asking Microsoft's global SPS host.
RESOURCE_AREAS: tuple[tuple[str, str], ...] = (
    ("core", "79134c72-4a58-4b42-976c-04e7115f32bf"),
    ("wit", "5264459e-e5e0-4bd8-b118-0985e68a4ec5"),
    ("git", "4e080c62-fa21-4fbc-8fef-2a10a2b38049"),
    ("IMS", "8a3d49b8-91f0-46ef-b33d-dda338c25db3"),
    ("Graph", "bb1e7ec9-e901-4b68-999a-de7012b920f8"),
    ("Account", "0d55247a-1c47-4462-9b1f-5e2125590ee6"),
    ("Audit", "94ff054d-5ee1-413d-9341-3f4a7827de2e"),
    ("build", "965220d5-5bb9-42cf-8d67-9b146df2a5a4"),
    ("Contribution", "8477aec9-a4c7-4bd4-a456-ba4c53c989cb"),
    ("Dashboard", "31c84e0a-3ece-48fd-a29d-100849af99ba"),
    ("ExtensionManagement", "6c2b0933-3600-42ae-bf8b-93d4f7e83594"),
    ("Packaging", "7ab4e64e-c4d8-4f50-ae73-5ef2e21642a5"),
    ("gallery", "69d21c00-f135-441b-b5ce-3626378e0819"),
    ("maven", "6f7f8c07-ff36-473c-bcf3-bd6cc9b6c066"),
    ("MemberEntitlementManagement", "68ddce18-2501-45f1-a17b-7931a9922690"),
    ("npm", "4c83cfc1-f33a-477e-a789-29d38ffca52e"),
    ("nuget", "b3be7473-68ea-4a81-bfc7-9530baaa19ad"),
    ("pipelinePermissions", "a81a0441-de52-4000-aa15-ff0e07bfbbaa"),
    ("PipelinesChecks", "4a933897-0488-45af-bd82-6fd3ad33f46a"),
    ("policy", "fb13a388-40dd-4a04-b530-013a739c72ef"),
    ("Profile", "8ccfef3d-2b87-4e99-8ccb-66e343d2daa8"),
    ("projectanalysis", "7658fa33-b1bf-4580-990f-fac5896773d3"),
    ("Provenance", "b40c1171-807a-493a-8f3f-5c26d5e2f5aa"),
    ("pypi", "92f0314b-06c5-46e0-abe7-15fd9d13276a"),
    ("Release", "efc2f575-36ef-48e9-b672-0c6fb4a48ac5"),
    ("sbom", "2e504d18-2c0c-46f8-af8f-322d2af0068a"),
    ("search", "ea48a0a1-269c-42d8-b8ad-ddc8fcdcf578"),
    ("serviceendpoint", "1814ab31-2f4f-4a9f-8761-f4d77dc5a5d7"),
    ("symbol", "af607f94-69ba-4821-8159-f04e37b66350"),
    ("distributedtask", "a85b8835-c1a1-4aac-ae97-1c3d0ba72dbd"),
    ("Test", "c2aa639c-3ccc-4740-b3b6-ce2a1e1d984e"),
    ("testresults", "c83eaf52-edf3-4034-ae11-17d38f25404c"),
    ("tfvc", "8aa40520-446d-40e6-89f6-9c9f9ce44c48"),
    ("TokenAdmin", "af68438b-ed04-4407-9eb6-f1dbae3f922e"),
    ("upack", "d397749b-f115-4027-b6dd-77a65dd10d21"),
    ("wiki", "bf7d82a0-8aa5-4613-94ef-6172a5ea01f3"),
    ("work", "1d4f49f9-02b9-4e26-b826-2cdb6195f2a9"),
)


def is_location_query(method: str, path: str, org: str) -> bool:
    """``OPTIONS /_apis`` or ``OPTIONS /{org}/_apis`` (a trailing slash allowed)."""
    if method != "OPTIONS":
        return False
    return path.rstrip("/").lower() in ("/_apis", f"/{org.lower()}/_apis")


def options(req: EmuRequest, org: str) -> EmuResponse:
    """The resource locations. At the deployment (no organisation in the path) the emulator has
    none of its own: every resource it serves lives in the organisation."""
    if req.path.rstrip("/").lower() == "/_apis":
        return listing([])
    return listing([loc.to_json() for loc in LOCATIONS])


def resource_areas(org_base: str, area_id: str | None = None) -> EmuResponse:
    areas = [{"id": i, "name": n, "locationUrl": org_base + "/"} for n, i in RESOURCE_AREAS]
    if area_id is None:
        return listing(areas)
    for area in areas:
        if str(area["id"]).lower() == area_id.lower():
            return EmuResponse.json(area)
    raise AdoError(
        404,
        "ResourceAreaNotFoundException",
        f"The resource area {area_id} is not registered on this organization.",
        namespace=WEBAPI,
        event_id=3000,
    )
