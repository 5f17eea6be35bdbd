"""Field values: from what a client sends to what is stored, with ADO's rule errors.

Each conversion either returns the stored value or a :class:`RuleError` in ADO's words
(``TF401320: Rule Error for field <name>. Error code: <flags>.``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ticketops.emulator import utf16
from ticketops.emulator.clock import parse_iso
from ticketops.emulator.db.records import FieldValue, Project
from ticketops.emulator.errors import RuleError
from ticketops.emulator.fields import STRING_LIMIT, FieldDef
from ticketops.emulator.identity import Ambiguous, Directory

PRIORITY_VALUES = (1, 2, 3, 4)
HTML_LIMIT = 1_000_000


def rule(f: FieldDef, flags: str, detail: str = "") -> RuleError:
    pretty = ", ".join(w[:1].upper() + w[1:] for w in flags.split(", "))
    msg = f"TF401320: Rule Error for field {f.name}. Error code: {pretty}."
    if detail:
        msg += f" {detail}"
    return RuleError(f.ref, flags, msg)


@dataclass(frozen=True)
class ValueContext:
    project: Project
    directory: Directory
    work_item_id: int  # -1 for a new item, as ADO reports it
    bypass_rules: bool = False


def normalize_tags(raw: str, project: Project) -> str:
    """ADO's tag rules: split on ';', trim, drop empties, de-dupe case-insensitively (the first
    casing the project ever saw wins), sort case-insensitively, join with '; '."""
    seen: dict[str, str] = {}
    for part in raw.split(";"):
        name = part.strip()
        if not name:
            continue
        low = name.lower()
        if low not in seen:
            seen[low] = project.tag_names.get(low, name)
    return "; ".join(sorted(seen.values(), key=str.lower))


def remember_tags(value: str, project: Project) -> None:
    for t in value.split(";"):
        name = t.strip()
        if name:
            project.tag_names.setdefault(name.lower(), name)


def convert(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    """Stored value for ``raw`` (None or "" clears), or the rule error ADO would report."""
    if raw is None or (isinstance(raw, str) and raw == "" and f.type != "html"):
        return None
    handler = _CONVERTERS[f.type]
    return handler(f, raw, ctx)


def _string(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        return rule(f, "invalidType")
    text = str(raw)
    if utf16.units(text) > STRING_LIMIT:
        return rule(
            f,
            "invalidTooLong",
            f"The value is {utf16.units(text)} characters long; at most {STRING_LIMIT} are allowed.",
        )
    if f.ref == "System.Title" and ("\n" in text or "\r" in text):
        return rule(f, "invalidCharacters")
    return text


def _plain(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    if not isinstance(raw, str):
        return rule(f, "invalidType")
    if f.ref == "System.Tags":
        return normalize_tags(raw, ctx.project) or None
    return raw


def _html(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    if not isinstance(raw, str):
        return rule(f, "invalidType")
    if utf16.units(raw) > HTML_LIMIT:
        return rule(f, "invalidTooLong")
    return raw or None


def _integer(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        value = int(raw.strip())
    if value is None:
        return rule(f, "invalidType", f"'{raw}' is not a whole number.")
    if f.ref == "Microsoft.VSTS.Common.Priority" and value not in PRIORITY_VALUES:
        return rule(
            f,
            "hasValues, limitedToValues, allowsOldValue, invalidListValue",
            f"'{value}' is not one of {list(PRIORITY_VALUES)}.",
        )
    return value


def _double(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    try:
        if isinstance(raw, bool):
            raise ValueError
        return float(raw)  # type: ignore[arg-type]  # a wrong type raises TypeError, caught below
    except (TypeError, ValueError):
        return rule(f, "invalidType", f"'{raw}' is not a number.")


def _boolean(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return rule(f, "invalidType")


def _date(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    ts = parse_iso(raw) if isinstance(raw, str) else None
    if ts is None:
        return rule(f, "invalidType", f"'{raw}' is not a date.")
    return ts


def _identity(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    if isinstance(raw, dict):
        key = raw.get("uniqueName") or raw.get("id") or raw.get("descriptor") or raw.get("displayName")
        raw = key if isinstance(key, str) else ""
        if not raw:
            return None
    if not isinstance(raw, str):
        return rule(f, "invalidType")
    flags = "hasValues, limitedToValues, allowsOldValue, invalidListValue"
    try:
        user = ctx.directory.resolve(raw)
    except Ambiguous:
        return rule(f, flags, f"The identity value '{raw}' for field '{f.name}' is an ambiguous identity.")
    if user is None and ctx.bypass_rules:
        return raw  # bypassRules stores any text, as the real service does
    if user is None:
        return rule(f, flags, f"The identity value '{raw}' for field '{f.name}' is an unknown identity.")
    return user


def _tree(f: FieldDef, raw: object, ctx: ValueContext) -> FieldValue | RuleError:
    if not isinstance(raw, str):
        return rule(f, "invalidType")
    table = ctx.project.areas if f.ref == "System.AreaPath" else ctx.project.iterations
    canonical = table.get(raw.strip().strip("\\").lower())
    if canonical is None:
        return RuleError(
            f.ref,
            "invalidPath",
            f"TF401347: Invalid tree name given for work item {ctx.work_item_id}, field '{f.ref}'.",
        )
    return canonical


_CONVERTERS = {
    "string": _string,
    "plainText": _plain,
    "html": _html,
    "integer": _integer,
    "double": _double,
    "boolean": _boolean,
    "dateTime": _date,
    "identity": _identity,
    "treePath": _tree,
}
