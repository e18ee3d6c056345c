"""staffing.yaml's models: the norms for the staffing plan, and the stage roadmap.

Made on first use (advisor.rulebase.schema names them all): only a staffing plan, a report or a full load of
a rule base reads them, never `recommend`, `explain` or `ask` on a rule base kept from an earlier run.
"""

# No `from __future__ import annotations`: see advisor/rulebase/schema.py.

import math
from typing import Literal

from pydantic import Field, field_validator, model_validator

from advisor.rulebase.schema import DEPARTMENT_MODELS, LANGUAGES, Localized, Source, Strict

class Norm(Strict):
    value: float = Field(gt=0)
    unit: Localized
    source: Source


class Tier(Strict):
    below: float | None = None  # the amount the tier ends below (for clients per account manager: a client's yearly value in USD); the last tier has none
    value: float = Field(gt=0)


class TieredNorm(Strict):
    """A figure that depends on an amount, by tiers of it.

    `between: step` gives each tier's figure across its whole range, so a figure jumps at each
    boundary. `between: log` holds each tier's figure at the geometric middle of its range (an
    open first or last tier: as far out from its boundary as the neighbouring tier's half-width,
    a factor of 10**0.5 when there is none) and moves it on a log scale between middles, so an
    amount a little over a boundary gets a figure a little off the tier below, never the next
    tier's whole jump.
    """

    unit: Localized
    tiers: list[Tier] = Field(min_length=1)
    between: Literal["step", "log"] = "step"
    source: Source

    @model_validator(mode="after")
    def _ascending_with_an_open_top(self) -> "TieredNorm":
        limits = [t.below for t in self.tiers]
        if limits[-1] is not None or any(b is None for b in limits[:-1]):
            raise ValueError("every tier but the last needs `below`; the last has none")
        if limits[:-1] != sorted(limits[:-1]):  # type: ignore[type-var]
            raise ValueError("tiers must be in ascending order of `below`")
        if self.between == "log" and any(b <= 0 for b in limits[:-1]):  # type: ignore[operator]
            raise ValueError("`between: log` needs every `below` above 0")
        if self.between == "log" and len(set(limits[:-1])) < len(limits[:-1]):
            raise ValueError("`between: log` needs every `below` different")
        return self

    def value_for(self, amount: float) -> float:
        if self.between == "step" or len(self.tiers) == 1:
            return next(t.value for t in self.tiers if t.below is None or amount < t.below)
        anchors = self._anchors()
        if amount <= 0 or math.log10(amount) <= anchors[0][0]:
            return self.tiers[0].value
        at = math.log10(amount)
        for (x0, y0), (x1, y1) in zip(anchors, anchors[1:]):
            if at < x1:
                return 10 ** (y0 + (y1 - y0) * (at - x0) / (x1 - x0))
        return self.tiers[-1].value

    def _anchors(self) -> list[tuple[float, float]]:
        """(log10 of the amount, log10 of the figure) at each tier's middle, in ascending order."""
        bounds = [math.log10(t.below) for t in self.tiers[:-1]]  # type: ignore[arg-type]
        widths = [b - a for a, b in zip(bounds, bounds[1:])]
        first = widths[0] / 2 if widths else 0.5
        last = widths[-1] / 2 if widths else 0.5
        middles = [bounds[0] - first, *(a + w / 2 for a, w in zip(bounds, widths)), bounds[-1] + last]
        return [(x, math.log10(t.value)) for x, t in zip(middles, self.tiers)]


