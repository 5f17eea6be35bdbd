"""Spec conformance: does one HTTP request match an operation of the official ADO 7.1 OpenAPI?

Checks method + path template (case-insensitive; ``$``-prefixed literal segments such as
``workitems/$User%20Story``; the org/collection base and host stripped), the ``api-version``
value of that operation, the query parameter names (and enum/boolean/integer values), the
``Content-Type`` and the JSON body against the body schema (``$ref``s resolved, required
properties, JSON types, unknown properties). Whatever the spec does not describe fails, except
the explicit wire-notes list below.

Used two ways: unit-tested directly, and wired by ``tests/conftest.py`` as an observer of every
request the emulator serves to *our* client (``User-Agent: ticketops/...``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

SPEC_FILES = ("wit.json", "git.json", "core.json", "graph.json", "identities.json")
_API_VERSION_RE = re.compile(r"set to '([^']+)'")

# ---- explicit exceptions (keep these lists short and commented) ---------------------------

# Operations the wire notes / spec README describe outside the spec's `paths`:
#  * WIQL without {team}: "The service also accepts /{organization}/{project}/_apis/wit/wiql".
#  * `Items - Get` (one file, `items?path=`) and `Comments - Get Comments` (the list) are missing
#    from `paths` because they share a path with another operation; the spec files keep them
#    under `x-ms-paths` (keys `items?path={path}` and `comments?`), which are loaded as well.
WIRE_NOTES_ALIASES: dict[str, tuple[str, str]] = {
    # operationId of the copy -> (operationId it copies, path template it is served on)
    "Wiql_Query By Wiql (no team)": ("Wiql_Query By Wiql", "/{organization}/{project}/_apis/wit/wiql"),
}
WIRE_NOTES_X_MS_PATHS = ("Items_Get", "Comments_Get Comments")

# Not in the spec nor in the wire notes, but called by ticketops: GET _apis/connectionData
# ("who am I" for `doctor`), which every official client library uses. Listed explicitly so
# that nothing else undocumented slips through.
UNDOCUMENTED_ALLOWED: dict[str, dict[str, Any]] = {
    "ConnectionData_Get": {
        "method": "GET",
        "path": "/{organization}/_apis/connectionData",
        "apiVersion": "7.1-preview.1",
        "query": {"connectOptions": {"type": "string"}, "lastChangeId": {"type": "integer"}},
    },
}

# Documented quirks of the spec's schemas versus the wire (spec README, "Known gaps"):
#  1. `JsonPatchDocument` is declared as an object with `allOf: [array]`; on the wire it is an
#     array of `JsonPatchOperation` (sent as application/json-patch+json).
#  2. `GitChange.item` is typed string; the wire sends an object `{"path": "/file"}`.
#  3. A bare `{"type": "object"}` (no properties) is .NET `object`/JToken: any JSON value, e.g.
#     `JsonPatchOperation.value` (strings, numbers, relation objects) and work item field values.
#  4. Enum values are compared case-insensitively (`rawtext` vs `rawText`; the server accepts both).
ARRAY_DEFINITIONS = {"JsonPatchDocument": "JsonPatchOperation"}
OBJECT_OR_SPEC_TYPE = {("GitChange", "item"), ("Change", "item")}

# The spec marks no property as required; these are required on the wire (wire notes, and the
# ADO docs for each request body).
REQUIRED_PROPERTIES: dict[str, tuple[str, ...]] = {
    "JsonPatchOperation": ("op", "path"),
    "Wiql": ("query",),
    "WorkItemBatchGetRequest": ("ids",),
    "GitRefUpdate": ("name", "oldObjectId"),
    "GitPush": ("refUpdates", "commits"),
    "GitCommitRef": ("changes",),
    "GitChange": ("changeType", "item"),
    "CommentCreate": ("text",),
}
REQUIRED_BY_OPERATION: dict[str, tuple[str, ...]] = {
    "Pull Requests_Create": ("sourceRefName", "targetRefName", "title"),
    "Refs_Update Refs": ("name", "oldObjectId", "newObjectId"),  # items of the array body
}


@dataclass(frozen=True)
class QueryParam:
    name: str
    required: bool = False
    type: str = "string"
    enum: tuple[str, ...] = ()


@dataclass
class Operation:
    operation_id: str
    method: str
    template: str
    api_version: str
    query: dict[str, QueryParam]
    body: dict[str, Any] | None
    consumes: tuple[str, ...]
    definitions: dict[str, Any]
    path_types: dict[str, str] = field(default_factory=dict)

    @property
    def segments(self) -> list[str]:
        return [s for s in self.template.split("/") if s][1:]  # without {organization}


@dataclass(frozen=True)
class Violation:
    method: str
    path: str
    why: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path}: " + "; ".join(self.why)


@dataclass
class CheckResult:
    operation_id: str | None
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _load_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8-sig"))


def _param(spec: dict[str, Any], p: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in p:
        return spec["parameters"][p["$ref"].rsplit("/", 1)[-1]]
    return p


def _operations_of(spec: dict[str, Any], paths: dict[str, Any]) -> list[Operation]:
    out = []
    for raw_path, methods in paths.items():
        template, _, discriminator = raw_path.partition("?")
        for method, op in methods.items():
            params = [_param(spec, p) for p in op.get("parameters", [])]
            version = next(
                (_API_VERSION_RE.search(p.get("description", "")) for p in params if p["name"] == "api-version"), None
            )
            query = {
                p["name"]: QueryParam(
                    p["name"], bool(p.get("required")), p.get("type", "string"), tuple(p.get("enum", ()))
                )
                for p in params
                if p.get("in") == "query" and p["name"] != "api-version"
            }
            for name in re.findall(r"([^=&]+)=\{", discriminator):
                query[name] = QueryParam(
                    name, True, query.get(name, QueryParam(name)).type, query.get(name, QueryParam(name)).enum
                )
            body = next((p for p in params if p.get("in") == "body"), None)
            out.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    template=template,
                    api_version=version.group(1) if version else "",
                    query=query,
                    body=body,
                    consumes=tuple(op.get("consumes") or ("application/json",)),
                    definitions=spec["definitions"],
                    path_types={p["name"]: p.get("type", "string") for p in params if p.get("in") == "path"},
                )
            )
    return out


class SpecIndex:
    """Every operation of the five spec files, plus the explicit wire-notes additions."""

    def __init__(self, operations: list[Operation]) -> None:
        self.operations = operations
        self.by_id = {op.operation_id: op for op in operations}

    @classmethod
    def load(cls, spec_dir: Path) -> SpecIndex:
        ops: list[Operation] = []
        for name in SPEC_FILES:
            spec = _load_json(spec_dir / name)
            ops += _operations_of(spec, spec["paths"])
            ops += _operations_of(spec, spec.get("x-ms-paths") or {})
        by_id = {op.operation_id: op for op in ops}
        for missing in WIRE_NOTES_X_MS_PATHS:
            if missing not in by_id:
                raise RuntimeError(f"spec no longer has {missing!r} under x-ms-paths; update spec_check")
        for new_id, (source_id, template) in WIRE_NOTES_ALIASES.items():
            src = by_id[source_id]
            ops.append(
                Operation(
                    new_id,
                    src.method,
                    template,
                    src.api_version,
                    dict(src.query),
                    src.body,
                    src.consumes,
                    src.definitions,
                    dict(src.path_types),
                )
            )
        for new_id, extra in UNDOCUMENTED_ALLOWED.items():
            query = {n: QueryParam(n, False, d["type"]) for n, d in extra["query"].items()}
            ops.append(Operation(new_id, extra["method"], extra["path"], extra["apiVersion"], query, None, (), {}))
        return cls(ops)


# ---- path matching ------------------------------------------------------------------------


def _segment_matches(template_seg: str, seg: str, types: Mapping[str, str]) -> int:
    """0 = no match; otherwise a specificity score (literal > $literal-param > param)."""
    m = re.fullmatch(r"(\$?)\{([^}]+)\}", template_seg)
    if not m:
        return 3 if template_seg.lower() == seg.lower() else 0
    prefix, name = m.groups()
    if prefix:
        if not seg.startswith("$") or len(seg) < 2:
            return 0
        seg = seg[1:]
    elif seg.startswith("$"):
        return 0
    if types.get(name) == "integer" and not seg.isdigit():
        return 0
    return 2 if prefix else 1


def _match(op: Operation, segments: list[str]) -> int:
    tmpl = op.segments
    if len(tmpl) != len(segments):
        return 0
    score = 0
    for t, s in zip(tmpl, segments, strict=True):
        got = _segment_matches(t, s, op.path_types)
        if not got:
            return 0
        score += got
    return score


# ---- schema checking ------------------------------------------------------------------------


class _Schema:
    def __init__(self, definitions: dict[str, Any]) -> None:
        self.defs = definitions

    def resolve(self, schema: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return name, self.defs.get(name, {})
        return None, schema

    def properties(self, schema: dict[str, Any]) -> dict[str, Any]:
        props = dict(schema.get("properties") or {})
        for part in schema.get("allOf") or []:
            _, resolved = self.resolve(part)
            if resolved.get("type") != "array":
                props = {**self.properties(resolved), **props}
        return props

    def check(
        self, value: Any, schema: dict[str, Any], where: str, problems: list[str], owner: str | None = None
    ) -> None:
        name, schema = self.resolve(schema)
        if name in ARRAY_DEFINITIONS:
            schema = {"type": "array", "items": {"$ref": f"#/definitions/{ARRAY_DEFINITIONS[name]}"}}
        if value is None:
            return  # JSON null is accepted for optional values
        if "enum" in schema:
            if not isinstance(value, str) or value.lower() not in {str(e).lower() for e in schema["enum"]}:
                problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
            return
        kind = schema.get("type")
        if kind == "array":
            if not isinstance(value, list):
                problems.append(f"{where}: expected an array, got {type(value).__name__}")
                return
            for i, item in enumerate(value):
                self.check(item, schema.get("items") or {}, f"{where}[{i}]", problems)
            return
        if kind == "object" or schema.get("properties") or schema.get("allOf"):
            self._object(value, schema, name, where, problems)
            return
        self._scalar(value, kind, where, problems)

    def _object(self, value: Any, schema: dict[str, Any], name: str | None, where: str, problems: list[str]) -> None:
        props = self.properties(schema)
        extra = schema.get("additionalProperties")
        if not props and not extra:
            return  # quirk 3: bare object = any JSON value
        if not isinstance(value, dict):
            problems.append(f"{where}: expected an object, got {type(value).__name__}")
            return
        for req in REQUIRED_PROPERTIES.get(name or "", ()):
            if req not in value:
                problems.append(f"{where}: missing required property {req!r} ({name})")
        for key, item in value.items():
            if key in props:
                if (name, key) in OBJECT_OR_SPEC_TYPE and isinstance(item, dict):
                    if not isinstance(item.get("path"), str):
                        problems.append(f"{where}.{key}: expected an object with a string 'path'")
                    continue
                self.check(item, props[key], f"{where}.{key}", problems)
            elif isinstance(extra, dict):
                self.check(item, extra, f"{where}.{key}", problems)
            else:
                problems.append(f"{where}: unknown property {key!r}" + (f" for {name}" if name else ""))

    @staticmethod
    def _scalar(value: Any, kind: str | None, where: str, problems: list[str]) -> None:
        ok = {
            "string": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
        }.get(kind or "", True)
        if not ok:
            problems.append(f"{where}: expected {kind}, got {type(value).__name__} {value!r}")


# ---- the checker ----------------------------------------------------------------------------


def _query_value_ok(param: QueryParam, value: str) -> str | None:
    if param.enum and value.lower() not in {e.lower() for e in param.enum}:
        return f"query {param.name}={value!r} is not one of {list(param.enum)}"
    if param.type == "boolean" and value.lower() not in ("true", "false"):
        return f"query {param.name}={value!r} is not a boolean"
    if param.type == "integer" and not value.lstrip("-").isdigit():
        return f"query {param.name}={value!r} is not an integer"
    return None


class SpecChecker:
    """Checks requests; ``base_segments`` is how many path segments the org/collection takes."""

    def __init__(self, index: SpecIndex, *, base_segments: int = 1) -> None:
        self.index = index
        self.base_segments = base_segments
        self.violations: list[Violation] = []
        self.checked = 0

    def check(
        self,
        method: str,
        url: str,
        query: Mapping[str, str],
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
    ) -> CheckResult:
        raw_path = urlsplit(url).path if "://" in url else url.split("?", 1)[0]
        segments = [unquote(s) for s in raw_path.split("/") if s][self.base_segments :]
        candidates = sorted(
            (
                (score, op)
                for op in self.index.operations
                if op.method == method.upper() and (score := _match(op, segments))
            ),
            key=lambda c: -c[0],
        )
        if not candidates:
            return CheckResult(None, [f"no {method.upper()} operation in the spec matches /{'/'.join(segments)}"])
        results = [(op, self._check_op(op, query, body, headers or {})) for _, op in candidates]
        for op, problems in results:
            if not problems:
                return CheckResult(op.operation_id, [])
        op, problems = results[0]
        return CheckResult(op.operation_id, [f"[{op.operation_id}] {p}" for p in problems])

    def _check_op(self, op: Operation, query: Mapping[str, str], body: bytes, headers: Mapping[str, str]) -> list[str]:
        problems: list[str] = []
        version = query.get("api-version")
        if version != op.api_version:
            problems.append(f"api-version is {version!r}, the spec says {op.api_version!r}")
        for name, value in query.items():
            if name == "api-version":
                continue
            param = op.query.get(name)
            if param is None:
                problems.append(f"query parameter {name!r} is not in the spec")
            elif (bad := _query_value_ok(param, value)) is not None:
                problems.append(bad)
        for name, param in op.query.items():
            if param.required and name not in query:
                problems.append(f"required query parameter {name!r} is missing")
        problems += self._check_body(op, body, headers)
        return problems

    def _check_body(self, op: Operation, body: bytes, headers: Mapping[str, str]) -> list[str]:
        if op.body is None:
            return [f"the operation takes no body but {len(body)} bytes were sent"] if body.strip() else []
        if not body.strip():
            return ["the request body is missing"] if op.body.get("required") else []
        ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        problems: list[str] = []
        if headers and ctype.split(";")[0].strip().lower() not in {c.lower() for c in op.consumes}:
            problems.append(f"Content-Type {ctype!r} is not one of {list(op.consumes)}")
        try:
            value = json.loads(body)
        except ValueError:
            return [*problems, "the body is not JSON"]
        schema = _Schema(op.definitions)
        schema.check(value, op.body.get("schema") or {}, "body", problems)
        required = REQUIRED_BY_OPERATION.get(op.operation_id, ())
        for item in value if isinstance(value, list) else [value]:
            for req in required:
                if isinstance(item, dict) and req not in item:
                    problems.append(f"body: missing required property {req!r}")
        return problems

    # ---- as an emulator observer ------------------------------------------------------------
    def observe(self, record: Any) -> None:
        """``Emulator.global_observers`` hook: check requests sent by ticketops only."""
        headers = {str(k).lower(): str(v) for k, v in dict(record.headers).items()}
        if not headers.get("user-agent", "").startswith("ticketops/"):
            return
        self.checked += 1
        result = self.check(record.method, record.path, dict(record.query), record.body or b"", headers)
        if not result.ok:
            self.violations.append(Violation(record.method, record.path, tuple(result.problems)))

    def report(self) -> str:
        lines = [f"{len(self.violations)} request(s) from ticketops do not conform to the ADO 7.1 spec:"]
        lines += [f"  - {v}" for v in self.violations]
        return "\n".join(lines)
