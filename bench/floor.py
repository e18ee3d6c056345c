"""The floor batch scoring is measured against: about 40 hand-written comparisons a row.

Plain Python with nothing to spare: read a CSV of profiles, turn the cells into numbers,
make about forty crisp comparisons (the built-in rules' thresholds, no ramps, no unknowns
as intervals, no validation messages, no traces), add up points and write a small JSON
record per row. It is what any program doing this job must at least pay for reading,
deciding and writing; bench/run.py reports advisor's times as multiples of it.

    python bench/floor.py INPUT.csv OUTPUT.jsonl
"""

from __future__ import annotations

import csv
import json
import sys

NUMBERS = ("sales_team_size", "leads_per_month", "seasonality_peak_ratio", "average_deal_size", "sales_cycle_days",
           "deals_per_month", "organization_stage", "active_clients", "outbound_share", "repeat_sales_share",
           "close_rate")
RATES = {"USD": 1.0, "EUR": 1.16, "RUB": 0.0124, "UAH": 0.024}


def number(cell: str) -> float | None:
    cell = cell.strip()
    if not cell:
        return None
    return float(cell[:-1]) / 100 if cell.endswith("%") else float(cell)


def decide(p: dict) -> dict:
    def ge(field: str, threshold: float) -> bool:
        value = p[field]
        return value is not None and value >= threshold

    def le(field: str, threshold: float) -> bool:
        value = p[field]
        return value is not None and value <= threshold

    def eq(field: str, value: str) -> bool:
        return p[field] == value

    one = two_cc = two_am = three = 0
    one += 2 * le("sales_team_size", 3)
    one += 2 * le("deals_per_month", 20)
    one += 2 * ge("average_deal_size", 50_000)
    one += 2 * le("organization_stage", 1)
    two_cc += 3 * (ge("seasonality_peak_ratio", 2) and ge("leads_per_month", 500))
    two_cc += 2 * (ge("leads_per_month", 1000) and le("qualified_lead_share", 0.2))
    two_cc += 2 * eq("market", "b2c")
    two_am += 3 * ge("repeat_sales_share", 0.3)
    two_am += 1 * (ge("outbound_share", 0.4) and ge("repeat_sales_share", 0.3))
    two_am += 2 * ge("repeat_sales_share", 0.6)
    two_am += 2 * (ge("sales_cycle_days", 60) and ge("active_clients", 50))
    two_am += 1 * eq("channel", "partners")
    three += 2 * (ge("sales_team_size", 10) and ge("repeat_sales_share", 0.3))
    three += 2 * (eq("offering", "goods") and eq("market", "mixed"))
    three += 1 * ge("organization_stage", 3)
    scores = {"one_level": one, "two_level_contact_center": two_cc, "two_level_account_manager": two_am,
              "three_level": three}
    inside = 0.5
    inside += 0.2 * le("average_deal_size", 1000) + 0.1 * (le("average_deal_size", 10_000) and ge("average_deal_size", 1000))
    inside -= 0.1 * ge("average_deal_size", 100_000) + 0.2 * ge("average_deal_size", 500_000)
    inside += 0.1 * eq("market", "b2c") - 0.1 * (eq("market", "b2b") and ge("average_deal_size", 50_000))
    inside -= 0.1 * eq("regional", "yes") + 0.1 * eq("sale_type", "project")
    inside += 0.1 * eq("sale_type", "transactional") + 0.1 * ge("leads_per_month", 400)
    inside += 0.1 * ge("repeat_sales_share", 0.3) + 0.1 * eq("offering", "saas")
    inside = round(min(0.9, max(0.1, inside)), 2)
    hybrid = (eq("regional", "yes") or eq("sale_type", "project")) and ge("active_clients", 30)
    items = [eq("regional", "yes"), eq("sale_type", "project"), ge("sales_team_size", 2),
             ge("active_clients", 1), le("repeat_sales_share", 0.99)]
    return {"model": max(scores, key=scores.__getitem__), "scores": scores, "inside_share": inside,
            "hybrid": hybrid, "items": sum(items)}


def main(source: str, target: str) -> None:
    with open(source, newline="", encoding="utf-8") as rows, open(target, "w", encoding="utf-8") as out:
        reader = csv.reader(rows)
        header = next(reader)
        numeric = [i for i, name in enumerate(header) if name in NUMBERS or name == "qualified_lead_share"]
        for line, cells in enumerate(reader, start=2):
            for i in numeric:
                cells[i] = number(cells[i])  # type: ignore[call-overload]
            p = dict(zip(header, cells))
            if p["average_deal_size"] is not None:
                p["average_deal_size"] *= RATES.get(p["currency"], 1.0)
            out.write(json.dumps({"source": f"{source}:{line}", "name": p["name"], **decide(p)}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
