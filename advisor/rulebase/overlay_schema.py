"""The models of a rule base that extends another (`extends: builtin`, or a folder): its rulebase.yaml and the
changes its rule files make.

Made on first use (advisor.rulebase.schema names them all): only an overlay's load reads them.
"""

# No `from __future__ import annotations`: see advisor/rulebase/schema.py.

import datetime as dt

from pydantic import Field, field_validator

from advisor.rulebase.schema import (
    GrowInto, Localized, MixRule, ModelRule, SalesKind, Source, StartingPoint, Strict, Technology, Version, check_rates,
)


class CurrencyOverlay(Strict):
    as_of: dt.date | None = None
    source: str | None = None
    usd_per_unit: dict[str, float] = {}

    @field_validator("usd_per_unit")
    @classmethod
    def _rates(cls, value: dict[str, float]) -> dict[str, float]:
        return check_rates(value)


class RuleBaseOverlayMeta(Strict):
    """rulebase.yaml of a rule base that `extends` another (`builtin`, or a folder path)."""

    extends: str
    name: str
    version: Version
    description: str = ""
    documents: list[str] = []  # documents the added rules may cite, besides the base's
    currency: CurrencyOverlay | None = None


class DepartmentModelOverlay(Strict):
    tie_break: list[str] | None = None
    tie_break_reason: Localized | None = None
    near_tie_margin: float | None = Field(None, ge=0)
    starting_point: StartingPoint | None = None
    grow_into: dict[str, GrowInto] = {}  # merged over the base's, model by model
    rules: list[ModelRule] = []  # an id of the base replaces that rule; a new id adds one
    disable: list[str] = []


class SalesMixOverlay(Strict):
    base_inside_share: float | None = Field(None, ge=0, le=1)
    base_source: Source | None = None
    inside_share_range: tuple[float, float] | None = None
    range_source: Source | None = None
    rules: list[MixRule] = []
    disable: list[str] = []


class TechnologiesOverlay(Strict):
    kinds: list[SalesKind] = []
    technologies: list[Technology] = []
    disable: list[str] = []
