"""The engine: graded conditions with unknowns as intervals, traces, confidence, tie-breaks, currency conversion."""

from __future__ import annotations

import pytest

from advisor.errors import ProfileError
from advisor.profile import Profile
from advisor.rulebase.schema import DEPARTMENT_MODELS


def test_an_all_unknown_profile_fires_nothing_and_says_so(engine):
    rec = engine.recommend(Profile(name="Blank"))
    assert all(t.status in ("unknown", "fired") for t in rec.trace)
    model_and_mix = [t for t in rec.trace if t.decision != "technologies"]
    assert all(t.status == "unknown" for t in model_and_mix)
    assert set(rec.department_model.scores.values()) == {0}
    assert rec.department_model.decided_by == "tie_break"
    assert rec.department_model.id == "one_level"  # first in the documented tie-break order
    assert rec.sales_mix.inside_share == 0.5 and rec.sales_mix.reasons == []
    assert len(rec.unknown_fields) == 18


def test_unknown_is_never_read_as_zero_or_false(engine):
    # sales_team_size 0 is the starting point (no department yet); unknown must not be taken for it
    rec = engine.recommend(Profile(name="x", leads_per_month=10))
    trace = {t.rule: t for t in rec.trace}
    assert not rec.department_model.started
    assert trace["DM.one_level.small_team"].status == "unknown"
    assert trace["DM.one_level.small_team"].why() == "sales_team_size unknown (rule needs ≤ 2…5)"
    assert trace["DM.one_level.small_team"].degree == (0.0, 1.0)
    assert trace["MIX.regional_territory"].status == "unknown"


def test_trace_has_every_rule_once_with_actual_and_threshold(engine, ):
    rec = engine.recommend(Profile(name="x", sales_team_size=2, leads_per_month=120, qualified_lead_share=0.2))
    rule_base = engine.rule_base
    expected = [r.id for r in rule_base.department_model.rules] + [r.id for r in rule_base.sales_mix.rules]
    expected += ["tech." + t.id for t in rule_base.technologies.technologies]
    assert [t.rule for t in rec.trace] == expected
    flood = next(t for t in rec.trace if t.rule == "DM.contact_center.unready_flood")
    assert flood.status == "not_fired"  # 60 requests a seller is under the ramp's low anchor (100)
    assert flood.why() == "leads_per_month / sales_team_size = 60, needs ≥ 100…400"
    leaf = flood.leaves[0]
    assert (leaf.field, leaf.per, leaf.operator, leaf.threshold, leaf.actual, leaf.result) == (
        "leads_per_month", "sales_team_size", "at_least", [100, 400], 60, False)


def test_a_ramp_grades_points_between_its_anchors(engine):
    # 250 requests a seller: half-way up the 100-400 ramp; qualified share 0.2 is fully "most not ready"
    rec = engine.recommend(Profile(name="x", sales_team_size=2, leads_per_month=500, qualified_lead_share=0.2))
    flood = next(t for t in rec.trace if t.rule == "DM.contact_center.unready_flood")
    assert flood.status == "partial" and flood.degree == (0.5, 0.5)
    assert flood.earned(3) == 1.5
    assert flood.why() == ("leads_per_month / sales_team_size = 250 ≥ 100…400 (50%); "
                           "qualified_lead_share = 0.2 ≤ 0.4…0.6")
    assert flood.to_dict()["degree"] == [0.5, 0.5]


def test_all_is_false_when_any_part_is_false_even_with_unknowns(engine):
    rec = engine.recommend(Profile(name="x", sales_team_size=5, leads_per_month=10))  # qualified share unknown
    flood = next(t for t in rec.trace if t.rule == "DM.contact_center.unready_flood")
    assert flood.status == "not_fired" and flood.degree == (0.0, 0.0)


def test_an_unknown_beside_a_partial_degree_is_an_interval_up_to_it(engine):
    rec = engine.recommend(Profile(name="x", sales_team_size=2, leads_per_month=500))  # qualified share unknown
    flood = next(t for t in rec.trace if t.rule == "DM.contact_center.unready_flood")
    assert flood.status == "unknown" and flood.degree == (0.0, 0.5)
    model = rec.department_model
    # the contact centre's score can still gain 3 x 0.5 from this rule alone
    assert model.score_high["two_level_contact_center"] - model.scores["two_level_contact_center"] >= 1.5


def test_scores_lie_within_their_ranges_and_confidence_follows_from_them(engine):
    from advisor.engine import CONFIDENCE_LEVELS

    for profile in (Profile(name="blank"), Profile(name="x", sales_team_size=8, leads_per_month=5000,
                                                    qualified_lead_share=0.2, repeat_sales_share=0.1)):
        model = engine.recommend(profile).department_model
        assert model.confidence in CONFIDENCE_LEVELS
        for m in DEPARTMENT_MODELS:
            assert model.score_low[m] <= model.scores[m] <= model.score_high[m]
        others = [m for m in DEPARTMENT_MODELS if m != model.id]
        firm = all(model.score_low[model.id] > model.score_high[m] for m in others) and not model.close_call
        assert (model.confidence == "firm") is (firm and model.scores[model.id] > 0)
    assert engine.recommend(Profile(name="blank")).department_model.confidence == "open"


