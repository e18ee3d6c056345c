"""explain and compare: reason codes, why-not, verified smallest changes, unknown fields."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.errors import UsageError
from advisor.explain import RESOLUTION, apply_changes, explain, parse_assignments
from advisor.profile import FIELDS, Profile
from advisor.readers import read_one_profile
from conftest import PROFILES
from test_properties import profiles

SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None)


def _load(name: str) -> Profile:
    return read_one_profile(str(PROFILES / name)).profile


def _with(profile: Profile, changes: dict) -> Profile:
    return profile.model_copy(update=changes)


def _closer_values(engine, profile: Profile, field: str, new):
    """Values strictly between the current and the new one, on the field's resolution grid (at most
    about 600 of them, evenly spread), found by a plain scan, not by the search under test."""
    current = getattr(profile, field)
    if current is None or not FIELDS[field].numeric:
        return []
    step = RESOLUTION[field]
    low, high = sorted((current, new))
    count = int((high - low) / step)
    stride = max(1, count // 600)
    values = [round(low + k * step, 6) for k in range(1, count, stride)]
    values.append(round(new - step if new > current else new + step, 6))
    values = [v for v in values if low < v < high]
    return [int(round(v)) if FIELDS[field].kind == "integer" else v for v in values]


@SETTINGS
@given(profiles, st.lists(st.sampled_from(["repeat_sales_share", "leads_per_month", "sales_team_size"]), max_size=2))
def test_counterfactuals_flip_to_their_target_minimally_and_respect_fix(engine, profile, fixed):
    exp = explain(engine, profile, fixed=fixed)
    winner = exp.recommendation.department_model.id
    reached = {c.to for c in exp.counterfactuals}
    assert reached | set(exp.unreachable) | {winner} == set(engine.tie_break)
    for cf in exp.counterfactuals:
        assert not set(cf.changes) & set(fixed)
        assert 1 <= len(cf.changes) <= 2
        assert engine.recommend(_with(profile, cf.changes)).department_model.id == cf.to
        if len(cf.changes) == 1:
            (field, new), = cf.changes.items()
            for value in _closer_values(engine, profile, field, new):
                assert engine.recommend(_with(profile, {field: value})).department_model.id != cf.to, (field, value)


def test_why_not_lists_every_other_model_with_its_rules_and_their_failed_conditions(engine):
    exp = explain(engine, _load("founder-alone.yaml"))
    assert [w.model for w in exp.why_not] and exp.recommendation.department_model.id == "one_level"
    assert {w.model for w in exp.why_not} == {"two_level_contact_center", "two_level_account_manager", "three_level"}
    cc = next(w for w in exp.why_not if w.model == "two_level_contact_center")
    flood = next(r for r in cc.rules if r.rule == "DM.contact_center.unready_flood")
    assert flood.status == "not_fired" and flood.why() == ("leads_per_month / sales_team_size = 40, needs ≥ 100…400; "
                                                           "qualified_lead_share = 0.6, needs ≤ 0.4…0.6")
    seasonal = next(r for r in cc.rules if r.rule == "DM.contact_center.seasonal")
    # the peak is unknown, but 40 requests a month is under what a season could make too many
    assert seasonal.status == "not_fired" and "seasonality_peak_ratio" not in seasonal.why()
    am = next(w for w in exp.why_not if w.model == "two_level_account_manager")
    repeat = next(r for r in am.rules if r.rule == "DM.account_manager.many_repeat")
    assert repeat.status == "unknown" and repeat.unknown_fields() == ["repeat_sales_share"]


GOLDEN = [
    # (profile, expected model, a counterfactual the documents make plausible: target -> changes).
    # With graded evidence a change reaches its target where the ramps say, not at one cut-off:
    # the store needs repeat sales to stop mattering (the 20% anchor) to drop the account-manager
    # layer, and its inbound flow to fall to about 210 requests a seller to drop the contact centre.
    ("online-store.yaml", "three_level", "two_level_contact_center", {"repeat_sales_share": 0.2}),
    ("online-store.yaml", "three_level", "two_level_account_manager", {"leads_per_month": 2960}),
    ("niche-equipment.yaml", "one_level", "two_level_account_manager", {"repeat_sales_share": 0.44}),
    ("niche-equipment.yaml", "one_level", "two_level_contact_center", {"leads_per_month": 1199, "deals_per_month": 14.9}),
    ("b2b-saas-long-sale.yaml", "two_level_account_manager", "three_level", {"leads_per_month": 2799, "sales_cycle_days": 46}),
    ("dental-clinic.yaml", "two_level_contact_center", "three_level", {"organization_stage": 3}),
]


@pytest.mark.parametrize("name, model, target, changes", GOLDEN)
def test_golden_explanations(engine, name, model, target, changes):
    exp = explain(engine, _load(name))
    assert exp.recommendation.department_model.id == model
    found = {c.to: c.changes for c in exp.counterfactuals}
    assert found[target] == changes


def test_the_starting_point_is_a_change_that_reaches_one_level_whatever_the_scores(engine, cli):
    """With no sales team the document says to start one-level, so a team of 0 reaches one-level even when
    three-level keeps more points: the search tries the value the starting point asks for and does not
    call one-level unreachable (it did: the score bound alone ruled it out)."""
    exp = explain(engine, _load("online-store.yaml"))
    found = {c.to: c for c in exp.counterfactuals}
    assert "one_level" not in exp.unreachable
    assert found["one_level"].changes == {"sales_team_size": 0} and found["one_level"].starting_point
    assert found["one_level"].scores["three_level"] > found["one_level"].scores["one_level"]
    assert not found["two_level_contact_center"].starting_point
    data = json.loads(cli("explain", str(PROFILES / "online-store.yaml"), "-f", "json").stdout)
    by_target = {c["to"]: c for c in data["counterfactuals"]}
    assert by_target["one_level"]["decided_by"] == "starting_point"
    assert "decided_by" not in by_target["two_level_contact_center"]
    text = cli("explain", str(PROFILES / "online-store.yaml"), "--lang", "uk", "-f", "markdown").stdout
    assert "якщо кількість продавців = 0: відправна точка за документом" in text


def test_reason_codes_are_ranked_by_points_with_their_sources(engine):
    data = explain(engine, _load("online-store.yaml")).to_dict()
    codes = data["department_model"], data["reason_codes"]["department_model"]
    points = [r["points"] for r in codes[1]]
    assert points == sorted(points, reverse=True) and points[0] == pytest.approx(3 * 0.857, abs=0.01)
    assert codes[1][0]["source"]["document"] == "sales-department-models.uk.txt"
    assert codes[1][0]["degree"] == pytest.approx(0.8571, abs=1e-4)  # 357 requests a seller on the 100-400 ramp
    scores = data["department_model"]["scores"]
    assert data["department_model"]["margin"] == pytest.approx(scores["three_level"] - sorted(scores.values())[-2])
    assert data["department_model"]["confidence"] == "firm"


def test_unknown_fields_say_which_values_would_change_the_advice(engine):
    exp = explain(engine, Profile(name="x", sales_team_size=3, leads_per_month=500, qualified_lead_share=0.3))
    impacts = {i.field: i for i in exp.unknown_impacts}
    assert exp.unknown_impacts[0].changes_model == "alone"
    assert "repeat_sales_share" in impacts and impacts["repeat_sales_share"].changes_model == "alone"
    assert (0.42, "two_level_account_manager") in impacts["repeat_sales_share"].outcomes
    assert all(model != "two_level_contact_center" for _, model in impacts["repeat_sales_share"].outcomes)
    order = [i.changes_model for i in exp.unknown_impacts]
    assert order == sorted(order, key=["alone", "with_others", "no"].index)


@pytest.mark.parametrize("name", ["early-idea.yaml", "founder-alone.yaml", "niche-equipment.yaml"])
def test_an_answer_ranked_as_unable_to_change_the_model_cannot_even_with_another(engine, name):
    from advisor.explain import _Search

    profile = _load(name).model_copy(update={"repeat_sales_share": None, "seasonality_peak_ratio": None})
    exp = explain(engine, profile)
    search = _Search(engine, profile, [])
    unknown = [i.field for i in exp.unknown_impacts if i.field in search.fields]
    for impact in exp.unknown_impacts:
        if impact.changes_model != "no" or impact.field not in search.fields:
            continue
        for other in unknown:
            if other == impact.field:
                continue
            for b in search.coarse(other):
                without = search.outcome(((other, b),))[1]  # whatever the other answer turns out to be...
                for a in search.coarse(impact.field):  # ...this one changes nothing more
                    assert search.outcome(((impact.field, a), (other, b)))[1] == without, (impact.field, a, other, b)


def test_set_applies_a_scenario_first(engine):
    base = _load("niche-equipment.yaml")
    exp = explain(engine, base, scenario=parse_assignments(["repeat_sales_share=50%"]))
    assert exp.recommendation.profile.repeat_sales_share == 0.5
    assert exp.recommendation.department_model.id == "two_level_account_manager"
    assert exp.scenario == {"repeat_sales_share": "50%"}


@pytest.mark.parametrize(
    "items, message",
    [(["repeat_sale_share=0.5"], "did you mean 'repeat_sales_share'"), (["leads"], "expected field=value"),
     (["name=x"], "not a scenario field")],
)
def test_bad_set_is_a_usage_error(items, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        parse_assignments(items)


def test_set_value_errors_name_the_field():
    with pytest.raises(UsageError, match="close_rate"):
        apply_changes(Profile(name="x"), parse_assignments(["close_rate=150"]))
    assert parse_assignments(["a_b=1"] if False else ["close_rate=", "market=b2b,leads_per_month=1,5"]) == {
        "close_rate": None, "market": "b2b", "leads_per_month": "1,5"}


def test_explain_cli_json_has_counterfactuals_key(cli):
    result = cli("explain", str(PROFILES / "online-store.yaml"), "-f", "json", "--fix", "repeat_sales_share")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) >= {"reason_codes", "why_not", "counterfactuals", "unknown_fields", "department_model"}
    assert all(set(c) >= {"to", "changes"} and "repeat_sales_share" not in c["changes"] for c in data["counterfactuals"])


def test_explain_cli_text_and_markdown(cli):
    text = cli("explain", str(PROFILES / "early-idea.yaml")).stdout
    assert "why not the others" in text and "what would change the advice" in text and "which of them matter" in text
    assert "leads per month:" in text and "leads_per_month" not in text  # answers named by their labels
    markdown = cli("explain", str(PROFILES / "early-idea.yaml"), "-f", "markdown").stdout
    assert markdown.startswith("# Why one-level for Early Idea") and "## What would change the advice" in markdown
    russian = cli("explain", str(PROFILES / "early-idea.yaml"), "--lang", "ru").stdout
    assert "почему не другие" in russian and "why not" not in russian and "лидов в месяц" in russian


def test_explain_cli_usage_errors(cli):
    assert cli("explain", str(PROFILES / "online-store.yaml"), "--set", "leadz=4").exit_code == 2
    assert cli("explain", str(PROFILES / "online-store.yaml"), "--fix", "leadz").exit_code == 2


def test_compare_profiles_and_scenarios(cli):
    result = cli("compare", str(PROFILES / "niche-equipment.yaml"), "--scenario", "repeat_sales_share=50%",
                 "--scenario", "leads_per_month=3000,qualified_lead_share=20%,deals_per_month=30", "-f", "json")
    assert result.exit_code == 0
    columns = json.loads(result.stdout)
    assert [c["department_model"] for c in columns] == ["one_level", "two_level_account_manager",
                                                        "two_level_contact_center"]
    assert columns[1]["changes"] == {"repeat_sales_share": "50%"}
    text = cli("compare", str(PROFILES / "online-store.yaml"), str(PROFILES / "stadium-builder.yaml")).stdout
    assert "HomeGoods Online" in text and "ArenaBuild Contractors" in text and "Deal plan" in text
    assert "Checklist items that differ" in text and "deal_plan" not in text
    markdown = cli("compare", str(PROFILES / "online-store.yaml"), "--set", "regional=yes", "-f", "markdown").stdout
    assert markdown.startswith("# Comparison") and "| | HomeGoods Online \\(regional sales = yes\\) |" in markdown
