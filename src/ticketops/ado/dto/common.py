"""Shared DTO bits: the base model, identities and the ``{count, value}`` list envelope."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")


class AdoModel(BaseModel):
    """Wire DTO: camelCase on the wire, snake_case in Python, unknown fields ignored."""

    model_config = ConfigDict(extra="ignore", alias_generator=to_camel, populate_by_name=True, frozen=True)


class IdentityRef(AdoModel):
    """A person or group as ADO embeds it in fields and resources."""

    id: str | None = None
    display_name: str | None = None
    unique_name: str | None = None
    descriptor: str | None = None
    url: str | None = None
    image_url: str | None = None
    is_container: bool | None = None

    @property
    def email(self) -> str | None:
        """The unique name when it looks like an e-mail address (how ADO Services names users)."""
        return self.unique_name if self.unique_name and "@" in self.unique_name else None

    def __str__(self) -> str:
        return self.unique_name or self.display_name or self.id or ""


class ListEnvelope(AdoModel, Generic[T]):
    """``{"count": N, "value": [...]}``: how ADO sends every array."""

    count: int | None = None
    value: list[T] = Field(default_factory=list)


class PropertyValue(AdoModel):
    """``{"$type": "System.String", "$value": "..."}`` in identity property bags."""

    type_: str | None = Field(default=None, validation_alias=AliasChoices("$type", "type_"))
    value: str | int | float | bool | None = Field(default=None, validation_alias=AliasChoices("$value", "value"))
