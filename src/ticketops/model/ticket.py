"""A ticket: ``.tickets/KEY.md`` = YAML front matter + Markdown body (the spec)."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ticketops.model.ownership import FieldPolicy, PolicyField

KEY_RE = re.compile(r"^[A-Z][A-Z0-9]*-[0-9]+$")
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
MAX_TITLE = 255  # ADO's System.Title limit, in UTF-16 code units (.NET chars)
# The lease work item's tags (lease/item.py; ``model.live`` names them too): never a ticket's.
LEASE_TAG = "ticketops-lease"
RETIRED_LEASE_TAG = "ticketops-lease-retired"


def _utf16_units(text: str) -> int:
    """Length as ADO (.NET) counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _email(v: str) -> str:
    v = v.strip()
    if not EMAIL_RE.match(v):
        raise ValueError(f"{v!r} is not an email address (expected name@example.com)")
    return v.lower()


class FrontMatter(BaseModel):
    """The schema of the YAML front matter. Unknown fields are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str | None = None
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    status: str
    assignee: str | None = None
    reviewers: tuple[str, ...] = ()
    repo: str | None = None
    base: str | None = None
    branch: str | None = None
    priority: int | None = Field(default=None, ge=1, le=4)
    tags: tuple[str, ...] = ()
    acceptance_criteria: tuple[str, ...] = ()
    area_path: str | None = None
    # The work item type when it is not the board's (config ``work_item_type``), e.g. ``Bug``.
    type: str | None = Field(default=None, min_length=1, max_length=128)
    # The existing ADO work item this ticket mirrors (written by ``ticketops import``). A ticket
    # with an ``id`` is paired with that item even before it carries the marker tags, and is
    # never created anew.
    id: int | None = Field(default=None, ge=1)
    # This ticket's field ownership, over config.yaml's ``fields:`` (model/ownership.py).
    policy: dict[PolicyField, FieldPolicy] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _type(cls, v: str | None) -> str | None:
        if v is None:
            return None
        if "\n" in v or "\r" in v or not v.strip():
            raise ValueError("type must be one line naming a work item type, e.g. Bug")
        return v.strip()

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        if "\n" in v or "\r" in v:
            raise ValueError("title must be one line")
        v = v.strip()
        if not v:
            raise ValueError(
                "title is blank (only spaces); Azure DevOps requires a title: "
                "write one line that names the work, e.g. title: Add refunds"
            )
        if (units := _utf16_units(v)) > MAX_TITLE:
            raise ValueError(
                f"title is {units} characters long as Azure DevOps counts them (an emoji or other character "
                f"outside the Basic Multilingual Plane counts as 2); the limit is {MAX_TITLE}: shorten the title"
            )
        return v

    @field_validator("assignee")
    @classmethod
    def _assignee(cls, v: str | None) -> str | None:
        return None if v is None else _email(v)

    @field_validator("reviewers")
    @classmethod
    def _reviewers(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        out = tuple(_email(x) for x in v)
        if len(set(out)) != len(out):
            raise ValueError("reviewers lists the same person twice")
        return out

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        """Tags the ticket wants on the work item. ``-name`` asks ticketops to remove ``name``.

        Tags people add in ADO stay (the rule is additive); a ticket that wants a tag gone
        says so explicitly with a leading ``-``.
        """
        out: list[str] = []
        seen: set[str] = set()
        for t in v:
            name = t.strip().removeprefix("-").strip()
            if ";" in name or not name:
                raise ValueError(f"tag {t!r} is empty or contains ';' (ADO separates tags with ';')")
            if name.lower() == "ticketops" or name.lower().startswith("ticketops:"):
                raise ValueError(f"tag {t!r} is reserved: ticketops adds its own ownership tags")
            if name.lower() in (LEASE_TAG, RETIRED_LEASE_TAG):
                raise ValueError(
                    f"tag {t!r} is reserved: it marks the lease work item that keeps two ticketops runs apart, "
                    "and a ticket's item with it could be taken for the lease; remove it from tags"
                )
            if name.lower() in seen:
                raise ValueError(f"tag {name!r} is listed twice (tags compare case-insensitively, as in ADO)")
            seen.add(name.lower())
            out.append(("-" if t.strip().startswith("-") else "") + name)
        return tuple(out)

    @property
    def wanted_tags(self) -> tuple[str, ...]:
        return tuple(t for t in self.tags if not t.startswith("-"))

    @property
    def unwanted_tags(self) -> tuple[str, ...]:
        return tuple(t[1:] for t in self.tags if t.startswith("-"))

    @field_validator("area_path")
    @classmethod
    def _area_path(cls, v: str | None) -> str | None:
        return None if v is None else normalize_area_path(v)

    @field_validator("branch", "base")
    @classmethod
    def _ref(cls, v: str | None) -> str | None:
        return None if v is None else v.removeprefix("refs/heads/")


def normalize_area_path(v: str) -> str:
    """``Payments/Web`` -> ``Payments\\Web``: ADO separates area path nodes with ``\\`` only and
    refuses ``/`` (TF401347), so the ticket's path is kept, compared and written in that form."""
    nodes = [n.strip() for n in re.split(r"[\\/]", v.strip().strip("\\/"))]
    fix = "write the nodes separated by \\ or /, e.g. Payments\\Web"
    if not v.strip():
        raise ValueError("area_path is empty; remove it to leave the area to ADO")
    if any(not n for n in nodes):
        raise ValueError(f"area_path '{v}' has an empty node (two separators in a row); {fix}")
    if any(ord(c) < 32 for c in v):
        raise ValueError(f"area_path {v!r} holds a control character; {fix}")
    if any(n in (".", "..") for n in nodes):
        raise ValueError(f"area_path '{v}' has a node that is '.' or '..'; {fix}")
    return "\\".join(nodes)


class Ticket(FrontMatter):
    """A validated ticket with its key, spec body and where it came from."""

    key: str = Field(pattern=KEY_RE.pattern)
    body: str = ""
    path: str  # repo-relative path of the ticket file, e.g. ".tickets/PAY-1.md"
    blob_id: str  # git blob id of the file's bytes (same as ADO's item objectId)
    content: bytes = Field(default=b"", repr=False)  # the exact file bytes, pushed to the branch


def slugify(text: str, max_len: int = 40) -> str:
    """ASCII, lower-case, dash-separated; safe in a branch name. Letters and digits of any script
    are transliterated (``Платежи`` -> ``platezhi``, ``hatası`` -> ``hatasi``); symbols and emoji
    are separators."""
    s = anyascii("".join(c if unicodedata.category(c)[0] in "LN" else " " for c in unicodedata.normalize("NFKC", text)))
    s = re.sub(r"[^a-zA-Z0-9]+", "-", s).strip("-").lower()
    if len(s) > max_len:
        # Cut at a word boundary when there is one, never mid-word.
        cut = s[: max_len + 1].rfind("-")
        s = s[:cut] if cut > 0 else s[:max_len]
    return s.rstrip("-") or "ticket"
