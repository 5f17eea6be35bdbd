"""What every plan action shares: its ticket, its step, and the field changes it carries.

The actions themselves are in :mod:`ticketops.plan.actions` (work items) and
:mod:`ticketops.plan.git_actions` (git steps); :data:`ticketops.plan.actions.Action` is their
closed union.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from ticketops.model.ownership import FieldPolicy
from ticketops.plan.fields import label


class Step(IntEnum):
    """Order of the steps for one ticket. Gaps leave room for later steps."""

    WORK_ITEM = 10
    BRANCH = 20
    SPEC_PUSH = 30
    PULL_REQUEST = 40
    LINKS = 50


_KEY_SORT_RE = re.compile(r"^(?P<prefix>.*?)-(?P<num>\d+)$")


def key_order(key: str) -> tuple[str, int, str]:
    """``PAY-2`` before ``PAY-10``: prefix, then number."""
    m = _KEY_SORT_RE.match(key)
    return (m.group("prefix"), int(m.group("num")), key) if m else (key, -1, key)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


FieldValue = int | str | None
# Why a difference is shown but not written (plan/ownership.py): ADO's own automation moved the
# state at or past the ticket's (``ahead``), or the field's policy is ``report`` or ``ignore``.
Hold = Literal["ahead", "report", "ignore"]


class FieldChange(_Frozen):
    """One managed field going from ``old`` (live) to ``new`` (the exact value written).

    ``new=None`` clears the field. ``drift`` is set when the live value was last changed by
    someone other than ticketops, so the change puts back a person's edit in ADO.
    ``format`` is the format a long-text field is written in.
    """

    field: str
    old: FieldValue = None
    new: FieldValue = None
    drift: bool = False
    format: Literal["markdown", "html"] | None = None
    policy: FieldPolicy = "revert"  # the field's ownership policy that applied
    hold: Hold | None = None  # set on changes that are shown, never written
    by: str | None = None  # for a held change: who made the live value in ADO, and when
    at: str | None = None
    pull_request: int | None = None  # for ``ahead``: the completed pull request that moved the state

    @property
    def label(self) -> str:
        return label(self.field)


class ActionBase(_Frozen):
    """Base of every plan action. Only the classes in the :data:`~ticketops.plan.actions.Action`
    union are actions: a new kind is added there, and mypy then names every ``match`` that does
    not handle it."""

    kind: str
    key: str
    step: int = Step.WORK_ITEM

    # Does executing it change ADO? Is it an error the user must fix?
    CHANGES: ClassVar[bool] = False
    ERROR: ClassVar[bool] = False
    RANK: ClassVar[int] = 50  # order among actions of the same key and step

    def sort_key(self) -> tuple[Any, ...]:
        return (key_order(self.key), self.step, self.RANK, self.kind)
