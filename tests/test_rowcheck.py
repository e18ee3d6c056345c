"""The quick row check gives exactly what pydantic gives: the same profile, or the same located messages."""

from __future__ import annotations

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from advisor.errors import ProfileError
from advisor.profile import FIELDS, cleaned_data, validate_profile
from advisor.rowcheck import quick_profile

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

numbers = st.one_of(
    st.integers(-5, 10**6), st.floats(allow_nan=True, allow_infinity=True), st.integers(10**11, 10**13),
    st.sampled_from([0, 0.0, -0.0, 1, 1.0, 4, 5, 100, 0.5, 1e12, 1e12 + 1]),
)
texts = st.one_of(
    numbers.map(str), numbers.map(lambda n: f"{n}%"), numbers.map(lambda n: f" {n} "),
    st.sampled_from(["1 200,5", "1,200", "0,35", "35 %", "lots", "", "?", "n/a", "1_000", "١٢", "nan", "inf",
                     "yes", "No", "да", "0", "1", "B2B", " b2c ", "mixed", "saas", "Project", "premises",
                     "usd", "EUR", "eu", "UA", "de", "a\x1bb", "x" * 600, "2.0", "2.5", "-1", "1e400"]),
    *(st.sampled_from(spec.choices) for spec in FIELDS.values() if spec.choices),
    st.text(max_size=8),
)
values = st.one_of(numbers, texts, st.booleans(), st.none(), st.lists(st.integers(), max_size=2))
keys = st.one_of(st.sampled_from(list(FIELDS)), st.sampled_from([" leads_per_month ", "lead_per_month", "derived_from"]))
rows = st.dictionaries(keys, values, max_size=12).flatmap(
    lambda row: st.one_of(st.just(row), st.text(min_size=1, max_size=10).map(lambda name: {**row, "name": name})))


def _outcome(row, quick):
    try:
        profile = validate_profile(row, file="rows.csv", line_of=lambda key: 7, quick=quick)
    except ProfileError as exc:
        return "rejected", exc.located()
    return "scored", profile.model_dump(), [type(v) for v in profile.model_dump().values()], profile.model_fields_set


def test_the_quick_check_gives_what_pydantic_gives_on_good_and_bad_rows():
    quick_rows = []

    @SETTINGS
    @given(rows)
    def same(row):
        note(repr(row))
        assert _outcome(row, quick=True) == _outcome(row, quick=False)
        if quick_profile(cleaned_data(row)) is not None:
            quick_rows.append(row)

    same()
    assert len(quick_rows) >= 20  # the property compared real quick results, not only rows left to pydantic


def test_the_quick_check_takes_the_good_rows_and_leaves_every_doubt_to_pydantic():
    good = {"name": "Acme", "leads_per_month": "1200.5", "qualified_lead_share": "35%", "market": " B2B ",
            "regional": "да", "organization_stage": "2.0", "sales_team_size": 3, "currency": "eur",
            "average_deal_size": 900, "sale_location": "premises", "country": "ua", "close_rate": "?"}
    quick = quick_profile(cleaned_data(good))
    assert quick is not None and quick == validate_profile(good)
    assert type(quick.average_deal_size) is float and type(quick.organization_stage) is int
    for bad in ({"name": "A", "organization_stage": "5"}, {"name": "A", "leads_per_month": "lots"},
                {"name": "A", "average_deal_size": 0}, {"name": "A", "lead_per_month": 5},
                {"leads_per_month": 5}, {"name": "", "leads_per_month": 5}, {"name": "A", "regional": 2},
                {"name": "A", "market": "b2g"}, {"name": "A", "sales_team_size": 2.5}):
        assert quick_profile(cleaned_data(bad)) is None, bad
