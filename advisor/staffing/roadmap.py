"""The stage steps from today's stage to the one the department model needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.rulebase.schema import Source, StaffingFile
from advisor.staffing.capacity import StaffingPlan


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
    people_to_add: int | None  # the plan's total over today's team (None: unknown; 0 when it shrinks)
    people_fewer: int | None  # today's team over the plan's total


def plan_roadmap(facts: dict[str, Any], plan: StaffingPlan, staffing: StaffingFile) -> Roadmap:
    current = facts.get("organization_stage")
    if current is None and facts.get("sales_team_size") == 0:
        current = 1
    target = staffing.target_stage[plan.model]
    steps = [RoadmapStep(s.stage, current is not None and s.stage <= current, staffing.stages_source)
             for s in sorted(staffing.stages, key=lambda s: s.stage) if s.stage <= max(target, current or 1)]
    team, total = facts.get("sales_team_size"), plan.total
    if total is None or team is None:
        return Roadmap(current, target, steps, None, None)
    return Roadmap(current, target, steps, max(0, total - team), max(0, team - total))
