"""Wire DTOs (pydantic, camelCase aliases, unknown fields ignored). Nothing here is a dict."""

from ticketops.ado.dto.common import AdoModel, IdentityRef, ListEnvelope, PropertyValue
from ticketops.ado.dto.core import ConnectionData, Identity, Project
from ticketops.ado.dto.git import (
    ZERO_OID,
    Change,
    CommitRef,
    GitItem,
    GitRef,
    ProjectRef,
    PullRequest,
    Push,
    PushRefUpdate,
    RefUpdate,
    RefUpdateResult,
    Repository,
    ResourceRef,
    Reviewer,
)
from ticketops.ado.dto.wit import (
    Comment,
    CommentList,
    FieldChange,
    FieldValue,
    PatchOp,
    Relation,
    RelationChanges,
    WiqlResult,
    WorkItem,
    WorkItemRef,
    WorkItemState,
    WorkItemType,
    WorkItemUpdate,
)

__all__ = [
    "ZERO_OID", "AdoModel", "Change", "Comment", "CommentList", "CommitRef", "ConnectionData",
    "FieldChange", "FieldValue", "GitItem", "GitRef", "Identity", "IdentityRef", "ListEnvelope",
    "PatchOp", "Project", "ProjectRef", "PropertyValue", "PullRequest", "Push", "PushRefUpdate",
    "RefUpdate", "RefUpdateResult", "Relation", "RelationChanges", "Repository", "ResourceRef",
    "Reviewer", "WiqlResult", "WorkItem", "WorkItemRef", "WorkItemState", "WorkItemType",
    "WorkItemUpdate",
]
