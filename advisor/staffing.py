"""The staffing plan and the transition roadmap for a recommendation, from the rule base's norms.

Headcounts are ceilings of a load over a norm: qualifiers = leads a month / leads per
qualifier; closers = open deals / open deals per closer, where open deals = won deals a
month / close rate x cycle in months (Little's law); account managers = active clients /
clients per manager (by deal size); a head of sales per `sellers_per_head_of_sales`.
A role whose inputs are unknown gets no number, and says which fields it needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from advisor.recommendation import Note
from advisor.rulebase.schema import Source, StaffingFile

ROLES_OF_MODEL = {
    "one_level": ("full_cycle",),
    "two_level_contact_center": ("qualifier", "closer"),
    "two_level_account_manager": ("closer", "account_manager"),
    "three_level": ("qualifier", "closer", "account_manager"),
}


@dataclass
class RoleNeed:
    role: str
    count: int | None  # None: an input is unknown
    basis: Note | None  # the arithmetic, in numbers (None when an input is unknown)
    sources: list[Source]
    needs: list[str] = field(default_factory=list)  # unknown fields that would give a number
    peak_extra: int | None = None  # extra seats in the peak month (temporary or outsourced)


@dataclass
class StaffingPlan:
    model: str
    roles: list[RoleNeed]

    @property
    def total(self) -> int | None:
        counts = [r.count for r in self.roles]
        return None if None in counts else sum(c for c in counts if c is not None)

    def by_role(self) -> dict[str, RoleNeed]:
        return {r.role: r for r in self.roles}


@dataclass
class RoadmapStep:
    stage: int
    done: bool  # the company is at or past this stage
    source: Source


@dataclass
class Roadmap:
    current_stage: int | None
    target_stage: int
    steps: list[RoadmapStep]
    people_to_add: int | None  # the plan's total over today's team (None: unknown)


def _ceil(value: float) -> int:
    return max(1, math.ceil(value - 1e-9))


def _open_deals(facts: dict[str, Any], norms: Any, share_new: float = 1.0) -> tuple[float | None, Note | None, list[str]]:
    deals, cycle, rate = facts.get("deals_per_month"), facts.get("sales_cycle_days"), facts.get("close_rate")
    needs = [name for name, value in (("deals_per_month", deals), ("sales_cycle_days", cycle)) if value is None]
    if needs:
        return None, None, needs
    assumed = rate is None or rate == 0
    rate = norms.assumed_close_rate.value if assumed else rate
    months = max(cycle, 1) / 30  # a same-day sale still occupies a seller for about a day
    open_deals = deals * share_new / rate * months
    basis = Note("staff.open_deals", deals=f"{deals:,.0f}",
                 new=Note("staff.new_share", share=f"{share_new:.0%}") if share_new != 1 else "",
                 rate=f"{rate:.0%}", assumed=Note("staff.assumed") if assumed else "",
                 months=f"{months:.2f}", open=f"{open_deals:,.1f}")
    return open_deals, basis, []


def plan_staffing(facts: dict[str, Any], model: str, staffing: StaffingFile) -> StaffingPlan:
    """Headcount per role of `model`; `facts` as the engine sees them (deal size in USD)."""
    norms = staffing.norms
    roles: list[RoleNeed] = []
    leads, peak = facts.get("leads_per_month"), facts.get("seasonality_peak_ratio")
    per_qualifier = norms.leads_per_qualifier.value
    per_closer = norms.open_deals_per_closer.value
    if "full_cycle" in ROLES_OF_MODEL[model]:
        open_deals, basis, needs = _open_deals(facts, norms)
        if leads is None:
            needs.append("leads_per_month")
        count = None if needs else _ceil(leads / per_qualifier + open_deals / per_closer)
        if not needs:
            basis = Note("staff.full_cycle", leads=f"{leads:,.0f}", per_q=f"{per_qualifier:g}", open_basis=basis,
                         per_c=f"{per_closer:g}")
        roles.append(RoleNeed("full_cycle", count, basis,
                              [norms.leads_per_qualifier.source, norms.open_deals_per_closer.source], needs))
    if "qualifier" in ROLES_OF_MODEL[model]:
        if leads is None:
            roles.append(RoleNeed("qualifier", None, None, [norms.leads_per_qualifier.source], ["leads_per_month"]))
        else:
            count = _ceil(leads / per_qualifier)
            extra = None
            if peak is not None and peak > 1:
                extra = max(0, _ceil(leads * peak / per_qualifier) - count)
            roles.append(RoleNeed("qualifier", count, Note("staff.qualifier", leads=f"{leads:,.0f}", per=f"{per_qualifier:g}"),
                                  [norms.leads_per_qualifier.source], peak_extra=extra))
    if "closer" in ROLES_OF_MODEL[model]:
        # with account managers, closers carry only the new business
        repeat = facts.get("repeat_sales_share") if "account_manager" in ROLES_OF_MODEL[model] else None
        share_new = 1 - repeat if repeat is not None else 1.0
        open_deals, basis, needs = _open_deals(facts, norms, share_new)
        count = None if needs else _ceil(open_deals / per_closer)
        roles.append(RoleNeed("closer", count, Note("staff.closer", open_basis=basis, per=f"{per_closer:g}") if basis else None,
                              [norms.open_deals_per_closer.source, norms.assumed_close_rate.source], needs))
    if "account_manager" in ROLES_OF_MODEL[model]:
        clients, deal = facts.get("active_clients"), facts.get("average_deal_size")
        needs = [n for n, v in (("active_clients", clients), ("average_deal_size", deal)) if v is None]
        tiered = norms.clients_per_account_manager
        if needs:
            roles.append(RoleNeed("account_manager", None, None, [tiered.source], needs))
        else:
            per_manager = tiered.value_for(deal)
            roles.append(RoleNeed("account_manager", _ceil(clients / per_manager) if clients else 0,
                                  Note("staff.account_manager", clients=f"{clients:,}", per=f"{per_manager:g}",
                                       deal=f"{deal:,.0f}"),
                                  [tiered.source]))
    sellers = sum(r.count or 0 for r in roles)
    per_head = norms.sellers_per_head_of_sales.value
    if any(r.count is None for r in roles):
        head = RoleNeed("head_of_sales", None, None, [norms.sellers_per_head_of_sales.source],
                        sorted({n for r in roles for n in r.needs}))
    elif sellers <= 2:
        head = RoleNeed("head_of_sales", 0, Note("staff.head_founder", sellers=str(sellers)),
                        [norms.sellers_per_head_of_sales.source])
    else:
        head = RoleNeed("head_of_sales", _ceil(sellers / per_head), Note("staff.head", sellers=str(sellers), per=f"{per_head:g}"),
                        [norms.sellers_per_head_of_sales.source])
    roles.append(head)
    return StaffingPlan(model, roles)


def plan_roadmap(facts: dict[str, Any], plan: StaffingPlan, staffing: StaffingFile) -> Roadmap:
    """Stage steps from today's stage to the one the model needs, and the people to add."""
    current = facts.get("organization_stage")
    if current is None and facts.get("sales_team_size") == 0:
        current = 1
    target = staffing.target_stage[plan.model]
    steps = [RoadmapStep(s.stage, current is not None and s.stage <= current, staffing.stages_source)
             for s in sorted(staffing.stages, key=lambda s: s.stage) if s.stage <= max(target, current or 1)]
    team, total = facts.get("sales_team_size"), plan.total
    return Roadmap(current, target, steps, None if total is None or team is None else max(0, total - team))
