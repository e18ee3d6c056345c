"""Column-wise evaluation (advisor.columns.evaluate) gives what Engine.evaluate gives, row by row, bit for bit."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.columns.evaluate import ColumnEngine
from advisor.engine import PARTIAL, UNKNOWN, Engine
from advisor.profile import FIELDS, Profile
from advisor.readers import read_one_profile
from advisor.rulebase.loader import load_rule_base
from columns_helpers import differences, profile_frame
from conftest import PROFILES

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

SOURCE = "source: {document: sales-department-models.uk.txt, says: A test rule.}"
# Operators and shapes the built-in rules do not use: between, in over numbers, lte, gt, ratios with no
# floor (a team of 0 divides by zero), not over nested any/all, a text field compared with a number, a
# rule whose stand-in status ("partial") differs from its exact interval (open), graded kinds, hybrid and
# not-applicable rules partly true, checklist items without kinds or without a condition.
DEPARTMENT = f"""\
starting_point:
  when: {{field: sales_team_size, at_most: [0, 2]}}
  model: one_level
  {SOURCE}
rules:
  - id: T.between
    when: {{field: sales_cycle_days, between: [30, 90]}}
    points: {{three_level: 1.5, one_level: -0.5}}
    {SOURCE}
  - id: T.in_numbers
    when: {{field: organization_stage, in: [2, 3.0]}}
    points: {{two_level_account_manager: 0.7}}
    {SOURCE}
  - id: T.lte_gt
    when: {{all: [{{field: close_rate, lte: 0.3}}, {{field: active_clients, gt: 100}}]}}
    points: {{two_level_contact_center: 1.25}}
    {SOURCE}
  - id: T.ratio_no_floor
    when: {{field: deals_per_month, per: sales_team_size, gte: 10}}
    points: {{three_level: 2}}
    {SOURCE}
  - id: T.ratio_ramp_no_floor
    when: {{field: leads_per_month, per: sales_team_size, at_most: [20, 80]}}
    anchors: a test
    points: {{one_level: 0.9, three_level: -0.3}}
    {SOURCE}
  - id: T.not_nested
    when:
      not:
        any:
          - {{field: market, eq: b2c}}
          - all: [{{field: repeat_sales_share, at_least: [0.1, 0.9]}}, {{not: {{field: regional, eq: true}}}}]
    anchors: a test
    points: {{two_level_account_manager: 1.1, one_level: -1}}
    {SOURCE}
  - id: T.partial_or_open
    when:
      any:
        - {{field: qualified_lead_share, at_least: [0.2, 0.8]}}
        - all: [{{field: outbound_share, at_most: [0.2, 0.7]}}, {{field: country, eq: UA}}]
    anchors: a test
    points: {{three_level: 0.35}}
    {SOURCE}
  - id: T.text_against_numbers
    when: {{any: [{{field: country, eq: 5}}, {{field: currency, in: [EUR, 7]}}, {{field: sales_team_size, eq: 3.5}}]}}
    points: {{one_level: 0.1}}
    {SOURCE}
"""
MIX = f"""\
rules:
  - id: T.hybrid_graded
    when: {{field: seasonality_peak_ratio, at_least: [1.5, 3]}}
    anchors: a test
    hybrid: true
    inside_shift: 0.05
    {SOURCE}
  - id: T.not_applicable_partly
    when: {{all: [{{field: sale_location, eq: premises}}, {{field: gross_margin, at_most: [0.3, 0.6]}}]}}
    anchors: a test
    not_applicable: true
    {SOURCE}
"""
TECHNOLOGIES = f"""\
kinds:
  - id: regional
    when: {{any: [{{field: regional, eq: true}}, {{field: active_clients, at_least: [100, 1000]}}]}}
    {SOURCE}
technologies:
  - id: t_always
    group: internal
    title: Always
    {SOURCE}
  - id: t_kindless_graded
    group: marketing
    title: Graded, every kind
    when: {{field: leads_per_month, at_least: [100, 300]}}
    {SOURCE}
  - id: t_kinds_graded
    group: external
    title: Graded, two kinds
    kinds: [project, regional]
    when: {{field: deals_per_month, at_most: [2, 10]}}
    {SOURCE}
  - id: t_kind_only
    group: personnel
    title: One kind, no condition
    kinds: [regional]
    {SOURCE}
