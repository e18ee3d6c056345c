"""The staffing plan of a recommendation: capacity (how many people per role), economics (what
they cost against revenue, and an affordable variant), the path over time, and the stage roadmap."""

from advisor.staffing.capacity import ROLES_OF_MODEL, RoleNeed, StaffingPlan, plan_staffing
from advisor.staffing.economics import Economics, Variant, plan_economics
from advisor.staffing.path import Month, Path, plan_path
from advisor.staffing.roadmap import Roadmap, RoadmapStep, plan_roadmap

__all__ = ["ROLES_OF_MODEL", "Economics", "Month", "Path", "RoleNeed", "Roadmap", "RoadmapStep", "StaffingPlan",
           "Variant", "plan_economics", "plan_path", "plan_roadmap", "plan_staffing"]
