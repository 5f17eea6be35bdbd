"""State rules: the initial state, allowed transitions, Reason and the state-date fields."""

from __future__ import annotations

from ticketops.emulator.db.records import FieldValue, WorkItem
from ticketops.emulator.db.values import rule
from ticketops.emulator.errors import RuleError
from ticketops.emulator.fields import field as field_def
from ticketops.emulator.identity import User

STATE_FLAGS = "required, hasValues, limitedToValues, allowsOldValue, invalidListValue"
# Category -> the date/by fields ADO stamps when an item enters a state of that category.
_STAMPS = {
    "InProgress": ("Microsoft.VSTS.Common.ActivatedDate", "Microsoft.VSTS.Common.ActivatedBy"),
    "Resolved": ("Microsoft.VSTS.Common.ResolvedDate", "Microsoft.VSTS.Common.ResolvedBy"),
    "Completed": ("Microsoft.VSTS.Common.ClosedDate", "Microsoft.VSTS.Common.ClosedBy"),
}
_ORDER = ("Proposed", "InProgress", "Resolved", "Completed")


def apply_state_rules(
    item: WorkItem, fields: dict[str, FieldValue], touched: dict[str, object], by: User, now: float, bypass_rules: bool
) -> list[RuleError]:
    """Check and complete State/Reason in ``fields`` (the draft). Returns rule errors."""
    state_field = field_def("System.State")
    assert state_field is not None
    is_new = item.id == -1
    old = "" if is_new else item.state
    wanted = fields.get("System.State") if "System.State" in touched else (None if is_new else old)
    if wanted is None or wanted == "":
        if not is_new:
            return [rule(state_field, STATE_FLAGS, "State cannot be empty.")]
        wanted = item.type.initial_state
    state = item.type.state(str(wanted))
    if state is None:
        names = ", ".join(s.name for s in item.type.states)
        return [rule(state_field, STATE_FLAGS, f"'{wanted}' is not a state of {item.type.name}. States: {names}.")]
    fields["System.State"] = state.name
    if state.name == old:
        return []
    allowed = item.type.allowed_targets(old)
    if state.name not in allowed and not bypass_rules:
        start = old or "(new item)"
        return [
            rule(
                state_field,
                STATE_FLAGS,
                f"{item.type.name} cannot move from '{start}' to '{state.name}'. Allowed: {', '.join(allowed)}.",
            )
        ]
    if "System.Reason" not in touched or not fields.get("System.Reason"):
        fields["System.Reason"] = item.type.initial_reason if is_new else f"Moved to state {state.name}"
    fields["Microsoft.VSTS.Common.StateChangeDate"] = now
    _stamp_dates(fields, state.category, by, now)
    return []


def _stamp_dates(fields: dict[str, FieldValue], category: str, by: User, now: float) -> None:
    rank = _ORDER.index(category) if category in _ORDER else -1
    for cat, (date_ref, by_ref) in _STAMPS.items():
        if rank >= _ORDER.index(cat) and category != "Removed":
            if cat == category or date_ref not in fields:
                fields[date_ref] = now
                fields[by_ref] = by
        elif category != "Removed":
            fields.pop(date_ref, None)
            fields.pop(by_ref, None)