"""


def _overlay(folder: Path, starting_point: bool) -> Path:
    folder.mkdir()
    (folder / "rulebase.yaml").write_text(f"extends: builtin\nname: {folder.name}\nversion: 1\n")
    department = DEPARTMENT if starting_point else "disable: [starting_point]\n" + DEPARTMENT[DEPARTMENT.index("rules:"):]
    (folder / "department_model.yaml").write_text(department)
    (folder / "sales_mix.yaml").write_text(MIX)
    (folder / "technologies.yaml").write_text(TECHNOLOGIES)
    return folder


@pytest.fixture(scope="module")
def engines(tmp_path_factory) -> dict[str, Engine]:
    folder = tmp_path_factory.mktemp("rule-bases")
    return {"builtin": Engine(load_rule_base()),
            "overlay": Engine(load_rule_base(_overlay(folder / "graded-start", True))),
            "overlay_without_start": Engine(load_rule_base(_overlay(folder / "no-start", False)))}


def _values(engine: Engine, field: str) -> list[float]:
    """Values of `field` where the rules change their mind: thresholds, ramp anchors and points between."""
    found: set[float] = set()
    for leaf in engine.leaves:
        if leaf.field != field or leaf.operator in ("eq", "in") or leaf.per is not None:
            continue
        ends = leaf.threshold if isinstance(leaf.threshold, list) else [leaf.threshold]
        found.update(ends)
        if leaf.graded:
            low, high = ends
            found.update(low + (high - low) * k / 7 for k in range(1, 7))
    if field == "average_deal_size":  # a threshold in US dollars, reached from another currency
        found.update(v / rate for v in list(found) for rate in engine.rates.values())
    spec = FIELDS[field]
    return sorted(v for v in found if (spec.minimum is None or v > spec.minimum or (v == spec.minimum and not spec.exclusive_minimum))
                  and (spec.maximum is None or v <= spec.maximum))


def _field(engine: Engine, name: str) -> st.SearchStrategy:
    spec = FIELDS[name]
    if spec.kind == "choice":
        values: st.SearchStrategy = st.sampled_from(spec.choices)
    elif spec.kind == "boolean":
        values = st.booleans()
    elif spec.kind == "country":
        values = st.sampled_from(["UA", "DE", "US"])
    elif spec.kind == "integer":
        values = st.integers(int(spec.minimum or 0), int(spec.maximum or 2000))
    else:
        low = spec.minimum if spec.minimum is not None else 0.0
        high = spec.maximum if spec.maximum is not None else 1e6
        values = st.floats(low, high, exclude_min=spec.exclusive_minimum, allow_nan=False)
    special = [int(v) if spec.kind == "integer" else v for v in _values(engine, name)
               if spec.kind != "integer" or float(v).is_integer()]
    if special:
        values = values | st.sampled_from(special)
    return st.none() | values


def profiles(engine: Engine) -> st.SearchStrategy:
    """Profiles whose numbers often sit on a threshold or between a ramp's anchors, some fields unknown,
    some currencies without a rate (the row engine's error: those rows must fall back)."""
    fields = {name: _field(engine, name) for name in FIELDS if name not in ("name", "currency")}
    currencies = st.sampled_from([*sorted(engine.rates), "XTS"])
    return st.builds(Profile, name=st.just("generated"), currency=currencies, **fields)


@pytest.mark.parametrize("rule_base", ["builtin", "overlay", "overlay_without_start"])
@SETTINGS
@given(data=st.data())
def test_every_column_equals_the_row_engine(engines, rule_base, data):
    engine = engines[rule_base]
    batch = data.draw(st.lists(profiles(engine), min_size=1, max_size=40))
    result = ColumnEngine(engine).evaluate(profile_frame(batch))
    assert result.height == len(batch)
    assert result["fallback"].to_list() == [p.currency not in engine.rates for p in batch]
    assert differences(engine, batch, result) == []


def test_the_example_profiles(engine):
    batch = [read_one_profile(str(path)).profile for path in sorted(PROFILES.glob("*.yaml"))]
    assert len(batch) == 12
    result = ColumnEngine(engine).evaluate(profile_frame(batch))
    assert not result["fallback"].any()
    assert differences(engine, batch, result) == []
    # the examples reach the paths worth checking: partly true leaves, open rules, converted deal sizes
    leaves = [code for column in result.columns if column.startswith("leaf_") for code in result[column].to_list()]
    assert PARTIAL in leaves and UNKNOWN in leaves
    assert any(p.currency != "USD" and p.average_deal_size is not None for p in batch)


def test_a_rule_partly_fired_by_stand_in_degrees_but_open_by_exact_ones(engines):
    # any: [ramp1, all: [ramp2, unknown]]: the engine's status counts a partly true leaf as 0.5 and says
    # "partial"; its exact interval [0.3, 0.5] is open. The column engine must say what the engine says.
    engine = engines["overlay"]
    index = next(i for i, rule in enumerate(engine.rules) if rule.id == "T.partial_or_open")
    profile = Profile(name="open", qualified_lead_share=0.38, outbound_share=0.45, country=None)
    ev = engine.evaluate(profile)
    assert ev.rules[index] == PARTIAL and ev.degree(index)[0] != ev.degree(index)[1]
    result = ColumnEngine(engine).evaluate(profile_frame([profile]))
    assert result[f"rule_{index}"].to_list() == [PARTIAL]
    assert differences(engine, [profile], result) == []


def test_a_team_of_nobody_divides_by_zero_as_the_row_engine_does(engines):
    engine = engines["overlay"]
    batch = [Profile(name=f"solo {n}", sales_team_size=0, deals_per_month=n, leads_per_month=n) for n in (0, 0.5, 30)]
    result = ColumnEngine(engine).evaluate(profile_frame(batch))
    assert differences(engine, batch, result) == []
    ratio = next(i for i, rule in enumerate(engine.rules) if rule.id == "T.ratio_no_floor")
    assert result[f"rule_{ratio}"].to_list() == [0, 2, 2]  # 0/0 counts as 0, anything more as infinitely much


def test_a_currency_without_a_rate_goes_back_to_the_row_engine(engine):
    batch = [Profile(name="a", currency="XTS", average_deal_size=100.0), Profile(name="b", currency="EUR")]
    assert ColumnEngine(engine).evaluate(profile_frame(batch))["fallback"].to_list() == [True, False]


def test_the_columns_and_dtypes_of_the_contract(engines):
    import polars as pl

    engine = engines["overlay"]
    models = engine.tie_break
    expected = {"fallback": pl.Boolean, "average_deal_size_usd": pl.Float64,
                **{f"leaf_{j}": pl.Int8 for j in range(len(engine.leaves))},
                **{f"rule_{i}": pl.Int8 for i in range(len(engine.rules))},
                **{f"low_{i}": pl.Float64 for i in range(len(engine.rules))},
                **{f"score_{m}": pl.Float64 for m in models}, **{f"score_low_{m}": pl.Float64 for m in models},
                **{f"score_high_{m}": pl.Float64 for m in models},
                "department_model": pl.Utf8, "runner_up": pl.Utf8, "confidence": pl.Utf8, "margin": pl.Float64,
                "inside_share": pl.Float64, "unclamped_inside_share": pl.Float64, "started": pl.Boolean,
                "next_model": pl.Utf8, "next_confidence": pl.Utf8,
                **{name: pl.List(pl.Int64) for name in ("hybrid_reasons", "not_applicable")},
                "sales_kinds": pl.List(pl.Utf8)}
    columns = ColumnEngine(engine)
    for batch in ([], [Profile(name="empty")]):  # a chunk of no rows too
        result = columns.evaluate(profile_frame(batch))
        assert dict(result.schema) == expected and result.height == len(batch)


def test_integers_a_float_cannot_hold_go_back_to_the_row_engine(engine):
    # a parsed chunk's rows the parser was unsure of may hold anything; beyond 2**53 a comparison with a
    # float threshold would round, so the row engine decides (and the profile's range check speaks)
    import polars as pl

    frame = profile_frame([Profile(name="a"), Profile(name="b"), Profile(name="c")]).with_columns(
        pl.Series("active_clients", [2**53, -(2**63), 2**53 - 1], dtype=pl.Int64))
    assert ColumnEngine(engine).evaluate(frame)["fallback"].to_list() == [True, True, False]


def _halfway(digits: int):
    """Doubles at, just above and just below k.5 / 10**digits: where rounding decides on the last bit."""
    import math

    return st.builds(lambda x, side: [math.nextafter(x, -math.inf), x, math.nextafter(x, math.inf)][side],
                     st.integers(-10**7, 10**7).map(lambda k: (k + 0.5) / 10**digits), st.integers(0, 2))


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.sampled_from([2, 4, 6]), st.booleans(), st.data())
def test_the_column_rounding_is_pythons_round_bit_for_bit(digits, plus_zero, data):
    # the engine rounds deal sizes, scores, shares and the margin with Python's round (correctly rounded,
    # half to even on the exact value); the column engine's own rounding must give the same doubles
    import math

    import polars as pl

    from advisor.columns.evaluate import _Rounding, _scales
    from columns_helpers import same

    values = data.draw(st.lists(st.one_of(
        st.none(), st.floats(allow_nan=True), st.floats(-1e6, 1e6), st.floats(1e11, 1e17), _halfway(digits),
        st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 0.125, 2.675, 1.005, -0.005, -0.49999999999999994,
                         2.0**52, 2.0**52 + 1, math.inf,
                         # past 2**52 / 10**digits, where x * 10**digits / 10**digits is no longer round(x, digits)
                         6262713773626357.0, 3785456005305.4355, 1003638839346.1963])),
        min_size=1, max_size=40))
    rounding = _Rounding("x", "y", digits, plus_zero)
    frame = pl.DataFrame({"x": values}, schema={"x": pl.Float64}).with_columns(_scales(len(values)))
    frame = rounding.patched(frame.with_columns(rounding.scaled).with_columns(rounding.rounded()))
    expected = [None if v is None else round(v, digits) + 0.0 if plus_zero else round(v, digits) for v in values]
    got = frame["y"].to_list()
    assert all(same(a, b) or (a != a and b != b) for a, b in zip(got, expected)), [
        (v, a, b) for v, a, b in zip(values, got, expected) if not same(a, b)]
