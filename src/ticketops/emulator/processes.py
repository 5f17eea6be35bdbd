"""Process templates: the work item types, states and transitions of each process.

Azure DevOps Services' inherited processes allow a move from any state to any other state (the
``transitions`` of a live Agile ``Bug`` list every state from every state; ``""`` lists only the
initial state, so a new item starts there). The CMMI ``Requirement`` here keeps the strict,
step-by-step workflow of the classic (XML) CMMI template, stricter still on one point: a
Proposed requirement cannot be closed directly (the classic template allowed it as "Rejected").
That keeps one process where the reconciler must walk Proposed -> Active -> Resolved -> Closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ticketops.model.config import Process

Proposed, InProgress, Resolved, Completed, Removed = "Proposed", "InProgress", "Resolved", "Completed", "Removed"

_COLORS = {
    "New": "b2b2b2",
    "Proposed": "b2b2b2",
    "To Do": "b2b2b2",
    "Approved": "b2b2b2",
    "Open": "b2b2b2",
    "Design": "b2b2b2",
    "Active": "007acc",
    "Committed": "007acc",
    "In Progress": "007acc",
    "Doing": "007acc",
    "Resolved": "ff9d00",
    "Closed": "339933",
    "Done": "339933",
    "Removed": "ffffff",
}


@dataclass(frozen=True)
class StateDef:
    name: str
    category: str

    @property
    def color(self) -> str:
        return _COLORS.get(self.name, "b2b2b2")


@dataclass(frozen=True)
class WorkItemTypeDef:
    name: str
    reference_name: str
    color: str
    icon: str
    states: tuple[StateDef, ...]
    description: str = ""
    initial_reason: str = "New"
    # from-state -> allowed to-states; None means "any state to any other state".
    strict_transitions: dict[str, tuple[str, ...]] | None = None

    @property
    def initial_state(self) -> str:
        return self.states[0].name

    def state(self, name: str) -> StateDef | None:
        for s in self.states:
            if s.name.lower() == name.lower():
                return s
        return None

    def allowed_targets(self, current: str) -> tuple[str, ...]:
        """States reachable in one step from ``current`` (``""`` = a new item)."""
        if current == "":
            return (self.initial_state,)
        if self.strict_transitions is None:
            return tuple(s.name for s in self.states)
        return (current, *self.strict_transitions.get(current, ()))

    def transitions_json(self) -> dict[str, list[dict[str, object]]]:
        out: dict[str, list[dict[str, object]]] = {}
        for s in self.states:
            out[s.name] = [{"to": t, "actions": None} for t in self.allowed_targets(s.name)]
        out[""] = [{"to": self.initial_state, "actions": None}]
        return out


def _states(*pairs: tuple[str, str]) -> tuple[StateDef, ...]:
    return tuple(StateDef(n, c) for n, c in pairs)


def _t(name: str, ref: str, color: str, icon: str, states: tuple[StateDef, ...], **kw: object) -> WorkItemTypeDef:
    return WorkItemTypeDef(name, f"Microsoft.VSTS.WorkItemTypes.{ref}", color, icon, states, **kw)  # type: ignore[arg-type]  # kw holds WorkItemTypeDef's optional fields


_NARCR = _states(
    ("New", Proposed), ("Active", InProgress), ("Resolved", Resolved), ("Closed", Completed), ("Removed", Removed)
)
_PARCR = _states(
    ("Proposed", Proposed), ("Active", InProgress), ("Resolved", Resolved), ("Closed", Completed), ("Removed", Removed)
)
_PARC = _states(("Proposed", Proposed), ("Active", InProgress), ("Resolved", Resolved), ("Closed", Completed))
_TDD = _states(("To Do", Proposed), ("Doing", InProgress), ("Done", Completed))

# CMMI Requirement: one step at a time (see the module docstring).
_CMMI_REQUIREMENT_FLOW: dict[str, tuple[str, ...]] = {
    "Proposed": ("Active", "Removed"),
    "Active": ("Resolved", "Proposed", "Removed"),
    "Resolved": ("Closed", "Active"),
    "Closed": ("Active",),
    "Removed": ("Proposed",),
}

PROCESSES: dict[Process, tuple[WorkItemTypeDef, ...]] = {
    Process.AGILE: (
        _t("Epic", "Epic", "FF7B00", "icon_crown", _NARCR),
        _t("Feature", "Feature", "773B93", "icon_trophy", _NARCR),
        _t("User Story", "UserStory", "009CCC", "icon_book", _NARCR),
        _t(
            "Task",
            "Task",
            "F2CB1D",
            "icon_clipboard",
            _states(("New", Proposed), ("Active", InProgress), ("Closed", Completed), ("Removed", Removed)),
        ),
        _t(
            "Bug",
            "Bug",
            "CC293D",
            "icon_insect",
            _states(("New", Proposed), ("Active", InProgress), ("Resolved", Resolved), ("Closed", Completed)),
        ),
        _t("Issue", "Issue", "B4009E", "icon_traffic_cone", _states(("Active", InProgress), ("Closed", Completed))),
    ),
    Process.SCRUM: (
        _t(
            "Epic",
            "Epic",
            "FF7B00",
            "icon_crown",
            _states(("New", Proposed), ("In Progress", InProgress), ("Done", Completed), ("Removed", Removed)),
        ),
        _t(
            "Feature",
            "Feature",
            "773B93",
            "icon_trophy",
            _states(("New", Proposed), ("In Progress", InProgress), ("Done", Completed), ("Removed", Removed)),
        ),
        _t(
            "Product Backlog Item",
            "ProductBacklogItem",
            "009CCC",
            "icon_list",
            _states(
                ("New", Proposed),
                ("Approved", Proposed),
                ("Committed", InProgress),
                ("Done", Completed),
                ("Removed", Removed),
            ),
            initial_reason="New backlog item",
        ),
        _t(
            "Task",
            "Task",
            "F2CB1D",
            "icon_clipboard",
            _states(("To Do", Proposed), ("In Progress", InProgress), ("Done", Completed), ("Removed", Removed)),
            initial_reason="New task",
        ),
        _t(
            "Bug",
            "Bug",
            "CC293D",
            "icon_insect",
            _states(
                ("New", Proposed),
                ("Approved", Proposed),
                ("Committed", InProgress),
                ("Done", Completed),
                ("Removed", Removed),
            ),
            initial_reason="New defect reported",
        ),
        _t(
            "Impediment",
            "Impediment",
            "B4009E",
            "icon_traffic_cone",
            _states(("Open", InProgress), ("Closed", Completed)),
        ),
    ),
    Process.BASIC: (
        _t("Epic", "Epic", "FF7B00", "icon_crown", _TDD, initial_reason="Added to backlog"),
        _t("Issue", "Issue", "339947", "icon_clipboard_issue", _TDD, initial_reason="Added to backlog"),
        _t("Task", "Task", "F2CB1D", "icon_clipboard", _TDD, initial_reason="Added to backlog"),
    ),
    Process.CMMI: (
        _t("Epic", "Epic", "FF7B00", "icon_crown", _PARCR),
        _t("Feature", "Feature", "773B93", "icon_trophy", _PARCR),
        _t("Requirement", "Requirement", "009CCC", "icon_book", _PARCR, strict_transitions=_CMMI_REQUIREMENT_FLOW),
        _t("Task", "Task", "F2CB1D", "icon_clipboard", _PARC),
        _t("Bug", "Bug", "CC293D", "icon_insect", _PARC),
        _t("Change Request", "ChangeRequest", "4F9D4F", "icon_review", _PARC),
        _t("Issue", "Issue", "B4009E", "icon_traffic_cone", _PARC),
        _t("Risk", "Risk", "5C197B", "icon_gear", _PARC),
        _t("Review", "Review", "0B7E72", "icon_chat_bubble", _states(("Active", InProgress), ("Closed", Completed))),
    ),
}

# Fixed process template ids of the four system processes (as ADO reports them).
PROCESS_IDS: dict[Process, str] = {
    Process.AGILE: "adcc42ab-9882-485e-a3ed-7678f01f66bc",
    Process.SCRUM: "6b724908-ef14-45cf-84f8-768b5384da45",
    Process.BASIC: "b8a3a935-7e91-48b8-a94c-606d37c3e9f2",
    Process.CMMI: "27450541-8e31-4150-9947-dc59f998fc01",
}

PROCESS_NAMES: dict[Process, str] = {
    Process.AGILE: "Agile",
    Process.SCRUM: "Scrum",
    Process.BASIC: "Basic",
    Process.CMMI: "CMMI",
}


@dataclass(frozen=True)
class ProcessTemplate:
    process: Process
    types: tuple[WorkItemTypeDef, ...] = field(default=())

    def type(self, name: str) -> WorkItemTypeDef | None:
        for t in self.types:
            if t.name.lower() == name.lower():
                return t
        return None


def template(process: Process) -> ProcessTemplate:
    return ProcessTemplate(process, PROCESSES[process])
