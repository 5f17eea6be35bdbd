"""What an emulator starts with: organisation, projects (process, repos, files), users.

A :class:`Seed` is a pydantic model, loadable from YAML or JSON (``ticketops emulator --seed
FILE``). ``Seed.default()`` is the organisation the repo's ``example-repo`` expects.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ticketops.model.config import Process
from ticketops.model.errors import ConfigError
from ticketops.model.ticket import EMAIL_RE


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SeedUser(_Strict):
    email: str
    display_name: str
    id: str | None = None  # identity GUID; derived from the email when omitted

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        v = v.strip().lower()
        if not EMAIL_RE.match(v):
            raise ValueError(f"{v!r} is not an email address")
        return v


class SeedRepo(_Strict):
    name: str = Field(min_length=1)
    id: str | None = None  # GUID; derived from project and name when omitted
    default_branch: str = "main"
    # path -> text content, committed on default_branch. No files = an empty repository.
    files: dict[str, str] = Field(default_factory=dict)


class SeedProject(_Strict):
    name: str = Field(min_length=1)
    id: str | None = None  # GUID; derived from the name when omitted
    process: Process = Process.AGILE
    description: str = ""
    repos: tuple[SeedRepo, ...] = ()
    areas: tuple[str, ...] = ()  # sub-areas below the project root, e.g. "Web" or "Web\\Checkout"
    iterations: tuple[str, ...] = ("Sprint 1", "Sprint 2", "Sprint 3")

    @field_validator("process", mode="before")
    @classmethod
    def _process(cls, v: object) -> object:
        return v.lower() if isinstance(v, str) else v


class Seed(_Strict):
    organization: str = Field(default="contoso", pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")
    projects: tuple[SeedProject, ...] = ()
    users: tuple[SeedUser, ...] = ()
    # The identity every authenticated API call acts as (CreatedBy/ChangedBy of API writes).
    api_user: SeedUser = SeedUser(email="ticketops@contoso.com", display_name="ticketops")
    # False behaves like an Azure DevOps Server that rejects /multilineFieldsFormat (HTML only).
    markdown_supported: bool = True

    @classmethod
    def default(cls) -> Seed:
        def readme(name: str) -> dict[str, str]:
            return {"README.md": f"# {name}\n"}

        return cls(
            organization="contoso",
            projects=(
                SeedProject(
                    name="Payments",
                    process=Process.AGILE,
                    description="Payments platform",
                    repos=(
                        SeedRepo(name="payments-api", files=readme("payments-api")),
                        SeedRepo(name="payments-web", files=readme("payments-web")),
                    ),
                    areas=("API", "Web"),
                ),
                SeedProject(
                    name="Ledger", process=Process.SCRUM, repos=(SeedRepo(name="ledger", files=readme("ledger")),)
                ),
                SeedProject(
                    name="Helpdesk", process=Process.BASIC, repos=(SeedRepo(name="helpdesk", files=readme("helpdesk")),)
                ),
                SeedProject(
                    name="Compliance",
                    process=Process.CMMI,
                    repos=(SeedRepo(name="compliance", files=readme("compliance")),),
                ),
            ),
            users=tuple(
                SeedUser(email=f"{n.lower()}@contoso.com", display_name=f"{n} {s}")
                for n, s in (
                    ("Alice", "Archer"),
                    ("Bob", "Baker"),
                    ("Carol", "Chen"),
                    ("Dave", "Diaz"),
                    ("Erin", "Evans"),
                )
            ),
        )

    @classmethod
    def load(cls, path: str | Path) -> Seed:
        """Read a seed from a ``.yaml``/``.yml``/``.json`` file; errors name the file and the field."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as e:
            raise ConfigError(f"{p}: cannot read seed file ({e.strerror})") from e
        try:
            data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as e:
            raise ConfigError(f"{p}: not valid {'JSON' if p.suffix.lower() == '.json' else 'YAML'}: {e}") from e
        try:
            return cls.model_validate(data or {})
        except ValidationError as e:
            lines = [f"{p}: {'.'.join(str(x) for x in err['loc'])}: {err['msg']}" for err in e.errors()]
            raise ConfigError("invalid seed file\n" + "\n".join(lines)) from e