def test_a_company_without_a_department_builds_one_level_now_and_is_told_what_to_grow_into(engine):
    rec = engine.recommend(Profile(name="alone", sales_team_size=0, leads_per_month=3000, qualified_lead_share=0.3,
                                   repeat_sales_share=0.6))
    model = rec.department_model
    assert model.id == "one_level" and model.decided_by == "starting_point" and model.confidence == "firm"
    assert model.next is not None and model.next.id == "three_level"
    assert "250 a month per seller" in model.next.grow_into.trigger.get("en")
    data = rec.to_dict()["department_model"]
    assert data["next"]["id"] == "three_level" and data["starting_point"]["document"] == "sales-department-models.uk.txt"
    assert data["close_call"] is False


def test_any_is_true_when_one_part_is_true_despite_unknowns(engine):
    rec = engine.recommend(Profile(name="x", active_clients=40))  # repeat share unknown
    item = next(t for t in rec.technologies if t.id == "existing_client_algorithm")
    assert item.status == "applies"


def test_scores_are_the_sum_of_points_times_degree(engine):
    rec = engine.recommend(
        Profile(name="x", leads_per_month=3000, qualified_lead_share=0.2, repeat_sales_share=0.45, sales_team_size=9)
    )
    totals = dict.fromkeys(DEPARTMENT_MODELS, 0.0)
    for trace in rec.trace:
        if trace.decision == "department_model" and trace.status in ("fired", "partial"):
            for model, points in trace.effect["points"].items():
                totals[model] += points * trace.degree[0]
    assert rec.department_model.scores == pytest.approx({m: round(v, 4) for m, v in totals.items()}, abs=1e-4)
    assert rec.department_model.id == "three_level"
    ranked = sorted(totals.values())
    assert rec.department_model.margin == pytest.approx(ranked[-1] - ranked[-2], abs=1e-4)


def test_deal_size_is_converted_to_usd_before_comparison(engine):
    in_usd = engine.recommend(Profile(name="x", average_deal_size=124_000, deals_per_month=2))
    in_rub = engine.recommend(Profile(name="x", average_deal_size=10_000_000, currency="RUB", deals_per_month=2))  # 124,000 USD
    def fired(rec):
        return {t.rule for t in rec.trace if t.fired}
    assert "DM.one_level.very_expensive" in fired(in_usd) and "DM.one_level.very_expensive" in fired(in_rub)
    leaf = next(t for t in in_rub.trace if t.rule == "DM.one_level.very_expensive").leaves[0]
    assert leaf.actual == pytest.approx(124_000)
    assert "10,000,000 RUB" in str(leaf.note) and "2025-10-31" in str(leaf.note)
    from advisor.wording import wording

    assert wording("ru").note(leaf.note) == "10\u00a0000\u00a0000 RUB по курсу 0,0124 USD/RUB на 2025-10-31"


def test_unknown_currency_is_a_profile_error_with_a_suggestion(engine):
    with pytest.raises(ProfileError) as caught:
        engine.recommend(Profile(name="x", average_deal_size=5, currency="RUR"))
    assert caught.value.key == "currency" and "did you mean 'RUB'" in caught.value.message


def test_inside_share_is_held_in_the_rule_base_range(engine):
    field_heavy = Profile(name="x", average_deal_size=5e6, sales_cycle_days=400, market="b2b", sale_type="project",
                          regional=True, close_rate=0.5)
    rec = engine.recommend(field_heavy)
    assert rec.sales_mix.unclamped_inside_share < 0.1
    assert rec.sales_mix.inside_share == 0.1 and rec.sales_mix.outside_share == 0.9


def test_to_dict_has_the_documented_shape(engine):
    data = engine.recommend(Profile(name="x", repeat_sales_share=0.5, market="b2b")).to_dict()
    assert set(data) >= {"name", "department_model", "sales_mix", "technologies", "unknown_fields", "rule_base", "trace"}
    assert set(data["department_model"]) >= {"id", "scores", "reasons"}
    assert set(data["sales_mix"]) >= {"inside_share", "outside_share", "hybrid", "reasons"}
    assert set(data["rule_base"]) >= {"version", "sha256"}
    reason = data["department_model"]["reasons"][0]
    assert set(reason) >= {"rule", "points", "source"} and set(reason["source"]) >= {"document", "says"}
    assert all(set(t) >= {"id", "group", "reasons"} for t in data["technologies"])
