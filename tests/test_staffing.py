"""The staffing plan against hand calculations: each role's count, the cost figures, the flag, the
affordable variant and the path, for seven example profiles; then the properties the issue names."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.profile import Profile
from advisor.readers import read_one_profile
from advisor.staffing import plan_economics, plan_path, plan_staffing
from advisor.staffing.capacity import _regular_clients
from advisor.staffing.economics import payroll
from advisor.wording.numbers import figure
from advisor.staffing.queue import agents_needed, service_level
from advisor.wording import wording
from conftest import PROFILES
from test_properties import SETTINGS, profiles

RU_WAGE, UA_WAGE, EU_WAGE, US_WAGE, OVERHEAD = 87952, 21473, 3155, 6000, 1.3  # rules/staffing.yaml
FACTOR = {"full_cycle": 1.2, "closer": 1.2, "qualifier": 0.8, "account_manager": 1.1, "inside_regular": 0.9,
          "team_lead": 1.3, "head_of_sales": 2.0}


def plan_of(engine, name):
    profile = read_one_profile(str(PROFILES / f"{name}.yaml")).profile
    rec = engine.recommend(profile)
    staffing = engine.rule_base.staffing
    plan = plan_staffing(rec.facts, rec.department_model.id, staffing)
    eco = plan_economics(rec.facts, plan, staffing, engine.rates, profile.average_deal_size)
    path = plan_path(rec.facts, plan, staffing, eco.costs.per_role if eco else None,
                     eco.monthly_revenue if eco else None)
    return rec, plan, eco, path


def counts(plan):
    return {r.role: r.count for r in plan.roles}


def cost_of(people, wage):
    return sum(n * wage * OVERHEAD * FACTOR[r] for r, n in people.items())


# ---- the queue ----------------------------------------------------------------------------------
def test_erlang_c_gives_the_textbook_answer():
    # 10 Erlangs (200 calls an hour of 3 minutes), 80% answered within 20 seconds: 14 agents
    assert agents_needed(200, 3, 20 / 60, 0.8) == 14
    assert service_level(13, 10, 3, 20 / 60) < 0.8 <= service_level(14, 10, 3, 20 / 60)


# ---- seven profiles by hand ---------------------------------------------------------------------
def test_online_store_no_personal_managers_for_retail_buyers_and_heads_over_sellers(engine):
    rec, plan, eco, path = plan_of(engine, "online-store")
    # leads 5,000, peak 1.4, deals 2,100, repeat 55%, 14 selling today, 18,500 clients,
    # deal 3,000 RUB = 37.20 USD; three-level
    assert rec.department_model.id == "three_level"
    c = counts(plan)
    assert c["qualifier"] == max(math.ceil(5000 / 400), 12) == 13  # 12: Erlang C at 29.8 leads an hour
    assert plan.by_role()["qualifier"].peak_extra == math.ceil(7000 / 400) - 13 == 5
    assert c["closer"] == math.ceil(2100 * 0.45 / (2100 / 14)) == 7  # measured: 150 deals a seller today
    assert plan.by_role()["closer"].method == "measured"
    # a client brings 37.20 x (2,100 x 12 / 18,500) = 50.7 USD a year: no personal manager
    assert "account_manager" not in c
    assert c["inside_regular"] == math.ceil(2100 * 0.55 / 400) == 3
    assert c["team_lead"] == math.ceil((13 + 3) / 10) == 2
    assert c["head_of_sales"] == math.ceil((7 + 2) / 8) == 2  # over sellers and team leads, not over everyone
    assert plan.total == 27
    # economics in RUB: Rosstat's average wage x 1.3, by role
    assert eco.monthly_revenue == pytest.approx(2100 * 3000)
    assert eco.margin_assumed and eco.gross_margin == 0.30
    assert eco.monthly_sales_cost == pytest.approx(cost_of(c, RU_WAGE))
    assert round(eco.monthly_sales_cost) == 3_212_887
    assert eco.cost_of_sales_share == pytest.approx(3_212_886.56 / 6_300_000, rel=1e-6)
    assert eco.budget == pytest.approx(6_300_000 * 0.30 * 0.5)
    assert not eco.affordable
    variant = eco.variant
    assert variant.steps[0] == "outsourced_qualification" and variant.affordable
    assert variant.payroll <= eco.budget
    outsourced = {r: n for r, n in variant.people.items() if r in variant.outsourced}
    assert variant.payroll == pytest.approx(cost_of(variant.people, RU_WAGE) - 0.3 * cost_of(outsourced, RU_WAGE))
    # the path: 14 today fill the 7 closers and 7 of the qualifiers; 13 to hire, 3 a month
    assert path.hires == {"qualifier": 6, "team_lead": 2, "inside_regular": 3, "head_of_sales": 2}
    assert [m.people for m in path.months[:5]] == [17, 20, 23, 26, 27]


def test_stadium_builder_shows_the_figure_it_used(engine):
    _, plan, eco, path = plan_of(engine, "stadium-builder")
    need = plan.by_role()["full_cycle"]
    assert need.count == math.ceil(0.2 / (0.2 / 4)) == 4
    assert "0.2 won deals a month" in wording("en").note(need.basis)  # not a rounded 0
    assert "head_of_sales" not in counts(plan) and plan.total == 4  # four people: the owner leads them
    assert eco.monthly_sales_cost == pytest.approx(4 * US_WAGE * OVERHEAD * 1.2)
    assert eco.monthly_revenue == pytest.approx(0.2 * 45_000_000) and eco.affordable
    # a seller carries 9,000,000 x 0.35 / 4 a month, far above the pay: paid back in ramp-up,
    # but no deal of theirs closes before one 400-day cycle
    assert eco.payback_months["full_cycle"] == pytest.approx(400 / 30)
    assert path.hires == {} and path.reductions == {}


def test_founder_alone_by_norm_and_too_small_to_pay_a_seller(engine):
    rec, plan, eco, path = plan_of(engine, "founder-alone")
    # leads 40, deals 12, cycle 10 days, close rate unknown: 21% assumed; outbound unknown: no hunting
    load = 40 / 400 + (12 / 0.21 * (10 / 30)) / 25
    assert rec.department_model.id == "one_level"
    assert [(r.role, r.count) for r in plan.roles] == [("full_cycle", math.ceil(load))]
    assert "(assumed)" in wording("en").note(plan.roles[0].basis) and "21%" in wording("en").note(plan.roles[0].basis)
    assert plan.roles[0].method == "assumed"
    seller = EU_WAGE * OVERHEAD * 1.2  # EUR: the EU's average wage, said as assumed from the currency
    assert eco.costs.how == "currency" and eco.costs.per_role["full_cycle"] == pytest.approx(seller)
    assert eco.monthly_revenue == pytest.approx(12 * 450) and eco.gross_profit == pytest.approx(12 * 450 * 0.30)
    assert not eco.affordable and eco.payback_months["full_cycle"] is None  # 1,620 a month < 4,922
    assert eco.variant.steps == [] and not eco.variant.cheaper and eco.variant.people == {"full_cycle": 1}
    assert not eco.variant.affordable  # even one seller: said, not hidden
    assert path.hires == {"full_cycle": 1} and path.months[0].people == 1


def test_seasonal_garden_goods_peak_seats_country_and_margin(engine):
    _, plan, eco, path = plan_of(engine, "seasonal-garden-goods")
    c = counts(plan)
    assert c["qualifier"] == max(math.ceil(1500 / 400), 5) == 5  # Erlang C: 8.9 leads an hour need 5
    assert plan.by_role()["qualifier"].peak_extra == max(math.ceil(1500 * 3.2 / 400), 11) - 5 == 7
    assert c["closer"] == math.ceil(420 / (420 / 6)) == 6
    assert c["team_lead"] == 1 and c["head_of_sales"] == math.ceil((6 + 1) / 8) == 1
    assert eco.costs.how == "country" and eco.costs.level == "UA"
    assert eco.monthly_sales_cost == pytest.approx(cost_of(c, UA_WAGE))
    assert eco.gross_profit == pytest.approx(420 * 4200 * 0.28) and not eco.margin_assumed
    assert not eco.affordable and eco.variant.affordable and eco.variant.payroll <= eco.budget
    assert path.peak_extra == {"qualifier": 7}


def test_it_outsourcing_plan_shrinks_the_team_and_says_so(engine, cli, tmp_path):
    _, plan, eco, path = plan_of(engine, "it-outsourcing")
    c = counts(plan)
    assert c["closer"] == math.ceil(4 * 0.25 / (4 / 4)) == 1
    # a client brings 55,680 USD x 4 x 12 / 28 purchases = 95,451 USD a year: between the ratios
    # held at $31.6K (50 a manager) and $316K (10), on a log scale: 23.1 a manager, not the 50 of
    # the tier below $100K that one more dollar would have turned into 10
    per = 10 ** (math.log10(50) + (math.log10(10) - math.log10(50)) * (math.log10(55680 * 4 * 12 / 28) - 4.5))
    assert per == pytest.approx(23.1, abs=0.05)
    assert c["account_manager"] == math.ceil(28 / per) == 2
    assert plan.total == 3 and path.reductions == {"selling_today": 1} and path.hires == {}
    assert eco.costs.how == "profile"
    assert eco.monthly_sales_cost == pytest.approx(5200 + 2 * 5200 * 1.1 / 1.2)
    assert eco.affordable and eco.variant is None
    out = tmp_path / "it.md"
    assert cli("report", str(PROFILES / "it-outsourcing.yaml"), "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "1 fewer seller than today" in text and "1 person fewer than the 4 selling today" in text
    assert "28 active clients / 23.1 a manager" in text
    assert "0 people" not in text and "Head of sales" not in text.split("## How to get there")[0].split("## Staffing")[1]


def test_courses_company_keeps_its_measured_closers(engine):
    _, plan, eco, _ = plan_of(engine, "inbound-flood-courses")
    c = counts(plan)
    assert c["closer"] == math.ceil(310 / (310 / 8)) == 8  # not 65 by the open-deals norm
    assert c["qualifier"] == max(math.ceil(6000 / 400), 14) == 15
    assert c["team_lead"] == 2 and c["head_of_sales"] == math.ceil((8 + 2) / 8) == 2
    assert plan.total == 27


def test_smb_saas_pooled_account_management_is_the_affordable_variant(engine):
    rec, plan, eco, _ = plan_of(engine, "smb-saas")
    assert rec.department_model.id == "two_level_account_manager"
    c = counts(plan)
    # a client brings 1,200 x 380 x 12 / 5,200 = 1,052 USD a year: worth a manager, just past the
    # line where the ratios held at $316 (500 a manager) and $3,162 (200) meet on a log scale: 310
    per = 10 ** (math.log10(500) + (math.log10(200) - math.log10(500)) * (math.log10(1200 * 380 * 12 / 5200) - 2.5))
    assert per == pytest.approx(310, abs=1)
    assert c["account_manager"] == math.ceil(5200 / per) == 17
    assert c["closer"] == math.ceil(380 * 0.35 / (380 / 12)) == 5
    assert c["head_of_sales"] == math.ceil((5 + 17) / 8) == 3 and plan.total == 25
    assert eco.monthly_sales_cost == pytest.approx(cost_of(c, US_WAGE))
    assert eco.budget == pytest.approx(380 * 1200 * 0.70 * 0.5) and not eco.affordable
    v = eco.variant
    assert v.steps == ["pooled_accounts"] and v.affordable
    # 380 x 65% = 247 repeat orders a month: one inside seller; six reports: one head
    assert v.people == {"closer": 5, "head_of_sales": 1, "inside_regular": math.ceil(380 * 0.65 / 400)}
    assert v.payroll == pytest.approx(cost_of(v.people, US_WAGE)) == pytest.approx(69_420)


# ---- properties ---------------------------------------------------------------------------------
more = st.floats(1, 10, allow_nan=False)
# companies whose plan and economics are known (generated profiles with unknowns rarely are)
companies = st.builds(
    Profile, name=st.just("generated"), sales_team_size=st.integers(0, 60), leads_per_month=st.floats(0, 20_000),
    seasonality_peak_ratio=st.none() | st.floats(1, 4), repeat_sales_share=st.floats(0, 0.95),
    average_deal_size=st.floats(5, 200_000), sales_cycle_days=st.floats(0, 400), deals_per_month=st.floats(0.1, 3000),
    close_rate=st.none() | st.floats(0.02, 0.9), outbound_share=st.none() | st.floats(0, 1),
    market=st.sampled_from(["b2b", "b2c", "mixed"]), active_clients=st.integers(0, 60_000),
    offering=st.sampled_from(["goods", "services", "saas"]), gross_margin=st.none() | st.floats(0.05, 0.9),
    country=st.none() | st.sampled_from(["UA", "RU", "US", "DE", "BG"]),
)


@SETTINGS
@given(profiles | companies, st.sampled_from(["leads_per_month", "deals_per_month", "active_clients"]), more,
       st.sampled_from(["one_level", "two_level_contact_center", "two_level_account_manager", "three_level"]))
def test_more_leads_deals_or_clients_never_lower_a_role(engine, profile, field, factor, model):
    before = getattr(profile, field)
    if before is None:
        return
    update = {field: type(before)(before * factor) if before else 1}
    bigger = profile.model_copy(update=update)
    staffing = engine.rule_base.staffing
    a = plan_staffing(engine.facts(profile), model, staffing)
    b = plan_staffing(engine.facts(bigger), model, staffing)
    if {r.role for r in a.roles} - {r.role for r in b.roles} and field == "active_clients":
        # more clients can lower a client's yearly value below the line where a personal manager
        # pays, and account managers give way to the inside team: a change of role, not of load
        return
    after = b.by_role()
    for need in a.roles:
        if need.count is not None:
            if need.role in after and after[need.role].count is None:
                continue  # the bigger company needs an answer this one did not (clients to keep): unknown, not fewer
            COMPARED.append(1)
            assert b.count(need.role) >= need.count, (need.role, field)


@SETTINGS
@given(companies, st.floats(1.01, 5, allow_nan=False))
def test_dearer_people_never_make_a_flagged_plan_affordable(engine, profile, factor):
    staffing = engine.rule_base.staffing
    rec = engine.recommend(profile)
    plan = plan_staffing(rec.facts, rec.department_model.id, staffing)
    base = plan_economics(rec.facts, plan, staffing, engine.rates, profile.average_deal_size)
    assert base is not None  # every generated company has what the economics need
    seller = base.costs.per_role["closer"]
    for dearer in (factor, 2.0):
        facts = {**rec.facts, "monthly_cost_per_seller": seller * dearer}
        again = plan_economics(facts, plan, staffing, engine.rates, profile.average_deal_size)
        assert again.monthly_sales_cost == pytest.approx(base.monthly_sales_cost * dearer)
        if not base.affordable:
            FLAGGED.append(1)
            assert not again.affordable
        if base.variant is not None and again.variant is not None and not base.variant.affordable:
            assert not again.variant.affordable


FLAGGED: list[int] = []
COMPARED: list[int] = []


def test_the_properties_met_real_cases():
    # runs after the properties above (file order): they compared real headcounts and flagged plans
    assert len(COMPARED) > 100 and len(FLAGGED) > 20


@given(st.floats(1e-4, 1e9, allow_nan=False), st.sampled_from(["en", "ru", "uk"]))
def test_a_shown_figure_never_hides_what_the_arithmetic_used(value, lang):
    text = figure(value, lang)
    assert text != "0"
    read = text.replace(",", "") if lang == "en" else text.replace("\u00a0", "").replace(",", ".")
    assert float(read) == pytest.approx(value, rel=0.06)


def test_payroll_of_people_is_the_sum_of_their_costs():
    assert payroll({"closer": 2, "qualifier": 3}, {"closer": 100.0, "qualifier": 50.0}) == 350
    assert payroll({"qualifier": 3}, {"qualifier": 50.0}, ("qualifier",), 0.7) == pytest.approx(105)


def test_cost_table_is_overridable_by_an_overlay_and_its_sources_are_checked(cli, tmp_path):
    from conftest import staffing_overlay

    overlay = staffing_overlay(tmp_path, "wage: 87952,", "wage: 175904,")
    staffing = (overlay / "staffing.yaml").read_text(encoding="utf-8")
    out = tmp_path / "plan.json"
    assert cli("report", str(PROFILES / "online-store.yaml"), "-o", str(out), "--rules", str(overlay)).exit_code == 0
    import json

    assert json.loads(out.read_text())["monthly_sales_cost"] == pytest.approx(2 * 3_212_886.56)
    start = staffing.index("assumed_gross_margin:")
    broken = staffing[:start] + staffing[start:].replace("document: sales-department-models.uk.txt",
                                                          "document: nowhere.txt", 1)
    (overlay / "staffing.yaml").write_text(broken, encoding="utf-8")
    result = cli("report", str(PROFILES / "online-store.yaml"), "-o", str(out), "--rules", str(overlay))
    assert result.exit_code == 2
    assert "staffing.yaml:" in result.stderr and "assumed_gross_margin.source.document: 'nowhere.txt'" in result.stderr


def test_no_sales_yet_is_flagged_without_a_division_by_zero(cli, tmp_path):
    import json

    (tmp_path / "zero.yaml").write_text("name: Zero\nsales_team_size: 2\nleads_per_month: 50\ndeals_per_month: 0\n"
                                        "average_deal_size: 100\nsales_cycle_days: 10\noffering: goods\n")
    for suffix in ("html", "md", "json"):
        result = cli("report", str(tmp_path / "zero.yaml"), "-o", str(tmp_path / f"zero.{suffix}"))
        assert result.exit_code == 0, result.stderr
    data = json.loads((tmp_path / "zero.json").read_text(), parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert data["monthly_revenue"] == 0 and data["cost_of_sales_share"] is None and data["affordable"] is False
    assert "no gross profit yet" in (tmp_path / "zero.md").read_text()


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profiles | companies, st.sampled_from(["en", "ru", "uk"]))
def test_any_profile_gets_a_report_in_every_format(engine, profile, lang):
    import json

    from advisor.report.content import build_report
    from advisor.report.data import report_data
    from advisor.report.html import render_html
    from advisor.report.markdown import render_report_markdown

    content = build_report(engine, profile, source=None, lang=lang)
    assert "</html>" in render_html(content) and render_report_markdown(content)
    data = json.loads(json.dumps(report_data(content), allow_nan=False))
    if data.get("total_people") is not None:
        assert data["total_people"] == sum(r["people"] for r in data["roles"]) > 0
        assert all(r["people"] > 0 for r in data["roles"])  # no role of 0 people


def test_web_shop_orders_are_no_sellers_workload(engine):
    profile = read_one_profile(str(PROFILES / "online-store.yaml")).profile
    staffing = engine.rule_base.staffing

    def plan(**changes):
        return plan_staffing(engine.facts(profile.model_copy(update=changes)), "three_level", staffing)

    # by the norm (today's team unknown): open deals = 2,100 x 45% new / 42% x 2/30 months = 150;
    # 10% outbound leaves 25 x (1 - 0.8 x 0.1) = 23 a closer
    assert plan(sales_team_size=None).count("closer") == math.ceil(150 / 23) == 7
    web = plan(sales_team_size=None, self_service_share=0.6)
    assert web.count("closer") == math.ceil(150 * 0.4 / 23) == 3
    assert " × 40% through a seller" in wording("en").note(web.by_role()["closer"].basis)
    # repeat orders placed online need nobody: 2,100 x 55% x 40% = 462 a month / 400
    assert web.count("inside_regular") == math.ceil(2100 * 0.55 * 0.4 / 400) == 2
    # measured: today's 14 handle the 40% through a seller, 60 each; the count stays as measured
    measured = plan(self_service_share=0.6).by_role()["closer"]
    assert measured.count == 7 and "/ 14 selling today = 60 a seller" in wording("en").note(measured.basis)


@SETTINGS
@given(st.sampled_from([1_000, 10_000, 100_000]), st.floats(1.0, 1.2), st.floats(0.1, 3000), st.integers(1, 60_000),
       st.integers(1, 50))
def test_one_more_client_never_lowers_the_account_managers_nor_makes_them_jump(engine, line, above, deals, clients,
                                                                                 more):
    """Spreading the same sales over more clients makes each worth less and a manager serves more of
    them; the count still never falls, and grows at most as fast as the clients do (plus one). The
    clients are worth a little over a line where the benchmark's ratio changes, so more of them cross it."""
    norms = engine.rule_base.staffing.norms
    deal = line * above * clients / (deals * 12)  # a client's yearly value: `above` times the line
    facts = {"active_clients": clients, "average_deal_size": deal, "deals_per_month": deals, "market": "b2b",
             "repeat_sales_share": 0.5}
    managers = [next((r.count for r in _regular_clients({**facts, "active_clients": n}, norms)
                      if r.role == "account_manager"), None) for n in (clients, clients + more)]
    if None in managers:
        return  # below the value where a personal manager pays: the inside team's count, another role
    assert managers[1] >= managers[0]
    assert managers[1] <= math.ceil(managers[0] * (clients + more) / clients) + 1
