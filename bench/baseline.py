"""A plain hand-written Python function applying the built-in rules: the speed baseline.

No validation messages, no traces, no rule-base loading: the rules of rules/*.yaml
written out as code, reading a CSV and writing JSON Lines of the decisions. bench/run.py
runs it beside `advisor score` on the same file and checks both give the same decisions.

    python bench/baseline.py INPUT.csv OUTPUT.jsonl
"""

from __future__ import annotations

import csv
import json
import sys

USD_PER_UNIT = {"USD": 1, "EUR": 1.16, "GBP": 1.32, "CHF": 1.25, "PLN": 0.27, "CZK": 0.048, "UAH": 0.024,
                "RUB": 0.0124, "BYN": 0.30, "KZT": 0.0019, "GEL": 0.37, "MDL": 0.059, "TRY": 0.024, "CNY": 0.14,
                "JPY": 0.0065, "INR": 0.0113, "BRL": 0.185, "CAD": 0.71, "AUD": 0.655}
NUMBERS = ("sales_team_size", "leads_per_month", "seasonality_peak_ratio", "average_deal_size", "sales_cycle_days",
           "deals_per_month", "organization_stage", "active_clients")
SHARES = ("qualified_lead_share", "repeat_sales_share", "close_rate", "outbound_share")
ORDER = ("one_level", "two_level_contact_center", "two_level_account_manager", "three_level")


def parse(row: dict[str, str]) -> dict:
    p: dict = {k: (v.strip() or None) for k, v in row.items()}
    for k in NUMBERS:
        if p.get(k) is not None:
            p[k] = float(p[k])
    for k in SHARES:
        if p.get(k) is not None:
            v = p[k]
            p[k] = float(v[:-1]) / 100 if v.endswith("%") else float(v)
    if p.get("regional") is not None:
        p["regional"] = p["regional"].lower() in ("yes", "true", "1")
    currency = p.get("currency") or "USD"
    if p.get("average_deal_size") is not None and currency != "USD":
        p["average_deal_size"] = round(p["average_deal_size"] * USD_PER_UNIT[currency], 2)
    return p


def cmp(value, op, threshold):
    """Three-valued comparison: None when the value is unknown."""
    if value is None:
        return None
    if op == ">=":
        return value >= threshold
    if op == "<=":
        return value <= threshold
    if op == "<":
        return value < threshold
    if op == ">":
        return value > threshold
    if op == "in":
        return value in threshold
    return value == threshold


def all_(*parts):
    return False if False in parts else (None if None in parts else True)


def any_(*parts):
    return True if True in parts else (None if None in parts else False)


def up(value, low, high):
    """A ramp's degree from the known answers (an unknown counts 0, as the engine's point score)."""
    if value is None:
        return 0.0
    return 0.0 if value <= low else 1.0 if value >= high else (value - low) / (high - low)


def down(value, low, high):
    if value is None:
        return 0.0
    return 1.0 if value <= low else 0.0 if value >= high else (high - value) / (high - low)


def crisp(condition):
    return 1.0 if condition else 0.0


