"""Core and identity DTOs: projects, the signed-in user, identities."""

from __future__ import annotations

from pydantic import Field

from ticketops.ado.dto.common import AdoModel, PropertyValue


class ProcessTemplate(AdoModel):
    template_name: str | None = None
    template_type_id: str | None = None


class ProjectCapabilities(AdoModel):
    process_template: ProcessTemplate | None = None


class Project(AdoModel):
    id: str
    name: str
    description: str | None = None
    state: str | None = None
    url: str | None = None
    revision: int | None = None
    visibility: str | None = None
    capabilities: ProjectCapabilities | None = None  # only with includeCapabilities=true


class Identity(AdoModel):
    """An entry of ``GET _apis/identities`` (and ``authenticatedUser`` in connection data)."""

    id: str
    descriptor: str | None = None
    subject_descriptor: str | None = None
    provider_display_name: str | None = None
    custom_display_name: str | None = None
    is_active: bool | None = None
    properties: dict[str, PropertyValue] = Field(default_factory=dict)

    def _prop(self, name: str) -> str | None:
        for key, prop in self.properties.items():
            if key.lower() == name.lower() and prop.value not in (None, ""):
                return str(prop.value)
        return None

    @property
    def mail(self) -> str | None:
        return self._prop("Mail")

    @property
    def account(self) -> str | None:
        return self._prop("Account")

    @property
    def display_name(self) -> str | None:
        return self.custom_display_name or self.provider_display_name


class ConnectionData(AdoModel):
    """``GET _apis/connectionData``: who the token belongs to (for ``doctor``)."""

    authenticated_user: Identity
    authorized_user: Identity | None = None
    instance_id: str | None = None
    deployment_id: str | None = None
    deployment_type: str | None = None
