"""Requests, responses and the route table.

A URL is ``/{organization}[/{project}[/{team}]]/_apis/<area>/<resource>...``. Each route names
the spec ``operationId`` it serves (or a readable id for wire-notes-only operations), the
api-version it is declared with, whether it changes state, and the scope it accepts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from ticketops.emulator.errors import AdoError, bad_request

if TYPE_CHECKING:
    from ticketops.emulator.db import Database
    from ticketops.emulator.db.records import Project
    from ticketops.emulator.identity import User

Scope = Literal["org", "project", "project?", "team?"]


@dataclass
class EmuRequest:
    method: str
    url: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    path: str = ""
    origin: str = ""  # scheme://host[:port]
    query: dict[str, str] = field(default_factory=dict)
    read: set[str] = field(default_factory=set)  # lower-case names of the query parameters a handler asked for

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.path = unquote(parts.path)
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.method = self.method.upper()

    def q(self, name: str, default: str | None = None) -> str | None:
        low = name.lower()
        self.read.add(low)
        for k, v in self.query.items():
            if k.lower() == low:
                return v
        return default

    def q_int(self, name: str, default: int | None = None) -> int | None:
        raw = self.q(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError as e:
            raise bad_request(f"The value '{raw}' of query parameter {name} is not a number.") from e

    def q_bool(self, name: str) -> bool:
        return (self.q(name) or "").lower() == "true"

    def json(self) -> object:
        if not self.body:
            raise bad_request(
                "The request body is empty; this operation needs a JSON body.", "VssPropertyValidationException"
            )
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise bad_request(f"The request body is not valid JSON: {e}", "VssPropertyValidationException") from e

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class EmuResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, obj: object, status: int = 200, headers: dict[str, str] | None = None) -> EmuResponse:
        h = {"Content-Type": "application/json; charset=utf-8"}
        h.update(headers or {})
        return cls(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), h)

    @classmethod
    def error(cls, err: AdoError) -> EmuResponse:
        return cls.json(err.body(), err.status, err.headers)


def listing(items: Sequence[object], headers: dict[str, str] | None = None) -> EmuResponse:
    """ADO wraps every list: ``{"count": N, "value": [...]}``."""
    return EmuResponse.json({"count": len(items), "value": items}, headers=headers)


@dataclass
class Ctx:
    """What a handler gets: the request, the database, path parameters and who is calling."""

    req: EmuRequest
    db: Database
    params: dict[str, str]
    project: Project | None
    team: str | None
    user: User
    org_base: str  # e.g. http://ado.emulator/contoso

    def param(self, name: str) -> str:
        return self.params[name]

    def need_project(self) -> Project:
        assert self.project is not None, "route scope guarantees a project"
        return self.project

    @property
    def project_base(self) -> str:
        return f"{self.org_base}/{self.project.id}" if self.project else self.org_base


Handler = Callable[[Ctx], EmuResponse]
OpId = str | Callable[[EmuRequest], str]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str  # below _apis/, e.g. "wit/workitems/{id:int}"
    op: OpId
    handler: Handler
    scope: Scope = "project"
    api_version: str = "7.1"
    write: bool = False
    content_type: str | None = "application/json"  # required for bodies; None = any
    regex: re.Pattern[str] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", _compile(self.pattern))

    def operation_id(self, req: EmuRequest) -> str:
        return self.op if isinstance(self.op, str) else self.op(req)


def _compile(pattern: str) -> re.Pattern[str]:
    out = []
    for seg in pattern.strip("/").split("/"):
        m = re.fullmatch(r"(?P<lit>[^{]*)\{(?P<name>\w+)(?::(?P<kind>int))?\}", seg)
        if m:
            body = r"\d+" if m.group("kind") == "int" else r"[^/]+"
            out.append(re.escape(m.group("lit")) + f"(?P<{m.group('name')}>{body})")
        else:
            out.append(re.escape(seg))
    return re.compile("^" + "/".join(out) + "/?$", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    route: Route
    params: dict[str, str]
    org: str
    project: str | None
    team: str | None


class Router:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def match(self, method: str, path: str) -> Match | None:
        head, sep, rest = path.partition("/_apis/")
        if not sep:
            return None
        prefix = [p for p in head.split("/") if p]
        if not 1 <= len(prefix) <= 3:
            return None
        for route in self.routes:
            if route.method != method:
                continue
            m = route.regex.match(rest)
            if m and _scope_ok(route.scope, len(prefix)):
                return Match(
                    route,
                    m.groupdict(),
                    prefix[0],
                    prefix[1] if len(prefix) > 1 else None,
                    prefix[2] if len(prefix) > 2 else None,
                )
        return None

    def methods_for(self, path: str) -> list[str]:
        """The methods some route serves at this path (for a 405 naming them)."""
        return sorted({m for m in {r.method for r in self.routes} if self.match(m, path) is not None})


def _scope_ok(scope: Scope, n: int) -> bool:
    return {"org": n == 1, "project": n == 2, "project?": n in (1, 2), "team?": n in (1, 2, 3)}[scope]