def decide(p: dict) -> dict:
    g = p.get
    s = dict.fromkeys(ORDER, 0.0)
    team = g("sales_team_size")
    leads = g("leads_per_month")
    per_seller = None if leads is None or team is None else leads / max(team, 1)
    volume = up(per_seller, 100, 400)
    repeat = up(g("repeat_sales_share"), 0.2, 0.5)
    few_deals = down(g("deals_per_month"), 5, 15)

    def add(degree, **points):
        for model, value in points.items():
            s[model] += value * degree

    add(down(team, 2, 5), one_level=2)
    add(few_deals, one_level=2)
    add(min(up(g("average_deal_size"), 25000, 100000), few_deals), one_level=2)
    add(crisp(cmp(g("organization_stage"), "==", 1)), one_level=1)
    add(min(volume, down(g("qualified_lead_share"), 0.4, 0.6)), two_level_contact_center=3, three_level=1)
    add(min(up(g("seasonality_peak_ratio"), 1.3, 2.0), up(per_seller, 50, 200)), two_level_contact_center=2,
        three_level=1)
    add(repeat, two_level_account_manager=3, three_level=1)
    add(up(g("repeat_sales_share"), 0.5, 0.7), two_level_account_manager=1, three_level=1)
    add(min(up(g("sales_cycle_days"), 45, 120), max(crisp(cmp(g("offering"), "in", ("services", "saas"))), repeat)),
        two_level_account_manager=3, three_level=1)
    add(min(up(g("outbound_share"), 0.3, 0.6), repeat), two_level_account_manager=1, three_level=1)
    add(crisp(cmp(g("organization_stage"), ">=", 3)), two_level_account_manager=1, three_level=1)
    add(crisp(cmp(g("channel"), "==", "indirect")), two_level_account_manager=1)
    add(crisp(cmp(g("market"), "==", "b2c")), two_level_account_manager=-1, three_level=-1)
    add(min(volume, repeat), three_level=3)
    add(min(crisp(cmp(g("offering"), "==", "goods")), crisp(cmp(g("market"), "==", "mixed")), volume), three_level=1)
    s = {m: round(v, 6) + 0.0 for m, v in s.items()}  # as the engine: rounded before ranking
    model = "one_level" if team == 0 else sorted(ORDER, key=lambda m: (-s[m], ORDER.index(m)))[0]

    deal = g("average_deal_size")
    inside = 0.5
    for degree, shift in (
        (crisp(cmp(g("offering"), "==", "saas")), 0.15), (down(deal, 700, 1500), 0.15), (down(deal, 7000, 15000), 0.1),
        (up(deal, 7000, 15000), -0.1), (up(deal, 70000, 150000), -0.15),
        (crisp(cmp(g("market"), "==", "b2c")), 0.1),
        (min(crisp(cmp(g("market"), "==", "b2b")), up(deal, 7000, 15000)), -0.1),
        (crisp(cmp(g("regional"), "==", True)), -0.1), (up(leads, 200, 600), 0.1), (repeat, 0.1),
        (crisp(cmp(g("organization_stage"), "==", 4)), 0.05), (crisp(cmp(g("sale_type"), "==", "project")), -0.1),
        (crisp(cmp(g("sale_type"), "==", "transactional")), 0.1),
    ):
        inside += shift * degree
    inside = round(min(1.0, max(0.1, inside)), 2)
    applies = cmp(g("sale_location"), "==", "premises") is not True  # a sale at the premises has no split
    field_work = max(up(deal, 7000, 15000), crisp(cmp(g("regional"), "==", True)),
                     crisp(cmp(g("sale_type"), "==", "project")))
    clients_to_keep = max(repeat, up(g("active_clients"), 10, 50))
    hybrid = min(field_work, clients_to_keep) >= 0.5  # a yes/no effect holds from a degree of one half

    project = cmp(g("sale_type"), "==", "project")
    regional = cmp(g("regional"), "==", True)
    base = any_(cmp(g("active_clients"), ">", 0), cmp(g("repeat_sales_share"), ">", 0))
    items = (
        ("operational_reporting", True), ("sales_stages", True), ("work_planning", True),
        ("regional_development_plan", regional), ("regional_client_map", regional), ("client_map", project),
        ("decision_cycle_map", project), ("deal_plan", project),
        ("new_client_algorithm", any_(cmp(g("repeat_sales_share"), "<", 1), cmp(g("outbound_share"), ">", 0),
                                      cmp(g("leads_per_month"), ">", 0))),
        ("existing_client_algorithm", base), ("promo_events", True), ("trade_shows", True),
        ("win_back_projects", base), ("distribution_map", regional),
        ("client_potential_assessment", True), ("decision_process_mapping", project), ("competitor_analysis", True),
        ("decision_center_advantages", project),
        ("client_development_plan", True),
        ("internal_training", True), ("rotation", cmp(g("sales_team_size"), ">=", 2)), ("group_interviews", True),
        ("certifications", True), ("territory_certification", regional), ("deal_plan_defense", project), ("regional_plan_defense", regional),
    )
    return {"name": p["name"], "department_model": model, "scores": {m: round(v, 4) + 0.0 for m, v in s.items()},
            "inside_share": inside, "hybrid": hybrid, "applies": applies,
            "technologies": [item for item, applies in items if applies]}


def main(source: str, target: str) -> None:
    with open(source, newline="", encoding="utf-8") as rows, open(target, "w", encoding="utf-8") as out:
        for number, row in enumerate(csv.DictReader(rows), start=2):
            out.write(json.dumps({"source": f"{source}:{number}", **decide(parse(row))}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
