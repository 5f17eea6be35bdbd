"""JSON Patch documents, as the work item API accepts them.

Paths: ``/fields/<ref>``, ``/relations/-``, ``/relations/<n>`` (and ``/relations/<n>/attributes...``),
``/multilineFieldsFormat/<ref>``, ``/rev`` and ``/id`` (``test`` only). ``copy`` and ``move`` are
refused rather than guessed at.
"""

from __future__ import annotations

from dataclasses import dataclass

from ticketops.emulator.errors import AdoError, bad_request

OPS = ("add", "replace", "remove", "test")
BAD_DOCUMENT = "You must pass a valid patch document in the body of the request."


@dataclass(frozen=True)
class PatchOp:
    op: str
    path: str
    value: object = None

    @property
    def parts(self) -> list[str]:
        return [p.replace("~1", "/").replace("~0", "~") for p in self.path.split("/")[1:]]

    @property
    def target(self) -> str:
        """``fields``, ``relations``, ``multilineFieldsFormat``, ``rev`` or ``id``."""
        parts = self.parts
        return parts[0] if parts else ""


def parse_patch(doc: object) -> list[PatchOp]:
    if not isinstance(doc, list) or not doc:
        raise bad_request(BAD_DOCUMENT, "VssPropertyValidationException")
    ops: list[PatchOp] = []
    for i, raw in enumerate(doc):
        ops.append(_parse_one(i, raw))
    return ops


def _parse_one(i: int, raw: object) -> PatchOp:
    if not isinstance(raw, dict) or not isinstance(raw.get("op"), str) or not isinstance(raw.get("path"), str):
        raise bad_request(
            f"{BAD_DOCUMENT} Operation {i} needs string 'op' and 'path'.", "VssPropertyValidationException"
        )
    op = str(raw["op"]).lower()
    path = str(raw["path"])
    if op in ("copy", "move"):
        raise _unsupported(f"The '{op}' operation is not supported for work items.")
    if op not in OPS:
        raise bad_request(f"{BAD_DOCUMENT} Unknown operation '{raw['op']}'.", "VssPropertyValidationException")
    if not path.startswith("/"):
        raise _unsupported(f"Invalid JSON Patch path '{path}': a path starts with '/'.")
    parsed = PatchOp(op, path, raw.get("value"))
    if parsed.target not in ("fields", "relations", "multilineFieldsFormat", "rev", "id"):
        raise _unsupported(f"The path '{path}' is not supported.")
    if parsed.target in ("rev", "id") and op != "test":
        raise _unsupported(f"The path '{path}' is read-only; only 'test' is allowed on it.")
    if parsed.target == "fields" and len(parsed.parts) != 2:
        raise _unsupported(f"The path '{path}' is not a field path (/fields/<reference name>).")
    return parsed


def _unsupported(message: str) -> AdoError:
    return bad_request(message, "WorkItemPatchNotSupportedException")
