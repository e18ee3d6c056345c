"""From today's team to the plan, month by month: hires in the order the model needs them,
ramp-up per role, expected attrition, payroll against revenue; reductions said as such.

Today's people are counted as sellers (the profile says how many sell, not in which roles):
they fill the selling roles first, then the others; whatever the plan has fewer of is a
reduction in month 1. Revenue stays at today's level: the plan is sized for today's volumes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.rulebase.schema import StaffingFile
from advisor.staffing.capacity import ROLE_ORDER, SELLING_ROLES, StaffingPlan

# hiring order: the contact centre first (the mechanisation stage), then sellers, the
# regular-clients layer, and the head of sales once there is a team to lead
HIRE_ORDER = ("qualifier", "team_lead", "full_cycle", "closer", "account_manager", "inside_regular", "head_of_sales")
MAX_MONTHS = 36


@dataclass
class Month:
    month: int
    hires: dict[str, int]
    people: int
    productive: float  # people at full output, counting those in ramp-up in part
    payroll: float | None
    revenue: float | None
    expected_leavers: float  # people the attrition norm expects to leave this month (replaced)


@dataclass
class Path:
    people_today: int | None
    assigned: dict[str, int]  # today's people per role of the plan
    hires: dict[str, int]  # people to hire per role
    reductions: dict[str, int]  # fewer people than today, per role ("selling today" when unknown)
    months: list[Month] = field(default_factory=list)
    peak_extra: dict[str, int] = field(default_factory=dict)  # temporary seats in the peak month

    @property
    def to_add(self) -> int:
        return sum(self.hires.values())

    @property
    def fewer(self) -> int:
        return sum(self.reductions.values())


def plan_path(facts: dict[str, Any], plan: StaffingPlan, staffing: StaffingFile,
              per_role_cost: dict[str, float] | None, revenue: float | None) -> Path | None:
    """None when the plan's size or today's team is unknown."""
    team, total = facts.get("sales_team_size"), plan.total
    if total is None or team is None:
        return None
    people = {r.role: r.count or 0 for r in plan.roles}
    assigned: dict[str, int] = {}
    left = team
    for role in sorted(people, key=lambda r: (r not in SELLING_ROLES, ROLE_ORDER.index(r))):
        assigned[role] = min(left, people[role])
        left -= assigned[role]
    hires = {r: people[r] - assigned[r] for r in HIRE_ORDER if people.get(r, 0) > assigned.get(r, 0)}
    reductions = {"selling_today": left} if left > 0 else {}
    path = Path(team, assigned, hires, reductions,
                peak_extra={r.role: r.peak_extra for r in plan.roles if r.peak_extra})
    norms, ramp = staffing.norms, staffing.ramp_months.values
    pace = max(1, int(norms.hires_per_month.value))
    queue = [r for r in HIRE_ORDER for _ in range(hires.get(r, 0))]
    staff: list[tuple[str, int]] = [(r, 0) for r, n in assigned.items() for _ in range(n)]  # (role, month hired)
    last_hire = -(-len(queue) // pace)
    longest = max((ramp[r] for r in hires), default=0)
    horizon = min(MAX_MONTHS, max(6, int(last_hire + longest + 0.999)))
    for month in range(1, horizon + 1):
        batch, queue = queue[:pace], queue[pace:]
        staff += [(r, month) for r in batch]
        hired: dict[str, int] = {}
        for r in batch:
            hired[r] = hired.get(r, 0) + 1
        productive = sum(1.0 if hired_in == 0 else min(1.0, (month - hired_in + 0.5) / ramp[r]) for r, hired_in in staff)
        cost = sum(per_role_cost[r] for r, _ in staff) if per_role_cost is not None else None
        path.months.append(Month(month, hired, len(staff), productive, cost, revenue,
                                 len(staff) * norms.annual_attrition.value / 12))
    return path
