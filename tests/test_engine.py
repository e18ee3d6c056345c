"""The engine: three-valued conditions, traces, tie-breaks, currency conversion."""

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
    assert len(rec.unknown_fields) == 17


def test_unknown_is_never_read_as_zero_or_false(engine):
    # sales_team_size 0 would fire DM.one_level.no_department; unknown must not
    rec = engine.recommend(Profile(name="x", leads_per_month=10))
    trace = {t.rule: t for t in rec.trace}
    assert trace["DM.one_level.no_department"].status == "unknown"
    assert trace["DM.one_level.no_department"].why() == "sales_team_size unknown (rule needs = 0)"
    assert trace["MIX.regional_territory"].status == "unknown"


def test_trace_has_every_rule_once_with_actual_and_threshold(engine, ):
    rec = engine.recommend(Profile(name="x", leads_per_month=120, qualified_lead_share=0.2))
    rule_base = engine.rule_base
    expected = [r.id for r in rule_base.department_model.rules] + [r.id for r in rule_base.sales_mix.rules]
    expected += ["tech." + t.id for t in rule_base.technologies.technologies]
    assert [t.rule for t in rec.trace] == expected
    flood = next(t for t in rec.trace if t.rule == "DM.contact_center.unready_flood")
    assert flood.status == "not_fired"
    assert flood.why() == "leads_per_month = 120, needs ≥ 400"
    leaf = flood.leaves[0]
    assert (leaf.field, leaf.operator, leaf.threshold, leaf.actual, leaf.result) == ("leads_per_month", "gte", 400, 120, False)


def test_all_is_false_when_any_part_is_false_even_with_unknowns(engine):
    rec = engine.recommend(Profile(name="x", leads_per_month=10))  # qualified share unknown
    flood = next(t for t in rec.trace if t.rule == "DM.contact_center.unready_flood")
    assert flood.status == "not_fired"


def test_any_is_true_when_one_part_is_true_despite_unknowns(engine):
    rec = engine.recommend(Profile(name="x", active_clients=40))  # repeat share unknown
    item = next(t for t in rec.technologies if t.id == "existing_client_algorithm")
    assert item.status == "applies"


def test_scores_are_the_sum_of_fired_points(engine):
    rec = engine.recommend(
        Profile(name="x", leads_per_month=900, qualified_lead_share=0.2, repeat_sales_share=0.5, sales_team_size=9)
    )
    totals = dict.fromkeys(DEPARTMENT_MODELS, 0.0)
    for trace in rec.trace:
        if trace.decision == "department_model" and trace.fired:
            for model, points in trace.effect["points"].items():
                totals[model] += points
    assert rec.department_model.scores == totals
    assert rec.department_model.id == "three_level"
    assert rec.department_model.margin == totals["three_level"] - sorted(totals.values())[-2]


def test_deal_size_is_converted_to_usd_before_comparison(engine):
    in_usd = engine.recommend(Profile(name="x", average_deal_size=124_000))
    in_rub = engine.recommend(Profile(name="x", average_deal_size=10_000_000, currency="RUB"))  # 124,000 USD
    def fired(rec):
        return {t.rule for t in rec.trace if t.fired}
    assert "DM.one_level.very_expensive" in fired(in_usd) and "DM.one_level.very_expensive" in fired(in_rub)
    leaf = next(t for t in in_rub.trace if t.rule == "DM.one_level.very_expensive").leaves[0]
    assert leaf.actual == pytest.approx(124_000)
    assert "10,000,000 RUB" in str(leaf.note) and "2025-10-31" in str(leaf.note)
    assert "по курсу" in leaf.note.text("ru")


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
