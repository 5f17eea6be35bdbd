"""The work item fields the emulated organisation knows.

A reference name that is not here does not exist (``TF51535: Cannot find field``). Every type
accepts every field listed (a simplification: real types differ in which optional fields they
carry); the rules that matter to a client — read-only system fields, identities, tree paths,
the title limit, integer values — are enforced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["string", "plainText", "html", "integer", "double", "dateTime", "identity", "treePath", "boolean"]


@dataclass(frozen=True)
class FieldDef:
    ref: str
    name: str
    type: FieldType
    read_only: bool = False  # settable only with bypassRules=true
    system_only: bool = False  # never settable, not even with bypassRules

    @property
    def is_identity(self) -> bool:
        return self.type == "identity"


_F = FieldDef
FIELDS: tuple[FieldDef, ...] = (
    _F("System.Id", "ID", "integer", system_only=True),
    _F("System.Rev", "Rev", "integer", system_only=True),
    _F("System.TeamProject", "Team Project", "string", system_only=True),
    _F("System.WorkItemType", "Work Item Type", "string", system_only=True),
    _F("System.AreaPath", "Area Path", "treePath"),
    _F("System.IterationPath", "Iteration Path", "treePath"),
    _F("System.Title", "Title", "string"),
    _F("System.State", "State", "string"),
    _F("System.Reason", "Reason", "string"),
    _F("System.AssignedTo", "Assigned To", "identity"),
    _F("System.CreatedDate", "Created Date", "dateTime", read_only=True),
    _F("System.CreatedBy", "Created By", "identity", read_only=True),
    _F("System.ChangedDate", "Changed Date", "dateTime", read_only=True),
    _F("System.ChangedBy", "Changed By", "identity", read_only=True),
    _F("System.Description", "Description", "html"),
    _F("System.History", "History", "html"),
    _F("System.Tags", "Tags", "plainText"),
    _F("System.CommentCount", "Comment Count", "integer", system_only=True),
    _F("System.Parent", "Parent", "integer", system_only=True),
    _F("System.BoardColumn", "Board Column", "string", system_only=True),
    _F("Microsoft.VSTS.Common.Priority", "Priority", "integer"),
    _F("Microsoft.VSTS.Common.Severity", "Severity", "string"),
    _F("Microsoft.VSTS.Common.ValueArea", "Value Area", "string"),
    _F("Microsoft.VSTS.Common.AcceptanceCriteria", "Acceptance Criteria", "html"),
    _F("Microsoft.VSTS.Common.StateChangeDate", "State Change Date", "dateTime", read_only=True),
    _F("Microsoft.VSTS.Common.ActivatedDate", "Activated Date", "dateTime", read_only=True),
    _F("Microsoft.VSTS.Common.ActivatedBy", "Activated By", "identity", read_only=True),
    _F("Microsoft.VSTS.Common.ResolvedDate", "Resolved Date", "dateTime", read_only=True),
    _F("Microsoft.VSTS.Common.ResolvedBy", "Resolved By", "identity", read_only=True),
    _F("Microsoft.VSTS.Common.ClosedDate", "Closed Date", "dateTime", read_only=True),
    _F("Microsoft.VSTS.Common.ClosedBy", "Closed By", "identity", read_only=True),
    _F("Microsoft.VSTS.Common.BusinessValue", "Business Value", "integer"),
    _F("Microsoft.VSTS.Common.Risk", "Risk", "string"),
    _F("Microsoft.VSTS.Scheduling.StoryPoints", "Story Points", "double"),
    _F("Microsoft.VSTS.Scheduling.Effort", "Effort", "double"),
    _F("Microsoft.VSTS.Scheduling.Size", "Size", "double"),
    _F("Microsoft.VSTS.Scheduling.OriginalEstimate", "Original Estimate", "double"),
    _F("Microsoft.VSTS.Scheduling.RemainingWork", "Remaining Work", "double"),
    _F("Microsoft.VSTS.Scheduling.CompletedWork", "Completed Work", "double"),
    _F("Microsoft.VSTS.Scheduling.StartDate", "Start Date", "dateTime"),
    _F("Microsoft.VSTS.Scheduling.TargetDate", "Target Date", "dateTime"),
    _F("Microsoft.VSTS.Scheduling.DueDate", "Due Date", "dateTime"),
    _F("Microsoft.VSTS.TCM.ReproSteps", "Repro Steps", "html"),
    _F("Microsoft.VSTS.TCM.SystemInfo", "System Info", "html"),
    _F("Microsoft.VSTS.CMMI.RequirementType", "Requirement Type", "string"),
    _F("Microsoft.VSTS.CMMI.Blocked", "Blocked", "string"),
    _F("System.Links.LinkType", "Link Type", "string", system_only=True),  # link queries; never on an item
)

_BY_REF = {f.ref.lower(): f for f in FIELDS}
_BY_NAME = {f.name.lower(): f for f in FIELDS}
# Short names WIQL accepts besides the display names (``[State]``, ``[Id]``, ...).
_ALIASES = {
    "id": "System.Id",
    "rev": "System.Rev",
    "workitemtype": "System.WorkItemType",
    "assignedto": "System.AssignedTo",
    "areapath": "System.AreaPath",
    "iterationpath": "System.IterationPath",
    "teamproject": "System.TeamProject",
    "changeddate": "System.ChangedDate",
    "createddate": "System.CreatedDate",
    "changedby": "System.ChangedBy",
    "createdby": "System.CreatedBy",
}

STRING_LIMIT = 255  # single-line string fields (System.Title among them)


def field(ref_or_name: str) -> FieldDef | None:
    """Look up by reference name or display name, case-insensitively."""
    key = ref_or_name.strip().lower()
    found = _BY_REF.get(key) or _BY_NAME.get(key)
    if found is None and key in _ALIASES:
        found = _BY_REF[_ALIASES[key].lower()]
    return found


def canonical_ref(ref: str) -> str | None:
    f = field(ref)
    return f.ref if f else None
