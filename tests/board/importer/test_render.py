"""Rendering one live item as a ticket file, and what is refused (pure)."""

from __future__ import annotations

import pytest

from ticketops.importer.adopt import adoption_changes, context
from ticketops.importer.convert import acceptance_items, html_to_markdown
from ticketops.importer.render import NotImportable, render
from ticketops.model.config import BoardConfig
from ticketops.model.live import LiveWorkItem, StateInfo, WorkItemTypeInfo

CONFIG = BoardConfig(organization_url="https://dev.azure.com/contoso", project="Payments")
STORY = WorkItemTypeInfo(
    name="User Story",
    states=tuple(
        StateInfo(name=n, category=c)
        for n, c in (("New", "Proposed"), ("Active", "InProgress"), ("Resolved", "Resolved"), ("Closed", "Completed"))
    ),
    transitions={"": ("New",)},
    initial_state="New",
)


def live(**kw: object) -> LiveWorkItem:
    data: dict[str, object] = {"id": 12, "rev": 4, "type": "User Story", "title": "A title", "state": "New"}
    data.update(kw)
    return LiveWorkItem.model_validate(data)


def test_yaml_special_titles_round_trip() -> None:
    for title in ("Fix: colon", "'quoted'", "yes", "#hash", "- dash", "100", "Ünïcödé ✓"):
        r = render(live(title=title), "ADO-12", CONFIG, tickets_dir=".tickets", project="Payments")
        assert r.ticket.title == title and r.ticket.id == 12


def test_fields_that_a_ticket_cannot_hold_are_refused_or_left_out() -> None:
    with pytest.raises(NotImportable, match="assignee 'contoso\\\\\\\\bob' is not an e-mail address"):
        render(live(assignee="contoso\\bob"), "ADO-12", CONFIG, tickets_dir=".tickets", project="Payments")
    r = render(
        live(tags=("ok", "-odd", "ticketops", "ticketops:ADO-12"), priority=9),
        "ADO-12",
        CONFIG,
        tickets_dir=".tickets",
        project="Payments",
    )
    assert r.ticket.tags == ("ok",) and r.ticket.priority is None
    assert r.notes and "-odd" in r.notes[0]


def test_the_project_root_area_is_left_out() -> None:
    r = render(live(area_path="Payments"), "ADO-12", CONFIG, tickets_dir=".tickets", project="Payments")
    assert r.ticket.area_path is None
    r = render(live(area_path="Payments\\Web"), "ADO-12", CONFIG, tickets_dir=".tickets", project="Payments")
    assert r.ticket.area_path == "Payments\\Web"


def test_only_repo_is_left_implicit_for_started_tickets_and_several_repos_are_not_guessed() -> None:
    one = BoardConfig.model_validate({**CONFIG.model_dump(by_alias=True), "repos": {"api": {"name": "payments-api"}}})
    r = render(live(state="Active"), "ADO-12", one, tickets_dir=".tickets", project="Payments")
    assert r.ticket.repo is None and b"repo:" not in r.content  # the only linked repo is the ticket's anyway
    two = BoardConfig.model_validate(
        {
            **CONFIG.model_dump(by_alias=True),
            "repos": {"api": {"name": "payments-api"}, "web": {"name": "payments-web"}},
        }
    )
    with pytest.raises(NotImportable, match="needs a repository"):
        render(live(state="Active"), "ADO-12", two, tickets_dir=".tickets", project="Payments")


def test_acceptance_criteria_from_lists_divs_and_checklists() -> None:
    assert acceptance_items("<ul><li>\u2610 one</li><li>two &amp; three</li></ul>") == ("one", "two & three")
    assert acceptance_items("<div>First</div><div>Second<br></div>") == ("First", "Second")
    assert acceptance_items("- [ ] alpha\n- [x] beta\n") == ("alpha", "beta")
    assert acceptance_items("") == ()


def test_html_descriptions_become_markdown() -> None:
    md = html_to_markdown(
        "<h1>Title</h1><p>Some <b>bold</b> and <a href='https://x.test'>a link</a>.</p><ul><li>a</li></ul>"
    )
    assert md == "# Title\n\nSome **bold** and [a link](https://x.test).\n\n- a"


def test_adoption_writes_only_markers_and_stored_forms() -> None:
    item = live(description="<p>Hello <i>there</i></p>", acceptance_criteria="<div>Works</div>", tags=("keep",))
    r = render(item, "ADO-12", CONFIG, tickets_dir=".tickets", project="Payments")
    changes = adoption_changes(r.ticket, item, context(CONFIG, STORY, markdown=True))
    assert {c.field for c in changes} == {
        "System.Tags",
        "System.Description",
        "Microsoft.VSTS.Common.AcceptanceCriteria",
    }
    desc = next(c for c in changes if c.field == "System.Description")
    assert desc.new == "Hello *there*" and desc.format == "markdown"


def test_a_ticket_that_would_change_the_item_is_refused() -> None:
    item = live(title="Original")
    r = render(item, "ADO-12", CONFIG, tickets_dir=".tickets", project="Payments")
    changed = live(title="Changed meanwhile")
    with pytest.raises(NotImportable, match="cannot say exactly what the item holds"):
        adoption_changes(r.ticket, changed, context(CONFIG, STORY, markdown=True))


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<div>a</div><div><br></div><div>b</div>", "a\n\nb"),  # ADO's editor writes a blank line so
        ("<div>Pay&nbsp;now</div>", "Pay now"),  # &nbsp; between words is a space, never U+00A0
        ("<p>x<br></p><p>&nbsp;</p><p>y</p>", "x\n\ny"),
        ("<div>one<br>two</div>", "one\\\ntwo"),  # a break inside a paragraph stays a hard break
    ],
)
def test_ado_editor_html_imports_as_clean_markdown(html: str, markdown: str) -> None:
    assert html_to_markdown(html) == markdown
