"""How many people each role of a department model needs, from the company's own numbers first.

Sellers (full cycle or closers): where the profile says what today's team achieves (won deals
a month and people selling today), the plan keeps that measured productivity; only without it
the norm counts open deals by Little's law (won deals / close rate x cycle) over the open deals
a seller carries, less the hunters' prospecting time. The contact centre is sized for its
arrival rate and a response-time target (Erlang C) and for its monthly workload, whichever
needs more. Account managers only for clients worth one by their yearly value; cheaper repeat
buyers go to the inside team for regular clients. Team leads over the contact centre, a head
of sales over the sellers. A role whose inputs are unknown gets no number and names the fields.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from advisor.recommendation import Note, Share
from advisor.rulebase.schema import Source, StaffingFile
from advisor.staffing.queue import agents_needed

ROLES_OF_MODEL = {
    "one_level": ("full_cycle",),
    "two_level_contact_center": ("qualifier", "closer"),
    "two_level_account_manager": ("closer", "account_manager"),
    "three_level": ("qualifier", "closer", "account_manager"),
}
SELLING_ROLES = ("full_cycle", "closer", "account_manager")  # roles that carry revenue
CONTACT_CENTRE = ("qualifier", "inside_regular")
# A team this small is led by the owner or a senior seller, not a full-time head (own reasoning:
# below the Objective Management Group's optimal span of 6-8 a head would be half idle).
OWNER_LEADS_UP_TO = 4
ROLE_ORDER = ("qualifier", "team_lead", "full_cycle", "closer", "account_manager", "inside_regular", "head_of_sales")


@dataclass
class RoleNeed:
    role: str
    count: int | None  # None: an input is unknown
    basis: Note | None  # the arithmetic, in numbers (None when an input is unknown)
    sources: list[Source]
    needs: list[str] = field(default_factory=list)  # unknown fields that would give a number
    peak_extra: int | None = None  # extra seats in the peak month (temporary or outsourced)
    method: str = "norm"  # measured (the company's own productivity), norm, or assumed (a norm for an unknown)


@dataclass
class StaffingPlan:
    model: str
    roles: list[RoleNeed]  # roles with people (or an unknown count); none with 0
    distrusted: list[str] = field(default_factory=list)  # fields the sanity checks could not trust

    @property
    def total(self) -> int | None:
        counts = [r.count for r in self.roles]
        return None if None in counts else sum(c for c in counts if c is not None)

    def by_role(self) -> dict[str, RoleNeed]:
        return {r.role: r for r in self.roles}

    def count(self, role: str) -> int:
        need = self.by_role().get(role)
        return need.count or 0 if need is not None else 0


def _ceil(value: float) -> int:
    return max(1, math.ceil(value - 1e-9))


def _close_rate(facts: dict[str, Any], norms: Any) -> tuple[float, bool]:
    rate = facts.get("close_rate")
    return (norms.assumed_close_rate.value, True) if not rate else (rate, False)


def _measured(facts: dict[str, Any]) -> float | None:
    """Won deals a month per person selling today, where the profile says both."""
    deals, team = facts.get("deals_per_month"), facts.get("sales_team_size")
    return deals / team if deals and team else None


def _through_sellers(facts: dict[str, Any]) -> float:
    """The share of won deals a seller handles: web-shop and other self-service orders are not their work."""
    return 1 - (facts.get("self_service_share") or 0)


def _sellers(facts: dict[str, Any], norms: Any, role: str, share_new: float, with_leads: bool) -> RoleNeed:
    deals, cycle = facts.get("deals_per_month"), facts.get("sales_cycle_days")
    leads, team = facts.get("leads_per_month"), facts.get("sales_team_size")
    sources = [norms.open_deals_per_closer.source, norms.assumed_close_rate.source, norms.prospecting_share.source]
    through = _through_sellers(facts)  # web-shop and other self-service orders are nobody's workload
    by_seller = Note("staff.through", share=Share(through)) if through < 1 else ""
    new = Note("staff.new_share", share=Share(share_new)) if share_new != 1 else ""
    if _measured(facts) is not None:
        per_seller = deals * through / team
        load = deals * through * share_new / per_seller if per_seller else 0.0
        basis = Note("staff.measured", deals=float(deals), through=by_seller, team=float(team), per=float(per_seller),
                     new=new, load=float(load))
        return RoleNeed(role, _ceil(load), basis, sources, method="measured")
    needs = [n for n, v in (("deals_per_month", deals), ("sales_cycle_days", cycle)) if v is None]
    if with_leads and leads is None:
        needs.append("leads_per_month")
    if needs:
        return RoleNeed(role, None, None, sources, needs)
    rate, assumed = _close_rate(facts, norms)
    months = max(cycle, 1) / 30  # a same-day sale still occupies a seller for about a day
    open_deals = deals * through * share_new / rate * months
    hunting = norms.prospecting_share.value * (facts.get("outbound_share") or 0)
    per_closer = norms.open_deals_per_closer.value * (1 - hunting)
    load = open_deals / per_closer
    basis = Note("staff.open_deals", deals=float(deals), through=by_seller, new=new, rate=Share(rate),
                 assumed=Note("staff.assumed") if assumed else "", months=float(months), open=float(open_deals),
                 per=float(per_closer), hunting=Note("staff.hunting", share=Share(hunting)) if hunting else "")
    if with_leads:
        load += leads / norms.leads_per_qualifier.value
        basis = Note("staff.full_cycle", leads=float(leads), per_q=float(norms.leads_per_qualifier.value),
                     open_basis=basis)
    return RoleNeed(role, _ceil(load), basis, sources, method="assumed" if assumed else "norm")


def _qualifiers(facts: dict[str, Any], norms: Any) -> RoleNeed:
    leads, peak = facts.get("leads_per_month"), facts.get("seasonality_peak_ratio")
    sources = [norms.leads_per_qualifier.source, norms.answer_within_minutes.source, norms.service_level.source]
    if leads is None:
        return RoleNeed("qualifier", None, None, sources, ["leads_per_month"])

    def seats(volume: float) -> tuple[int, int, int]:
        by_load = _ceil(volume / norms.leads_per_qualifier.value)
        by_queue = agents_needed(volume / norms.working_hours_per_month.value, norms.minutes_per_lead.value,
                                 norms.answer_within_minutes.value, norms.service_level.value) if volume else 1
        return max(by_load, by_queue), by_load, by_queue

    count, by_load, by_queue = seats(leads)
    extra = seats(leads * peak)[0] - count if peak is not None and peak > 1 else None
    basis = Note("staff.qualifier", leads=float(leads), per=float(norms.leads_per_qualifier.value), load=by_load,
                 hour=float(leads / norms.working_hours_per_month.value), minutes=float(norms.minutes_per_lead.value),
                 level=Share(norms.service_level.value), within=float(norms.answer_within_minutes.value),
                 queue=by_queue)
    return RoleNeed("qualifier", count, basis, sources, peak_extra=extra or None)


def _regular_clients(facts: dict[str, Any], norms: Any) -> list[RoleNeed]:
    """Personal account managers for clients worth one; the inside team for the rest."""
    clients, deal, deals = facts.get("active_clients"), facts.get("average_deal_size"), facts.get("deals_per_month")
    repeat, market = facts.get("repeat_sales_share"), facts.get("market")
    tiered, threshold = norms.clients_per_account_manager, norms.client_value_for_account_manager
    sources = [tiered.source, threshold.source]
    needs = [n for n, v in (("active_clients", clients), ("average_deal_size", deal), ("deals_per_month", deals))
             if v is None]
    if needs:
        return [RoleNeed("account_manager", None, None, sources, needs)]
    if not clients:
        return []
    purchases = deals * 12 / clients
    value = deal * purchases  # a client's yearly value, USD
    if value >= threshold.value and market != "b2c":
        per_manager = tiered.value_for(value)
        basis = Note("staff.account_manager", clients=float(clients), per=float(per_manager), deal=float(deal),
                     purchases=float(purchases), value=float(value))
        return [RoleNeed("account_manager", _ceil(clients / per_manager), basis, sources)]
    if repeat is None:
        return [RoleNeed("inside_regular", None, None, sources, ["repeat_sales_share"])]
    if not repeat:
        return []
    orders = deals * repeat * _through_sellers(facts)  # repeat orders placed online need nobody
    why = Note("staff.b2c") if market == "b2c" else Note("staff.low_value", value=float(value),
                                                         threshold=float(threshold.value))
    basis = Note("staff.inside_regular", why=why, orders=float(orders), per=float(norms.leads_per_qualifier.value),
                 deals=float(deals), repeat=Share(repeat * _through_sellers(facts)))
    peak = facts.get("seasonality_peak_ratio")
    count = _ceil(orders / norms.leads_per_qualifier.value)
    extra = _ceil(orders * peak / norms.leads_per_qualifier.value) - count if peak and peak > 1 else None
    return [RoleNeed("inside_regular", count, basis, sources + [norms.leads_per_qualifier.source],
                     peak_extra=extra or None)]


def _managers(roles: list[RoleNeed], norms: Any) -> list[RoleNeed]:
    """Team leads over the contact centre, heads of sales over the sellers and the team leads."""
    unknown = sorted({n for r in roles for n in r.needs})
    span_cc, span = norms.contact_centre_per_team_lead, norms.sellers_per_head_of_sales
    if unknown:
        return [RoleNeed("head_of_sales", None, None, [span.source], unknown)]
    centre = sum(r.count or 0 for r in roles if r.role in CONTACT_CENTRE)
    sellers = sum(r.count or 0 for r in roles if r.role in SELLING_ROLES)
    out = []
    leads = 0
    if centre >= 5:  # below ICMI's lowest span a team lead would have too little to lead
        leads = _ceil(centre / span_cc.value)
        out.append(RoleNeed("team_lead", leads, Note("staff.team_lead", people=float(centre), per=float(span_cc.value)),
                            [span_cc.source]))
    reports = sellers + (leads if leads else centre)
    if reports >= OWNER_LEADS_UP_TO + 1:
        out.append(RoleNeed("head_of_sales", _ceil(reports / span.value),
                            Note("staff.head", sellers=float(sellers), leads=float(leads), centre=float(0 if leads else centre),
                                 reports=float(reports), per=float(span.value)), [span.source]))
    return out


def plan_staffing(facts: dict[str, Any], model: str, staffing: StaffingFile) -> StaffingPlan:
    """Headcount per role of `model`; `facts` as the engine sees them (deal size in USD)."""
    norms = staffing.norms
    wanted = ROLES_OF_MODEL[model]
    roles: list[RoleNeed] = []
    if "full_cycle" in wanted:
        roles.append(_sellers(facts, norms, "full_cycle", 1.0, with_leads=True))
    if "qualifier" in wanted:
        roles.append(_qualifiers(facts, norms))
    if "closer" in wanted:
        # with a regular-clients layer, closers carry only the new business
        repeat = facts.get("repeat_sales_share") if "account_manager" in wanted else None
        roles.append(_sellers(facts, norms, "closer", 1 - repeat if repeat is not None else 1.0, with_leads=False))
    if "account_manager" in wanted:
        roles.extend(_regular_clients(facts, norms))
    roles.extend(_managers(roles, norms))
    roles = [r for r in roles if r.count != 0]
    roles.sort(key=lambda r: ROLE_ORDER.index(r.role))
    return StaffingPlan(model, roles)
