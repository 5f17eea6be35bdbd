"""Reading every id past WIQL's cap. The emulator answers ``$top`` queries (paging in id
ranges; see test_import_filters). Some servers refuse a query whose result is above the cap
even with ``$top``: a fake WIQL runner that does exactly that proves the bounded-window path."""

from __future__ import annotations

import re

import pytest

from ticketops.ado import BadRequest
from ticketops.importer.wiql import base_condition, collect_ids, user_condition
from ticketops.model.errors import TicketopsError

_LO = re.compile(r"\[System\.Id\] >= (\d+)")
_HI = re.compile(r"\[System\.Id\] < (\d+)")


class StrictCapWiql:
    """Applies the cap to the whole match, whatever ``$top`` says (VS402337), like a strict server."""

    def __init__(self, ids: list[int], cap: int) -> None:
        self.ids = sorted(ids)
        self.cap = cap
        self.queries: list[str] = []

    def wiql(self, project: str, query: str, *, top: int | None = None) -> list[int]:
        self.queries.append(query)
        lo = int(_LO.search(query).group(1))  # type: ignore[union-attr]
        hi_m = _HI.search(query)
        hi = int(hi_m.group(1)) if hi_m else None
        found = [i for i in self.ids if i >= lo and (hi is None or i < hi)]
        if len(found) > self.cap:
            raise BadRequest(
                "VS402337: The number of work items returned exceeds the size limit of "
                f"{self.cap}. Change the query to return fewer items.",
                status=400,
            )
        return found[:top] if top is not None else found


@pytest.mark.parametrize(
    ("ids", "max_queries"),
    [
        (list(range(1, 48)), 15),  # dense: about one window per cap's worth of ids
        ([1, 2, 3, 500, 501, 502, 503, 504, 505, 9_000, 9_001, 40_000, 40_001, 40_002, 40_003], 60),  # sparse clusters
    ],
)
def test_a_strict_cap_is_worked_around_with_bounded_windows(ids: list[int], max_queries: int) -> None:
    fake = StrictCapWiql(ids, cap=5)
    assert collect_ids(fake, "P", "[System.TeamProject] = 'P'", cap=5) == ids
    assert len(fake.queries) <= max_queries  # windows widen over gaps (logarithmic), never one query per id


def test_a_server_that_honours_top_is_paged_by_the_last_id() -> None:
    class TopWiql(StrictCapWiql):
        def wiql(self, project: str, query: str, *, top: int | None = None) -> list[int]:
            self.queries.append(query)
            lo = int(_LO.search(query).group(1))  # type: ignore[union-attr]
            return [i for i in self.ids if i >= lo][:top]

    fake = TopWiql(list(range(1, 13)), cap=5)
    assert collect_ids(fake, "P", "x", cap=5) == list(range(1, 13))
    assert len(fake.queries) == 3 and "[System.Id] >= 11" in fake.queries[-1]


def test_other_wiql_errors_are_not_mistaken_for_the_cap() -> None:
    class Broken(StrictCapWiql):
        def wiql(self, project: str, query: str, *, top: int | None = None) -> list[int]:
            raise BadRequest("TF51005: The query references a field that does not exist.", status=400)

    with pytest.raises(BadRequest, match="TF51005"):
        collect_ids(Broken([], 5), "P", "x", cap=5)


def test_user_condition_accepts_a_condition_or_a_flat_query() -> None:
    assert user_condition(None) is None
    assert user_condition("[System.State] <> 'Closed'") == "[System.State] <> 'Closed'"
    q = "SELECT [System.Id], [System.Title] FROM WorkItems WHERE [System.State] = 'New' ORDER BY [System.Id] DESC"
    assert user_condition(q) == "[System.State] = 'New'"
    assert user_condition("select [System.Id] from workitems") is None
    with pytest.raises(TicketopsError, match="only flat queries"):
        user_condition("SELECT [System.Id] FROM WorkItemLinks WHERE [Source].[System.Id] = 1")


def test_keywords_inside_string_literals_and_field_names_are_text() -> None:
    """A title containing ' order by ' or 'where' is part of the condition, not a clause."""
    q = "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'sort order by date, from where it''s' ORDER BY [System.Id]"
    assert user_condition(q) == "[System.Title] = 'sort order by date, from where it''s'"
    q2 = "select [System.Id] from WorkItems where [Custom.Where From] = 'x'"
    assert user_condition(q2) == "[Custom.Where From] = 'x'"


def test_asof_and_unclosed_literals_are_refused_not_guessed() -> None:
    with pytest.raises(TicketopsError, match="ASOF is not supported"):
        user_condition("SELECT [System.Id] FROM WorkItems WHERE [System.State] = 'New' ASOF '2026-01-01'")
    with pytest.raises(TicketopsError, match="never closed"):
        user_condition("SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'open")
    with pytest.raises(TicketopsError, match="only flat queries"):
        user_condition("SELECT [System.Id] FROM WorkItemLinks WHERE [Source].[System.Id] = 1 MODE (MustContain)")


def test_base_condition_quotes_project_and_types() -> None:
    where = base_condition("O'Neil", ["Bug", "User Story"], "[System.State] = 'New'")
    assert where == (
        "[System.TeamProject] = 'O''Neil' "
        "AND [System.Tags] NOT CONTAINS 'ticketops-lease' AND [System.Tags] NOT CONTAINS 'ticketops-lease-retired' "
        "AND [System.WorkItemType] IN ('Bug', 'User Story') AND ([System.State] = 'New')"
    )
