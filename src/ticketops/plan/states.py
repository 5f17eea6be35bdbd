"""State rules: the config's statuses against the states the type really has, and walks over
the process's allowed transitions."""

from __future__ import annotations

from collections import deque

from ticketops.model.config import BoardConfig
from ticketops.model.errors import ConfigError
from ticketops.model.live import WorkItemTypeInfo


def check_statuses(config: BoardConfig, type_info: WorkItemTypeInfo) -> None:
    """Stop before any write when the config names states the work item type does not have.

    This is how a config that says ``agile`` meets a Scrum project: the message lists the
    states the type really has, so the fix is obvious.
    """
    missing = [f"{s.name} -> {s.state!r}" for s in config.effective_statuses if type_info.find_state(s.state) is None]
    if not missing:
        return
    real = ", ".join(type_info.state_names) or "(none)"
    raise ConfigError(
        f"the statuses in .tickets/config.yaml map to states that work item type "
        f"{type_info.name!r} in project {config.project!r} does not have: {'; '.join(missing)}.\n"
        f"States {type_info.name!r} really has: {real}.\n"
        f"Fix: set `process:` to the project's process template (config says {config.process.value!r}), "
        f"or set `statuses:` to use those states. Nothing was written."
    )


def canonical_state(type_info: WorkItemTypeInfo, name: str) -> str:
    """The state's spelling as the type has it (ADO compares state names case-insensitively)."""
    found = type_info.find_state(name)
    return found.name if found else name


def _neighbours(type_info: WorkItemTypeInfo, state: str) -> tuple[str, ...]:
    for src, targets in type_info.transitions.items():
        if src.lower() == state.lower():
            return tuple(canonical_state(type_info, t) for t in targets)
    return ()


def state_path(type_info: WorkItemTypeInfo, start: str | None, target: str) -> tuple[str, ...] | None:
    """The states to set, in order, to go from ``start`` to ``target``.

    ``start=None`` is a new item, which starts in the type's initial state. Returns ``()``
    when already there and ``None`` when the process allows no way there. When the server
    reported no transitions at all, a direct move is assumed.
    """
    origin = start if start is not None else type_info.initial_state
    if origin.lower() == target.lower():
        return ()
    target = canonical_state(type_info, target)
    if not any(k for k in type_info.transitions):
        return (target,)
    prev: dict[str, str | None] = {origin.lower(): None}
    names: dict[str, str] = {origin.lower(): origin}
    queue = deque([origin])
    while queue:
        here = queue.popleft()
        for nxt in _neighbours(type_info, here):
            if nxt.lower() in prev:
                continue
            prev[nxt.lower()] = here.lower()
            names[nxt.lower()] = nxt
            if nxt.lower() == target.lower():
                return _unwind(prev, names, nxt.lower())
            queue.append(nxt)
    return None


def _unwind(prev: dict[str, str | None], names: dict[str, str], end: str) -> tuple[str, ...]:
    path: list[str] = []
    node: str | None = end
    while node is not None and prev[node] is not None:
        path.append(names[node])
        node = prev[node]
    return tuple(reversed(path))
