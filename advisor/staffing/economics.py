"""What the plan costs against what the company earns, and an affordable variant when it cannot carry it.

Money is in the profile's currency. A person's monthly cost: the profile's own cost of a
seller, else the average wage of its country (or its currency's country) from the rule base's
cited table x the employer's overhead; each role at its factor of a seller (or of the wage).
Gross margin: the profile's, else the rule base's typical margin for what it sells, said as assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.rulebase.schema import StaffingFile
from advisor.staffing.capacity import CONTACT_CENTRE, OWNER_LEADS_UP_TO, SELLING_ROLES, StaffingPlan

SELLER = "closer"  # the role a profile's monthly_cost_per_seller prices


@dataclass
class CostBasis:
    how: str  # profile (monthly_cost_per_seller), country, currency (the currency's country)
    level: str | None  # the cost table's level, when one was used
    says: str | None  # the statistic the level comes from
    per_role: dict[str, float]  # monthly cost of one person, profile currency


@dataclass
class Variant:
    """A cheaper plan: the steps taken, what each gives up, and its people and payroll."""

    steps: list[str]  # pooled_accounts, outsourced_qualification, fewer_levels, fit_to_budget
    people: dict[str, int]
    outsourced: list[str]  # roles bought as outsourced seats
    payroll: float
    affordable: bool

    @property
    def total(self) -> int:
        return sum(self.people.values())

    @property
    def cheaper(self) -> bool:
        """False when nothing could be cut (a plan of one person)."""
        return bool(self.steps)


@dataclass
class Economics:
    currency: str
    monthly_revenue: float
    gross_margin: float
    margin_assumed: bool
    gross_profit: float
    costs: CostBasis
    monthly_sales_cost: float  # payroll of the plan
    cost_of_sales_share: float | None  # payroll / revenue (None: no revenue)
    revenue_per_head: float
    budget: float  # the most payroll the gross profit carries
    affordable: bool
    payback_months: dict[str, float | None]  # per selling role added: months to pay back (None: never)
    variant: Variant | None = None
    needs: list[str] = field(default_factory=list)


def cost_basis(facts: dict[str, Any], staffing: StaffingFile, rates: dict[str, float]) -> CostBasis | None:
    table = staffing.costs
    currency = facts.get("currency") or "USD"
    own = facts.get("monthly_cost_per_seller")
    if own is not None:
        seller = table.role_factor[SELLER]
        return CostBasis("profile", None, None, {r: own * f / seller for r, f in table.role_factor.items()})
    country = facts.get("country")
    how, level = ("country", country) if country in table.levels else ("currency", table.by_currency.get(currency))
    if level is None or level not in table.levels or currency not in rates:
        return None
    entry = table.levels[level]
    if entry.currency not in rates:
        return None
    wage = entry.wage * rates[entry.currency] / rates[currency]  # into the profile's currency
    return CostBasis(how, level, entry.says, {r: wage * table.overhead * f for r, f in table.role_factor.items()})


def payroll(people: dict[str, int], per_role: dict[str, float], outsourced: tuple[str, ...] = (),
            outsourced_factor: float = 1.0) -> float:
    return sum(n * per_role[r] * (outsourced_factor if r in outsourced else 1.0) for r, n in people.items())


def _variant(plan_people: dict[str, int], facts: dict[str, Any], staffing: StaffingFile, costs: CostBasis,
             budget: float) -> Variant:
    """Cheaper steps, in order, until the payroll fits: each says what it gives up."""
    norms, table = staffing.norms, staffing.costs
    people, outsourced, steps = dict(plan_people), [], []

    def cost() -> float:
        return payroll(people, costs.per_role, tuple(outsourced), table.outsourced_factor)

    def heads() -> None:  # managers follow the people they manage
        centre = sum(people.get(r, 0) for r in CONTACT_CENTRE if r not in outsourced)
        leads = -(-centre // int(norms.contact_centre_per_team_lead.value)) if centre >= 5 else 0
        people["team_lead"] = leads
        reports = sum(people.get(r, 0) for r in SELLING_ROLES) + (leads or centre)
        people["head_of_sales"] = (-(-reports // int(norms.sellers_per_head_of_sales.value))
                                   if reports > OWNER_LEADS_UP_TO else 0)

    if cost() > budget and people.get("account_manager"):
        repeat, deals = facts.get("repeat_sales_share") or 0, facts.get("deals_per_month") or 0
        pooled = -(-int(round(deals * repeat)) // int(norms.leads_per_qualifier.value)) if repeat else 0
        people["inside_regular"] = people.get("inside_regular", 0) + max(1, min(pooled, people["account_manager"]))
        people["account_manager"] = 0
        steps.append("pooled_accounts")
        heads()
    if cost() > budget and any(people.get(r) for r in CONTACT_CENTRE):
        outsourced = [r for r in CONTACT_CENTRE if people.get(r)]
        steps.append("outsourced_qualification")
        heads()
    if cost() > budget and (people.get("team_lead") or people.get("head_of_sales", 0) > 1):
        people["team_lead"] = 0
        people["head_of_sales"] = min(people.get("head_of_sales", 0), 1)
        steps.append("fewer_levels")
    if cost() > budget:
        sellers = [r for r in ("closer", "full_cycle", "inside_regular", "qualifier") if people.get(r)]
        while cost() > budget and sum(people.values()) > 1:
            role = max(sellers, key=lambda r: people.get(r, 0))  # trim the largest layer first
            if people[role] <= 1 and all(people.get(r, 0) <= 1 for r in sellers):
                if people.get("head_of_sales"):
                    people["head_of_sales"] = 0  # the owner leads a team this small
                    continue
                break
            people[role] -= 1
        steps.append("fit_to_budget")
    people = {r: n for r, n in people.items() if n}
    if people == {r: n for r, n in plan_people.items() if n}:
        steps = []  # nothing could be cut: the variant is the plan itself, and the report says so
    return Variant(steps, people, [r for r in outsourced if r in people], cost(), cost() <= budget)


def payback_months(gross: float, cost: float, ramp: float, cycle: float = 0.0) -> float | None:
    """Months until one added person has earned back their pay: output rises linearly to `gross`
    a month over `ramp` months, pay is `cost` a month from the start, and no deal of theirs
    closes before one sales cycle (`cycle` months); None if never."""
    if gross <= cost:
        return None
    if gross >= 2 * cost:  # paid back during ramp-up: gross t^2 / (2 ramp) = cost t
        months = 2 * ramp * cost / gross
    else:
        months = ramp + (cost * ramp - gross * ramp / 2) / (gross - cost)
    return max(months, cycle)


def plan_economics(facts: dict[str, Any], plan: StaffingPlan, staffing: StaffingFile,
                   rates: dict[str, float], deal_local: float | None = None) -> Economics | None:
    """None when the plan or the revenue is unknown; else the figures, the flag and the variant.

    `deal_local`: the profile's own average deal (facts carry it in USD, rounded to cents)."""
    deals, deal = facts.get("deals_per_month"), facts.get("average_deal_size")  # deal in USD
    currency = facts.get("currency") or "USD"
    if plan.total is None or deals is None or deal is None or currency not in rates:
        return None
    revenue = deals * (deal_local if deal_local is not None else deal / rates[currency])
    margin, assumed = facts.get("gross_margin"), False
    if margin is None:
        margin = staffing.assumed_gross_margin.values.get(facts.get("offering") or "")
        assumed = True
    costs = cost_basis(facts, staffing, rates)
    if margin is None or costs is None:
        return None
    people = {r.role: r.count or 0 for r in plan.roles}
    monthly = payroll(people, costs.per_role)
    gross = revenue * margin
    budget = gross * staffing.norms.max_payroll_share_of_gross_profit.value
    sellers = sum(n for r, n in people.items() if r in SELLING_ROLES)
    # the gross profit one productive seller carries: self-service orders are nobody's doing
    per_seller = gross * (1 - (facts.get("self_service_share") or 0)) / sellers if sellers else 0.0
    payback: dict[str, float | None] = {}
    for role in (r for r in people if r in SELLING_ROLES):
        payback[role] = payback_months(per_seller, costs.per_role[role], staffing.ramp_months.values[role],
                                       (facts.get("sales_cycle_days") or 0) / 30)
    economics = Economics(currency, revenue, margin, assumed, gross, costs, monthly,
                          monthly / revenue if revenue else None, revenue / plan.total if plan.total else 0.0,
                          budget, monthly <= budget, payback)
    if not economics.affordable:
        economics.variant = _variant(people, facts, staffing, costs, budget)
    return economics
