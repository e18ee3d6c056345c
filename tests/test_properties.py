"""Invariants the documents imply, checked over generated profiles (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.profile import FIELDS, Profile

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _maybe(strategy):
    return st.none() | strategy


shares = st.floats(0, 1, allow_nan=False)
profiles = st.builds(
    Profile,
    name=st.just("generated"),
    sales_team_size=_maybe(st.integers(0, 500)),
    leads_per_month=_maybe(st.floats(0, 1e5, allow_nan=False)),
    qualified_lead_share=_maybe(shares),
    seasonality_peak_ratio=_maybe(st.floats(1, 10, allow_nan=False)),
    repeat_sales_share=_maybe(shares),
    average_deal_size=_maybe(st.floats(0.01, 1e8, allow_nan=False)),
    sales_cycle_days=_maybe(st.floats(0, 1000, allow_nan=False)),
    deals_per_month=_maybe(st.floats(0, 1e4, allow_nan=False)),
    close_rate=_maybe(shares),
    market=_maybe(st.sampled_from(FIELDS["market"].choices)),
    sale_type=_maybe(st.sampled_from(FIELDS["sale_type"].choices)),
    channel=_maybe(st.sampled_from(FIELDS["channel"].choices)),
    outbound_share=_maybe(shares),
    regional=_maybe(st.booleans()),
    organization_stage=_maybe(st.integers(1, 4)),
    active_clients=_maybe(st.integers(0, 10**6)),
    offering=_maybe(st.sampled_from(FIELDS["offering"].choices)),
    gross_margin=_maybe(st.floats(0.01, 1, allow_nan=False)),
    monthly_cost_per_seller=_maybe(st.floats(1, 1e6, allow_nan=False)),
    self_service_share=_maybe(shares),
    country=_maybe(st.sampled_from(["UA", "RU", "US", "DE", "LU"])),
)


def _with(profile: Profile, **changes) -> Profile:
    return profile.model_copy(update=changes)


@SETTINGS
@given(profiles)
def test_any_valid_profile_scores_with_a_complete_result(engine, profile):
    rec = engine.recommend(profile)
    model = rec.department_model
    assert model.id in model.scores
    # the model the evidence points to has the most points; with no department yet it is the one to grow into
    evidence = model.next.id if model.next else model.id
    assert model.scores[evidence] == max(model.scores.values())
    assert model.started is (profile.sales_team_size == 0)
    if model.started:
        assert model.id == "one_level" and model.confidence == "firm"
    assert 0 <= rec.sales_mix.inside_share <= 1
    assert abs(rec.sales_mix.inside_share + rec.sales_mix.outside_share - 1) < 1e-9
    labels_and_plan = ("name", "currency", "gross_margin", "monthly_cost_per_seller", "self_service_share",
                       "country")  # not evidence
    assert set(rec.unknown_fields) == {f for f in FIELDS if f not in labels_and_plan and getattr(profile, f) is None}


def _before_after(engine, profile: Profile, field: str, a: float, b: float, read):
    """`read` of the recommendation with `field` at the lower, then the higher of a and b."""
    low, high = sorted((a, b))
    return read(engine.recommend(_with(profile, **{field: low}))), read(engine.recommend(_with(profile, **{field: high})))


def _scores(rec):
    return rec.department_model.scores


def _inside(rec):
    return rec.sales_mix.inside_share


@SETTINGS
@given(profiles, shares, shares)
def test_more_repeat_sales_never_lowers_account_manager_or_three_level(engine, profile, a, b):
    before, after = _before_after(engine, profile, "repeat_sales_share", a, b, _scores)
    assert after["two_level_account_manager"] >= before["two_level_account_manager"]
    assert after["three_level"] >= before["three_level"]


@SETTINGS
@given(profiles, st.floats(0, 1e5), st.floats(0, 1e5), st.floats(0, 0.49))
def test_more_leads_when_few_are_qualified_never_lowers_contact_centre(engine, profile, a, b, qualified):
    base = _with(profile, qualified_lead_share=qualified)
    before, after = _before_after(engine, base, "leads_per_month", a, b, _scores)
    assert after["two_level_contact_center"] >= before["two_level_contact_center"]


@SETTINGS
@given(profiles, st.floats(1, 10), st.floats(1, 10))
def test_more_seasonality_never_lowers_contact_centre(engine, profile, a, b):
    before, after = _before_after(engine, profile, "seasonality_peak_ratio", a, b, _scores)
    assert after["two_level_contact_center"] >= before["two_level_contact_center"]


@SETTINGS
@given(profiles, st.floats(0.01, 1e8), st.floats(0.01, 1e8))
def test_bigger_deals_never_raise_inside_share(engine, profile, a, b):
    before, after = _before_after(engine, profile, "average_deal_size", a, b, _inside)
    assert after <= before


@SETTINGS
@given(profiles, st.floats(0, 1000), st.floats(0, 1000))
def test_longer_cycles_never_raise_inside_share(engine, profile, a, b):
    before, after = _before_after(engine, profile, "sales_cycle_days", a, b, _inside)
    assert after <= before


@SETTINGS
@given(profiles, st.sampled_from(["EUR", "RUB", "UAH", "GBP", "KZT"]))
def test_result_does_not_depend_on_the_currency_of_the_deal_size(engine, profile, currency):
    if profile.average_deal_size is None:
        profile = _with(profile, average_deal_size=10_000.0)  # exactly a threshold
    rate = engine.rates[currency]
    in_usd = engine.recommend(profile).to_dict(trace=False)
    local = engine.recommend(_with(profile, average_deal_size=profile.average_deal_size / rate, currency=currency))
    converted = local.to_dict(trace=False)
    for key in ("department_model", "sales_mix", "technologies"):
        assert _strip_whys(converted[key]) == _strip_whys(in_usd[key])


def _strip_whys(value):
    """The 'why' texts name the original currency; the decisions themselves must match."""
    if isinstance(value, dict):
        return {k: _strip_whys(v) for k, v in value.items() if k != "why"}
    if isinstance(value, list):
        return [_strip_whys(v) for v in value]
    return value


# one resolution step of each continuous field (explain.RESOLUTION): counts are discrete and left out
CONTINUOUS = {name: step for name, step in __import__("advisor.explain", fromlist=["RESOLUTION"]).RESOLUTION.items()
              if FIELDS[name].kind in ("number", "share")}


def _edges(engine, name: str) -> list[float]:
    """Every threshold and anchor the rules compare `name` with (a ratio's, with its divisor at one):
    where a cliff would be, if there were one."""
    edges = []
    for leaf in engine.leaves:
        if leaf.field == name and leaf.operator not in ("eq", "in"):
            edges += [float(v) for v in (leaf.threshold if isinstance(leaf.threshold, list) else [leaf.threshold])]
    return sorted(set(edges)) or [0.5]


@SETTINGS
@given(profiles, st.sampled_from(sorted(CONTINUOUS)), st.integers(0, 50), st.integers(-1, 1), st.booleans())
def test_one_step_of_a_continuous_field_moves_no_score_by_more_than_a_quarter_point(engine, profile, name, pick,
                                                                                   shift, up):
    spec = FIELDS[name]
    step = CONTINUOUS[name]
    edges = _edges(engine, name)
    value = edges[pick % len(edges)] + shift * step  # at, just under or just over a threshold or anchor
    if profile.sales_team_size is not None:
        profile = _with(profile, sales_team_size=1)  # so a ratio's anchors are the field's own
    other = value + step if up else value - step
    lowest = (spec.minimum or 0.0) + (step if spec.exclusive_minimum else 0)
    value, other = max(value, lowest), max(other, lowest)
    if spec.maximum is not None:
        value, other = min(value, spec.maximum), min(other, spec.maximum)
    before = engine.recommend(_with(profile, **{name: value})).department_model
    after = engine.recommend(_with(profile, **{name: other})).department_model
    assert all(abs(after.scores[m] - before.scores[m]) <= 0.25 + 1e-9 for m in before.scores), (name, value, other)


@SETTINGS
@given(profiles)
def test_every_score_lies_in_its_range_and_filling_an_unknown_stays_inside_it(engine, profile):
    model = engine.recommend(profile).department_model
    for m, score in model.scores.items():
        assert model.score_low[m] - 1e-9 <= score <= model.score_high[m] + 1e-9
    for name in ("repeat_sales_share", "leads_per_month", "sales_team_size", "qualified_lead_share"):
        if getattr(profile, name) is None:
            for value in ({"sales_team_size": [0, 3, 40]}.get(name) or [0.0, 0.3, 0.6, 1.0, 800.0]):
                if FIELDS[name].kind == "share" and value > 1:
                    continue
                filled = engine.recommend(_with(profile, **{name: value})).department_model
                for m, score in filled.scores.items():  # knowing more never leaves the range the unknown allowed
                    assert model.score_low[m] - 1e-9 <= score <= model.score_high[m] + 1e-9, (name, value, m)


@SETTINGS
@given(profiles)
def test_firm_advice_is_not_changed_by_any_single_unknown_answer(engine, profile):
    from advisor.explain import _Search

    model = engine.recommend(profile).department_model
    if model.confidence != "firm":
        return
    search = _Search(engine, profile, [])
    for name in (f for f in search.fields if getattr(profile, f) is None):
        for value in search.coarse(name):
            assert search.outcome(((name, value),))[0] == model.id, (name, value)
