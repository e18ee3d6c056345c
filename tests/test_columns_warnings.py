"""The column path's warnings on contradictory answers are the row path's, byte for byte, in every language."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.checks import check_answers
from advisor.columns.warnings import ColumnWarnings
from advisor.profile import FIELDS
from advisor.readers import RawRecord
from columns_helpers import SCHEMA

# figures at each check's edges: equal pairs, zeros of both signs, a close rate that the implied one
# just passes or just misses (15 of 100 against 10% x 1.5), huge and tiny values, integers past 2**53
FIGURES = st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.0, 10.0, 15.0, 15.000000000000002, 14.999999999999998,
                                                 60.0, 100.0, 100.05, 200.02, 0.0001, 5e-324, 1e12, 2.0**53 + 2]),
                    st.floats(0, 1e6, allow_nan=False))
SHARES = st.one_of(st.none(), st.sampled_from([0.0, -0.0, 0.1, 0.5, 0.8, 1.0, 0.001, 1 / 3]),
                   st.floats(0, 1, allow_nan=False))
INTEGERS = st.one_of(st.none(), st.sampled_from([0, 1, 2, 59, 60, 2**53 + 1, 2**62]), st.integers(0, 5000))
ANSWERS = st.fixed_dictionaries({
    "leads_per_month": FIGURES, "deals_per_month": FIGURES, "close_rate": SHARES, "repeat_sales_share": SHARES,
    "sales_team_size": INTEGERS, "organization_stage": st.none() | st.integers(1, 4), "active_clients": INTEGERS})


def _frame(answers: list[dict]):
    import polars as pl

    return pl.DataFrame([{name: row.get(name) for name in FIELDS} for row in answers], schema=SCHEMA, orient="row")


def _row_path(answers: list[dict], rows: list[RawRecord], lang: str) -> dict[int, tuple[str, ...]]:
    said = {}
    for n, (values, row) in enumerate(zip(answers, rows)):
        checks = check_answers(values)
        if checks:
            said[n] = tuple(c.located(row.file, lambda key, line=row.line: line, lang) for c in checks)
    return said


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(ANSWERS, min_size=1, max_size=20), st.sampled_from(["en", "ru", "uk"]),
       st.sampled_from(["data/a.csv", "", "ф, 😀.csv"]))
def test_the_column_warnings_are_the_checks_located_texts(answers, lang, file):
    rows = [RawRecord(file, line, None) for line in range(2, len(answers) + 2)]
    assert ColumnWarnings(lang).located(_frame(answers), rows) == _row_path(answers, rows, lang)


# each check just over its edge, and at it (no warning): the implied close rate equal to 1.5 x 10%, new
# deals equal to the leads, 12 x new deals equal to 2 x the clients
EDGES = [({"leads_per_month": 10.0, "deals_per_month": 10.000000000000002}, 1),
         ({"leads_per_month": 10.0, "deals_per_month": 10.0}, 0),
         ({"leads_per_month": 10.0, "deals_per_month": 20.0, "repeat_sales_share": 0.5}, 0),
         ({"leads_per_month": 100.0, "deals_per_month": 15.000000000000005, "close_rate": 0.1}, 1),
         ({"leads_per_month": 100.0, "deals_per_month": 15.000000000000002, "close_rate": 0.1}, 0),
         ({"organization_stage": 2, "sales_team_size": 0}, 1),
         ({"organization_stage": 1, "sales_team_size": 0}, 0),
         ({"active_clients": 59, "deals_per_month": 10.0}, 1),
         ({"active_clients": 60, "deals_per_month": 10.0}, 0),
         # three at once; then a figure and a share of one value (0.8 leads, new deals 80% of the leads): shown apart
         ({"leads_per_month": 0.8, "deals_per_month": 21.0, "organization_stage": 4, "sales_team_size": 0,
           "active_clients": 1}, 3),
         ({"leads_per_month": 100.0, "deals_per_month": 80.0, "close_rate": 0.5}, 1)]


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_each_check_speaks_just_past_its_edge_and_not_at_it(lang):
    answers = [values for values, _ in EDGES]
    # a row without a line (Check.located then names the file alone), the others with theirs
    rows = [RawRecord("in.csv", line, None) for line in range(len(answers))]
    warnings = ColumnWarnings(lang)
    for _ in range(2):  # the second time from the texts kept
        said = warnings.located(_frame(answers), rows)
        assert said == _row_path(answers, rows, lang)
        assert [len(said.get(n, ())) for n in range(len(answers))] == [count for _, count in EDGES]
    assert said[0][0].startswith("in.csv: deals_per_month: ")
