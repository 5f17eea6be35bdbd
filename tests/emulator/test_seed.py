"""Seeds: the default organisation, custom seeds from YAML/JSON, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from ticketops.emulator import Emulator, Seed, SeedProject, SeedRepo, SeedUser
from ticketops.model.errors import ConfigError


def test_default_seed_matches_the_example_repo() -> None:
    seed = Seed.default()
    assert seed.organization == "contoso"
    by_name = {p.name: p for p in seed.projects}
    assert [r.name for r in by_name["Payments"].repos] == ["payments-api", "payments-web"]
    assert {p.name: p.process.value for p in seed.projects} == {
        "Payments": "agile",
        "Ledger": "scrum",
        "Helpdesk": "basic",
        "Compliance": "cmmi",
    }
    assert {u.email for u in seed.users} == {f"{n}@contoso.com" for n in ("alice", "bob", "carol", "dave", "erin")}
    with Emulator() as emu:
        assert emu.url == "http://ado.emulator/contoso"
        main = emu.db.repo("Payments", "payments-web").references["refs/heads/main"]
        tree = emu.db.repo("Payments", "payments-web").get(main.target).tree
        assert "README.md" in tree


def test_custom_seed_with_fixed_ids(tmp_path: Path) -> None:
    seed = Seed(
        organization="fabrikam",
        projects=(
            SeedProject(
                name="Fabrikam-Fiber-Git",
                id="6CE954B1-CE1F-45D1-B94D-E6BF2464BA2C",
                process="Scrum",
                repos=(
                    SeedRepo(
                        name="Fabrikam",
                        id="278d5cd2-584d-4b63-824a-2ba458937249",
                        default_branch="master",
                        files={"a/b.txt": "x"},
                    ),
                ),
            ),
        ),
        users=(SeedUser(email="Jamal@Fabrikam.com", display_name="Jamal Hartnett"),),
        markdown_supported=False,
    )
    with Emulator(seed) as emu, httpx.Client(transport=emu.transport, base_url=emu.url) as c:
        p = c.get("/_apis/projects/6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c", params={"api-version": "7.1"}).json()
        assert p["name"] == "Fabrikam-Fiber-Git"
        repo = c.get(
            "/_apis/git/repositories/278d5cd2-584d-4b63-824a-2ba458937249", params={"api-version": "7.1"}
        ).json()
        assert repo["defaultBranch"] == "refs/heads/master"
        who = c.get(
            "/_apis/identities",
            params={"searchFilter": "General", "filterValue": "jamal@fabrikam.com", "api-version": "7.1"},
        ).json()
        assert who["count"] == 1


def test_load_yaml_and_json(tmp_path: Path) -> None:
    data = {
        "organization": "acme",
        "projects": [{"name": "Ops", "process": "basic", "repos": [{"name": "infra"}]}],
        "users": [{"email": "a@acme.io", "display_name": "A"}],
        "markdown_supported": False,
    }
    j = tmp_path / "seed.json"
    j.write_text(json.dumps(data), encoding="utf-8")
    y = tmp_path / "seed.yml"
    y.write_text(
        "organization: acme\nprojects:\n  - {name: Ops, process: Basic, repos: [{name: infra}]}\n"
        "users:\n  - {email: a@acme.io, display_name: A}\nmarkdown_supported: false\n",
        encoding="utf-8",
    )
    assert Seed.load(j) == Seed.load(y)
    assert Seed.load(j).projects[0].repos[0].files == {}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("projects: [{name: P, process: waterfall}]", "projects.0.process"),
        ("users: [{email: not-an-email, display_name: X}]", "users.0.email"),
        ("organization: contoso\nsurprise: 1", "surprise"),
        ("projects: [", "not valid YAML"),
    ],
)
def test_bad_seeds_name_the_file_and_the_field(tmp_path: Path, text: str, needle: str) -> None:
    f = tmp_path / "seed.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        Seed.load(f)
    assert str(f) in str(e.value) and needle in str(e.value)


def test_missing_seed_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read seed file"):
        Seed.load(tmp_path / "nope.yaml")


def test_empty_repository_has_no_default_branch_yet() -> None:
    seed = Seed(projects=(SeedProject(name="P", repos=(SeedRepo(name="empty"),)),))
    with Emulator(seed) as emu, httpx.Client(transport=emu.transport, base_url=emu.url) as c:
        repo = c.get("/P/_apis/git/repositories/empty", params={"api-version": "7.1"}).json()
        assert "defaultBranch" not in repo
        refs = c.get("/P/_apis/git/repositories/empty/refs", params={"api-version": "7.1"}).json()
        assert refs == {"count": 0, "value": []}
