"""``.tickets/config.yaml`` -> :class:`BoardConfig`, or every problem in it with its position.

A token written into the file is refused (the file is committed and pushed): keys that name a
secret anywhere, and values that look like a token, are reported without echoing the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ticketops.desired import configrules, yamldoc
from ticketops.desired.messages import describe, dotted, problems_from
from ticketops.desired.ticketfile import decode
from ticketops.model.config import DEFAULT_TOKEN_ENV, BoardConfig
from ticketops.model.errors import Problem

CONFIG_NAME = "config.yaml"
_SECRET_NAMES = frozenset(
    {
        "token",
        "pat",
        "password",
        "passwd",
        "pwd",
        "secret",
        "apikey",
        "accesskey",
        "credential",
        "credentials",
        "personalaccesstoken",
        "clientsecret",
        "privatekey",
    }
)
_SECRET_SUFFIXES = ("token", "password", "secret")
_ALLOWED_NAMES = frozenset({"tokenenv"})
_PAT_RE = re.compile(r"^[a-z2-7]{52}$")  # classic Azure DevOps PAT: 52 characters of base32
_TOKENISH_RE = re.compile(r"^[A-Za-z0-9+/=._~-]{20,}$")
_ENV_NAME_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_URL_WITH_USER_RE = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s]*@", re.I)


def is_secret_name(name: str) -> bool:
    norm = re.sub(r"[-_\s]", "", name.lower())
    if norm in _ALLOWED_NAMES:
        return False
    return norm in _SECRET_NAMES or norm.endswith(_SECRET_SUFFIXES)


def looks_like_token(value: str) -> bool:
    """A classic 52-character PAT, a JWT, or a long random-looking string (not an UPPER_SNAKE name)."""
    if _PAT_RE.match(value):
        return True
    if not _TOKENISH_RE.match(value) or _ENV_NAME_RE.match(value):
        return False
    if value.startswith("eyJ"):
        return True
    kinds = sum(bool(re.search(p, value)) for p in ("[a-z]", "[A-Z]", "[0-9]"))
    return kinds >= 2 and len(set(value)) >= 12


def parse_config(
    path: str, data: bytes | None, *, siblings: Iterable[str] = ()
) -> tuple[BoardConfig | None, list[Problem]]:
    """The board config, or None and every problem. ``siblings`` are the other file names in the
    tickets folder (to spot a ``config.yml`` typo)."""
    if data is None:
        return None, [_missing(path, set(siblings))]
    text, problem = decode(path, data)
    if problem is not None:
        return None, [problem]
    assert text is not None
    doc = yamldoc.parse(text, path, first_line=1)
    problems = list(doc.problems)
    if doc.root is None and not problems:
        return None, [Problem(path, 1, 1, "config.yaml is empty: it needs at least organization_url and project")]
    if not isinstance(doc.value, dict):
        if doc.root is not None:
            problems.append(
                doc.problem(doc.root, f"config.yaml must be a mapping of settings, not {describe(doc.value)}")
            )
        return None, problems
    secrets = _secret_locations(doc)
    problems.extend(_secret_problem(doc, loc, reason, doc.value) for loc, reason in secrets)
    data_ok = _without(doc.value, secrets)
    problems.extend(configrules.check(doc, data_ok))
    try:
        config = BoardConfig.model_validate(data_ok)
    except ValidationError as e:
        problems.extend(problems_from(e, BoardConfig, doc))
        return None, problems
    return (None, problems) if problems else (config, [])


def _missing(path: str, siblings: set[str]) -> Problem:
    if "config.yml" in siblings:
        return Problem(path, 0, 0, "missing config.yaml (found config.yml): rename it to config.yaml")
    return Problem(
        path,
        0,
        0,
        "missing config.yaml: create it with at least organization_url and project (repos, to link git "
        "repositories, is optional; example-repo/.tickets/config.yaml in the ticketops sources is a commented example)",
    )


def _secret_locations(doc: yamldoc.YamlDoc) -> list[tuple[tuple[str | int, ...], str]]:
    """``(loc, reason)`` for every key that names a secret and every token-like value in ``auth``
    (or a classic PAT anywhere)."""
    out: list[tuple[tuple[str | int, ...], str]] = []

    def walk(node: Node | None, loc: tuple[str | int, ...]) -> None:
        if len(loc) > yamldoc.MAX_DEPTH:
            return  # the builder reports the nesting (and builds nothing deeper): no RecursionError here
        if isinstance(node, MappingNode):
            for k, v in node.value:
                name = str(getattr(k, "value", ""))
                if is_secret_name(name):
                    out.append(((*loc, name), "key"))
                else:
                    walk(v, (*loc, name))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*loc, i))
        elif isinstance(node, ScalarNode) and isinstance(node.value, str):
            in_auth = bool(loc) and loc[0] == "auth"
            if _URL_WITH_USER_RE.match(node.value):
                out.append((loc, "url"))
            elif _PAT_RE.match(node.value) or (in_auth and looks_like_token(node.value)):
                out.append((loc, "value"))

    walk(doc.root, ())
    return out


def _secret_problem(doc: yamldoc.YamlDoc, loc: tuple[str | int, ...], reason: str, data: dict[str, Any]) -> Problem:
    auth = data.get("auth")
    env = auth.get("token_env") if isinstance(auth, dict) else None
    env = env if isinstance(env, str) and not looks_like_token(env) else DEFAULT_TOKEN_ENV
    fix = f"put the token in the environment variable {env} instead (auth.token_env names that variable)"
    if reason == "key":
        msg = (
            f"{dotted(loc)}: config.yaml is committed to git and must not hold a token or password; delete it and {fix}"
        )
    elif reason == "url":
        msg = f"{dotted(loc)}: a URL with a user name or token in it must not be written in config.yaml; remove the 'user:token@' part and {fix}"
    else:
        msg = f"{dotted(loc)} looks like a token, which must never be written in config.yaml; {fix}"
    return doc.problem(doc.node_at(loc), msg)


def _without(data: dict[str, Any], secrets: list[tuple[tuple[str | int, ...], str]]) -> dict[str, Any]:
    """A copy of ``data`` without the secrets (so no later error message can echo one): secret
    entries are dropped, URLs lose their ``user:token@`` part."""
    if not secrets:
        return data
    reasons = dict(secrets)

    def copy(value: Any, loc: tuple[str | int, ...]) -> Any:
        reason = reasons.get(loc)
        if reason == "url" and isinstance(value, str):
            return _URL_WITH_USER_RE.sub(lambda m: m.group(0).split("://")[0] + "://", value)
        if isinstance(value, dict):
            return {k: copy(v, (*loc, k)) for k, v in value.items() if reasons.get((*loc, k)) not in ("key", "value")}
        if isinstance(value, list):
            return [copy(v, (*loc, i)) for i, v in enumerate(value) if reasons.get((*loc, i)) not in ("key", "value")]
        return value

    return copy(data, ())