class StaffingNorms(Strict):
    leads_per_qualifier: Norm
    open_deals_per_closer: Norm
    assumed_close_rate: Norm
    clients_per_account_manager: TieredNorm
    sellers_per_head_of_sales: Norm
    minutes_per_lead: Norm
    answer_within_minutes: Norm
    service_level: Norm
    working_hours_per_month: Norm
    prospecting_share: Norm
    contact_centre_per_team_lead: Norm
    client_value_for_account_manager: Norm
    max_payroll_share_of_gross_profit: Norm
    annual_attrition: Norm
    hires_per_month: Norm

    @field_validator("assumed_close_rate", "service_level", "prospecting_share", "max_payroll_share_of_gross_profit",
                     "annual_attrition")
    @classmethod
    def _a_share(cls, value: Norm) -> Norm:
        if value.value > 1:
            raise ValueError("a share is at most 1")
        return value

    @field_validator("service_level")
    @classmethod
    def _below_one(cls, value: Norm) -> Norm:
        if value.value >= 1:
            raise ValueError("a queue never answers every lead in time: the service level is below 1")
        return value


class Stage(Strict):
    stage: int = Field(ge=1, le=4)
    title: Localized
    step: Localized


class LocalizedList(Strict):
    en: list[str] = Field(min_length=1)
    ru: list[str] | None = None
    uk: list[str] | None = None

    def get(self, lang: str = "en") -> list[str]:
        return getattr(self, lang, None) or self.en

    def missing(self) -> list[str]:
        return [lang for lang in LANGUAGES if not getattr(self, lang)]


class Role(Strict):
    title: Localized
    kpis: LocalizedList


STAFF_ROLES = ("full_cycle", "qualifier", "closer", "account_manager", "inside_regular", "team_lead", "head_of_sales")


class RoleValues(Strict):
    """A number per staff role, with its source (ramp-up months)."""

    values: dict[str, float]
    source: Source

    @field_validator("values")
    @classmethod
    def _every_role(cls, value: dict[str, float]) -> dict[str, float]:
        if sorted(value) != sorted(STAFF_ROLES):
            raise ValueError(f"give a value for each of {', '.join(STAFF_ROLES)}")
        if any(v <= 0 for v in value.values()):
            raise ValueError("every value must be above 0")
        return value


class CostLevel(Strict):
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    wage: float = Field(gt=0)  # average gross monthly wage, in `currency`
    says: str  # the statistic, with its publisher and year


class CostTable(Strict):
    """What one person costs a month: a country's wage x overhead x the role's factor."""

    overhead: float = Field(ge=1)
    role_factor: dict[str, float]
    outsourced_factor: float = Field(gt=0, le=1)
    source: Source
    levels: dict[str, CostLevel]
    by_currency: dict[str, str]

    @model_validator(mode="after")
    def _consistent(self) -> "CostTable":
        if sorted(self.role_factor) != sorted(STAFF_ROLES) or any(v <= 0 for v in self.role_factor.values()):
            raise ValueError(f"role_factor needs a positive factor for each of {', '.join(STAFF_ROLES)}")
        unknown = sorted(set(self.by_currency.values()) - set(self.levels))
        if unknown:
            raise ValueError(f"by_currency names levels that are not in `levels`: {', '.join(unknown)}")
        return self


class MarginTable(Strict):
    values: dict[str, float]  # by `offering`
    source: Source

    @field_validator("values")
    @classmethod
    def _shares(cls, value: dict[str, float]) -> dict[str, float]:
        if any(not 0 < v <= 1 for v in value.values()):
            raise ValueError("a gross margin is a share above 0 and at most 1")
        return value


class StaffingFile(Strict):
    norms: StaffingNorms
    stages: list[Stage]
    stages_source: Source
    target_stage: dict[str, int]
    roles: dict[str, Role]
    ramp_months: RoleValues
    costs: CostTable
    assumed_gross_margin: MarginTable

    @model_validator(mode="after")
    def _complete(self) -> "StaffingFile":
        if sorted(s.stage for s in self.stages) != [1, 2, 3, 4]:
            raise ValueError("stages must describe stages 1, 2, 3 and 4 once each")
        if sorted(self.target_stage) != sorted(DEPARTMENT_MODELS):
            raise ValueError(f"target_stage needs each of {', '.join(DEPARTMENT_MODELS)}")
        if sorted(self.roles) != sorted(STAFF_ROLES):
            raise ValueError(f"roles must be exactly {', '.join(STAFF_ROLES)}")
        return self
