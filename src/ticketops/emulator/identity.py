"""People: the user directory, and how ADO renders a person in each API.

Work item fields and PRs use an ``IdentityRef``; the identities API (IMS) and Graph have their
own shapes. Ids are deterministic GUIDs derived from the email, so they are stable across runs.
"""

from __future__ import annotations

import base64
import re
import uuid
from dataclasses import dataclass

_NS = uuid.UUID("5b1f3c52-6f8e-4b0a-9d55-7e0d2a1c9f00")
_ANGLE_RE = re.compile(r"^\s*(?P<name>.*?)\s*<(?P<email>[^<>]+)>\s*$")


@dataclass(frozen=True)
class User:
    id: str
    email: str
    display_name: str

    @property
    def descriptor(self) -> str:
        return "aad." + base64.b64encode(self.id.encode()).decode().rstrip("=")

    @property
    def unique_name(self) -> str:
        return self.email


CLAIMS_PREFIX = "Microsoft.IdentityModel.Claims.ClaimsIdentity;"


def _guid(value: str | None) -> str | None:
    """A GUID in its canonical form (ADO accepts GUIDs with or without dashes)."""
    if not value:
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def user_id_for(email: str) -> str:
    return str(uuid.uuid5(_NS, email.lower()))


class Ambiguous(Exception):
    """A display name that matches more than one person."""


class Directory:
    """Everyone the emulated organisation knows, indexed every way ADO lets you name a person."""

    def __init__(self) -> None:
        self._by_id: dict[str, User] = {}
        self._by_email: dict[str, User] = {}

    def add(self, email: str, display_name: str, user_id: str | None = None) -> User:
        email = email.strip().lower()
        existing = self._by_email.get(email)
        if existing:
            return existing
        u = User(_guid(user_id) or user_id_for(email), email, display_name)
        self._by_id[u.id] = u
        self._by_email[email] = u
        return u

    def all(self) -> list[User]:
        return sorted(self._by_id.values(), key=lambda u: u.email)

    def by_id(self, user_id: str) -> User | None:
        key = _guid(user_id)
        return self._by_id.get(key) if key else None

    def by_email(self, email: str) -> User | None:
        return self._by_email.get(email.strip().lower())

    def by_descriptor(self, descriptor: str) -> User | None:
        """A subject descriptor (``aad.…``) or an identity descriptor (``…ClaimsIdentity;domain\\email``)."""
        d = descriptor.strip()
        if d.startswith(CLAIMS_PREFIX) and "\\" in d:
            return self.by_email(d.rsplit("\\", 1)[1])
        for u in self._by_id.values():
            if u.descriptor == d:
                return u
        return None

    def resolve(self, value: str) -> User | None:
        """Email/unique name, ``Name <email>``, GUID, descriptor or a distinct display name."""
        v = value.strip()
        if not v:
            return None
        m = _ANGLE_RE.match(v)
        if m:
            return self.by_email(m.group("email"))
        found = self.by_email(v) or self.by_id(v) or self.by_descriptor(v)
        if found:
            return found
        named = [u for u in self._by_id.values() if u.display_name.lower() == v.lower()]
        if len(named) > 1:
            raise Ambiguous(v)
        return named[0] if named else None


# ---- wire shapes ---------------------------------------------------------------------------


def identity_ref(u: User, base: str) -> dict[str, object]:
    return {
        "displayName": u.display_name,
        "url": f"{base}/_apis/Identities/{u.id}",
        "_links": {"avatar": {"href": f"{base}/_apis/GraphProfile/MemberAvatars/{u.descriptor}"}},
        "id": u.id,
        "uniqueName": u.unique_name,
        "imageUrl": f"{base}/_api/_common/identityImage?id={u.id}",
        "descriptor": u.descriptor,
    }


def reviewer_ref(u: User, base: str, pr_url: str, vote: int, is_required: bool) -> dict[str, object]:
    out: dict[str, object] = {
        "reviewerUrl": f"{pr_url}/reviewers/{u.id}",
        "vote": vote,
        "hasDeclined": False,
        "isRequired": is_required,
        "isFlagged": False,
        "isContainer": False,
    }
    ref = identity_ref(u, base)
    ref.pop("descriptor")
    ref.pop("_links")
    out.update(ref)
    return out


def _prop(value: str) -> dict[str, str]:
    return {"$type": "System.String", "$value": value}


def ims_identity(u: User) -> dict[str, object]:
    """``GET _apis/identities`` entry (wire notes: id, descriptor, providerDisplayName, Mail)."""
    alias = u.email.split("@", 1)[0]
    return {
        "id": u.id,
        "descriptor": f"{CLAIMS_PREFIX}emulator\\{u.email}",
        "subjectDescriptor": u.descriptor,
        "providerDisplayName": u.display_name,
        "isActive": True,
        "members": [],
        "memberOf": [],
        "memberIds": [],
        "properties": {
            "SchemaClassName": _prop("User"),
            "Description": _prop(""),
            "Domain": _prop("emulator"),
            "Account": _prop(u.email),
            "Mail": _prop(u.email),
            "Alias": _prop(alias),
            "DirectoryAlias": _prop(alias),
        },
        "resourceVersion": 2,
        "metaTypeId": 0,
    }


def graph_user(u: User, base: str) -> dict[str, object]:
    url = f"{base}/_apis/Graph/Users/{u.descriptor}"
    return {
        "subjectKind": "user",
        "metaType": "member",
        "domain": "emulator",
        "principalName": u.email,
        "mailAddress": u.email,
        "origin": "aad",
        "originId": u.id,
        "displayName": u.display_name,
        "_links": {
            "self": {"href": url},
            "memberships": {"href": f"{base}/_apis/Graph/Memberships/{u.descriptor}"},
            "membershipState": {"href": f"{base}/_apis/Graph/MembershipStates/{u.descriptor}"},
            "storageKey": {"href": f"{base}/_apis/Graph/StorageKeys/{u.descriptor}"},
            "avatar": {"href": f"{base}/_apis/GraphProfile/MemberAvatars/{u.descriptor}"},
        },
        "url": url,
        "descriptor": u.descriptor,
    }
