"""Field rendering rules that users see in ADO and that import relies on."""

from __future__ import annotations

import pytest
from plan_builders import AGILE_STORY

from ticketops.plan import fields as f
from ticketops.plan.states import state_path


@pytest.mark.parametrize(
    "items",
    [(), ("one",), ("a & b", "<script>x</script>", 'quote\'s "here"'), ("  padded  ", "ünïcödé ☐ box")],
)
def test_acceptance_criteria_checklist_round_trips(items: tuple[str, ...]) -> None:
    html = f.render_acceptance_criteria(items)
    assert f.parse_acceptance_criteria(html) == tuple(i.strip() for i in items)
    if items:
        assert html.startswith("<ul><li>\u2610 ") and "<script>" not in html


def test_acceptance_criteria_parser_reads_markdown_checklists_too() -> None:
    assert f.parse_acceptance_criteria("- [ ] first\n- [x] second\n") == ("first", "second")


def test_markdown_fallback_escapes_raw_html() -> None:
    assert f.markdown_to_html("Hi <b>there</b>") == "<p>Hi &lt;b&gt;there&lt;/b&gt;</p>"
    assert f.markdown_to_html("  \n") == ""


def test_state_path_from_a_state_the_transitions_do_not_list_is_unreachable() -> None:
    assert state_path(AGILE_STORY, "Closed", "New") == ("Active", "New")
    assert state_path(AGILE_STORY, "Bogus", "New") is None
    assert state_path(AGILE_STORY, "new", "NEW") == ()
