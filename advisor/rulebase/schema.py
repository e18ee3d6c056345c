"""The rule base as pydantic models: what a valid rule file may say.

Rules are data. A condition is a tree of `all` / `any` / `not` over leaves that compare
one profile field with a threshold (`eq`, `in`, `lt`, `lte`, `gt`, `gte`, `between`), or
grade it between two anchors (`at_least: [low, high]`: 0 at or below low, 1 at or above
high, linear between; `at_most` the mirror image). A leaf may compare a ratio of two
fields (`per: <field>`), so a criterion stated against capacity can be read as one.
Nothing in a rule file is ever evaluated as code.
"""

# Annotations are evaluated as the classes are made, not kept as text (no `from __future__ import
# annotations`): pydantic would compile each field's text again on every start (about 11 M instructions of the
# 69 M its import costs).

import datetime as dt
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from advisor.profile import FIELD_NAMES, FIELDS
from advisor.suggest import did_you_mean

OPERATORS = ("eq", "in", "lt", "lte", "gt", "gte", "between", "at_least", "at_most")
NUMERIC_OPERATORS = ("lt", "lte", "gt", "gte", "between", "at_least", "at_most")
RAMPS = ("at_least", "at_most")  # graded: a degree between 0 and 1, linear between two anchors
DEPARTMENT_MODELS = ("one_level", "two_level_contact_center", "two_level_account_manager", "three_level")
TECHNOLOGY_GROUPS = ("internal", "external", "marketing", "personnel")
SALES_KINDS = ("traditional", "project", "regional")
LANGUAGES = ("en", "ru", "uk")

Scalar = Union[bool, int, float, str]
# `version: 1` or `version: 1.2` in YAML is a number; a version is text either way.
Version = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)]


class Strict(BaseModel):
    # Validators are built on first validation: a run that takes the rule base from the
    # cache (advisor/cache.py) validates none and never pays for them.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)


def known_model(value: str) -> str:
    """A department-model id, or a located error with a did-you-mean."""
    if value not in DEPARTMENT_MODELS:
        raise ValueError(f"'{value}' is not a department model{did_you_mean(value, DEPARTMENT_MODELS)}")
    return value


class Localized(Strict):
    """A text in English with optional Russian and Ukrainian; a plain string is English."""

    en: str = Field(min_length=1)
    ru: str | None = None
    uk: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string(cls, value: Any) -> Any:
        return {"en": value} if isinstance(value, str) else value

    @field_validator("en", "ru", "uk")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return " ".join(value.split()) if value is not None else None

    def get(self, lang: str = "en") -> str:
        """The text in `lang`, else in English."""
        return getattr(self, lang, None) or self.en

    def missing(self) -> list[str]:
        return [lang for lang in LANGUAGES if not getattr(self, lang)]


Titles = Localized


class Source(Strict):
    """Where a rule comes from: a source document, and a benchmark where a threshold is set.

    `says` renders a sentence that is in the document; what the rule adds to it (how a
    field stands for the document's words, why a threshold or a condition) is the rule
    author's `reasoning`, shown labelled as such, never as the document's.
    """

    document: str
    says: Localized  # the statement the rule encodes, in en (and ru, uk)
    benchmark: str | None = None  # a published figure the threshold is set from, with its reference
    reasoning: Localized | None = None  # the rule author's own reasoning, not the document's

    @field_validator("benchmark")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return " ".join(value.split()) if value is not None else None


class Leaf(Strict):
    """`{field: <profile field>, <operator>: <threshold>}` with exactly one operator."""

    field: str
    eq: Scalar | None = None
    in_: list[Scalar] | None = Field(None, alias="in")
    lt: float | None = None
    lte: float | None = None
    gt: float | None = None
    gte: float | None = None
    between: tuple[float, float] | None = None
    at_least: tuple[float, float] | None = None  # [low, high]: degree 0 at low, 1 at high
    at_most: tuple[float, float] | None = None  # [low, high]: degree 1 at low, 0 at high
    per: str | None = None  # compare field / per (e.g. leads per seller)
    per_min: float | None = Field(None, gt=0)  # the divisor counts as at least this (a founder alone is one seller)

    @field_validator("field", "per")
    @classmethod
    def _known_field(cls, value: str | None) -> str | None:
        if value is not None and (value not in FIELDS or value == "name"):
            raise ValueError(f"'{value}' is not a profile field{did_you_mean(value, FIELD_NAMES)}")
        return value

    @model_validator(mode="after")
    def _one_operator_fitting_the_field(self) -> "Leaf":
        used = [op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None]
        if len(used) != 1:
            raise ValueError(f"a condition on '{self.field}' needs exactly one operator of {', '.join(OPERATORS)}")
        op = used[0]
        spec = FIELDS[self.field]
        if op in NUMERIC_OPERATORS and not spec.numeric:
            raise ValueError(f"'{op}' compares numbers, but '{self.field}' is a {spec.kind} field")
        values = self.in_ if op == "in" else [self.eq] if op == "eq" else []
        for value in values:
            if spec.kind == "choice" and value not in spec.choices:
                raise ValueError(
                    f"'{value}' is not a value of '{self.field}' ({', '.join(spec.choices)})"
                    + did_you_mean(str(value), spec.choices)
                )
            if spec.kind == "boolean" and not isinstance(value, bool):
                raise ValueError(f"'{self.field}' is yes/no: compare it with true or false")
            if spec.numeric and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ValueError(f"'{self.field}' is a number: compare it with a number")
        if self.between is not None and self.between[0] > self.between[1]:
            raise ValueError(f"between needs [low, high], got {list(self.between)}")
        ramp = self.at_least or self.at_most
        if ramp is not None and not ramp[0] < ramp[1]:
            raise ValueError(f"{op} needs [low, high] with low < high, got {list(ramp)}")
        if self.per is not None:
            if op not in NUMERIC_OPERATORS or not FIELDS[self.per].numeric:
                raise ValueError(f"per: '{self.field}' per '{self.per}' is a ratio of two numbers; compare it with a number")
        elif self.per_min is not None:
            raise ValueError("per_min goes with per")
        return self

    @property
    def graded(self) -> bool:
        return self.at_least is not None or self.at_most is not None

    @property
    def compared(self) -> str:
        """What the leaf compares, as a trace names it: a field, or 'field/per'."""
        return self.field if self.per is None else f"{self.field}/{self.per}"

    @property
    def operator(self) -> str:
        return next(op for op in OPERATORS if getattr(self, "in_" if op == "in" else op) is not None)

    @property
    def threshold(self) -> Any:
        op = self.operator
        value = getattr(self, "in_" if op == "in" else op)
        return list(value) if isinstance(value, tuple) else value


class All(Strict):
    all: list["Condition"] = Field(min_length=1)


class AnyOf(Strict):
    any: list["Condition"] = Field(min_length=1)


class Not(Strict):
    not_: "Condition" = Field(alias="not")


def _condition_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        for tag in ("all", "any", "not"):
            if tag in value:
                return tag
        return "leaf"
    if isinstance(value, BaseModel):
        return {All: "all", AnyOf: "any", Not: "not"}.get(type(value), "leaf")
    return None


Condition = Annotated[
    Union[
        Annotated[All, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[Not, Tag("not")],
        Annotated[Leaf, Tag("leaf")],
    ],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping: {field, <operator>} or all / any / not",
    ),
]


def fields_read(condition: Any) -> set[str]:
    """The profile fields a condition (or None) compares."""
    if condition is None:
        return set()
    if isinstance(condition, Leaf):
        return {condition.field} if condition.per is None else {condition.field, condition.per}
    children = condition.all if isinstance(condition, All) else condition.any if isinstance(condition, AnyOf) else [
        condition.not_]
    return set().union(*(fields_read(c) for c in children))


class Rule(Strict):
    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$")
    when: Condition
    source: Source
    # Where a ramp's two anchors come from: the cited benchmark's spread, or the author's reasoning.
    anchors: str | None = None
    note: str | None = None

    @field_validator("anchors")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return " ".join(value.split()) if value is not None else None

    @model_validator(mode="after")
    def _ramps_say_where_their_anchors_come_from(self) -> "Rule":
        if self.anchors is None and _graded(self.when):
            raise ValueError("it grades a value (at_least / at_most): say where its anchors come from "
                             "in `anchors:`")
        return self


def _graded(condition: Any) -> bool:
    if isinstance(condition, Leaf):
        return condition.graded
    children = condition.all if isinstance(condition, All) else condition.any if isinstance(condition, AnyOf) else [
        condition.not_]
    return any(_graded(c) for c in children)


class ModelRule(Rule):
    """Adds points to department-model outcomes when its condition holds."""

    points: dict[str, float] = Field(min_length=1)

    @field_validator("points")
    @classmethod
    def _known_outcomes(cls, value: dict[str, float]) -> dict[str, float]:
        for outcome, points in value.items():
            known_model(outcome)
            if points == 0:
                raise ValueError(f"0 points for '{outcome}' does nothing; leave it out")
        return value


class MixRule(Rule):
    """Moves the inside (remote) share up (+) or down (-), or calls for a hybrid field/remote split."""

    inside_shift: float | None = Field(None, ge=-1, le=1)
    hybrid: bool | None = None
    not_applicable: bool | None = None  # the inside/outside question does not apply (a sale at the seller's premises)

    @model_validator(mode="after")
    def _has_effect(self) -> "MixRule":
        if self.inside_shift in (None, 0) and not self.hybrid and not self.not_applicable:
            raise ValueError(
                "a sales-mix rule needs an effect: inside_shift (non-zero), hybrid: true or not_applicable: true")
        return self




class SalesKind(Strict):
    """A kind of sales from the technologies document; a profile may be of several."""

    id: str
    when: Condition
    source: Source

    @field_validator("id")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in SALES_KINDS:
            raise ValueError(f"'{value}' is not a kind of sales{did_you_mean(value, SALES_KINDS)}")
        return value


class Technology(Strict):
    """A checklist item; it applies when its kinds match and its condition holds."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    group: Literal["internal", "external", "marketing", "personnel"]
    title: Titles
    kinds: list[str] | None = None  # None: all kinds of sales
    when: Condition | None = None
    source: Source

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, value: list[str] | None) -> list[str] | None:
        for kind in value or []:
            if kind not in SALES_KINDS:
                raise ValueError(f"'{kind}' is not a kind of sales{did_you_mean(kind, SALES_KINDS)}")
        return value


def check_rates(value: dict[str, float]) -> dict[str, float]:
    """ISO 4217 codes with positive US-dollar rates; USD, where given, at 1."""
    for code, rate in value.items():
        if len(code) != 3 or not code.isupper():
            raise ValueError(f"'{code}' is not an ISO 4217 code")
        if rate <= 0:
            raise ValueError(f"the rate for {code} must be positive")
    if "USD" in value and value["USD"] != 1:
        raise ValueError("USD stays at rate 1")
    return value


class CurrencyTable(Strict):
    """Dated, editable conversion of deal sizes into the rules' currency (USD)."""

    base: Literal["USD"] = "USD"
    as_of: dt.date
    source: str
    usd_per_unit: dict[str, float]

    @field_validator("usd_per_unit")
    @classmethod
    def _rates(cls, value: dict[str, float]) -> dict[str, float]:
        if value.get("USD") != 1:
            raise ValueError("USD must be in the table at rate 1")
        return check_rates(value)


class StartingPoint(Strict):
    """Where a company starts whatever else it says: the model to build now; the evidence names the next."""

    when: Condition
    model: str
    source: Source

    @field_validator("model")
    @classmethod
    def _known_model(cls, value: str) -> str:
        return known_model(value)


class GrowInto(Strict):
    """When to move to a model: the measurable trigger shown with a `next` model, and where it comes from."""

    trigger: Localized
    reasoning: str

    @field_validator("reasoning")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())


class DepartmentModelDecision(Strict):
    """Outcomes in tie-break order: on equal points the earlier (simpler) model wins."""

    tie_break: list[str]
    tie_break_reason: Localized
    # A lead of less than this many points is a close call: the advice says so, with both models.
    near_tie_margin: float = Field(1.0, ge=0)
    starting_point: StartingPoint | None = None
    grow_into: dict[str, GrowInto] = {}
    rules: list[ModelRule]

    @field_validator("grow_into")
    @classmethod
    def _known_models(cls, value: dict[str, GrowInto]) -> dict[str, GrowInto]:
        for model in value:
            known_model(model)
        return value

    @field_validator("tie_break")
    @classmethod
    def _all_models_once(cls, value: list[str]) -> list[str]:
        if sorted(value) != sorted(DEPARTMENT_MODELS):
            raise ValueError(f"tie_break must list each of {', '.join(DEPARTMENT_MODELS)} once")
        return value


class SalesMixDecision(Strict):
    base_inside_share: float = Field(ge=0, le=1)
    base_source: Source
    inside_share_range: tuple[float, float] = (0.0, 1.0)  # the result is clamped into it
    range_source: Source | None = None
    rules: list[MixRule]

    @model_validator(mode="after")
    def _range_holds_base(self) -> "SalesMixDecision":
        low, high = self.inside_share_range
        if not 0 <= low <= self.base_inside_share <= high <= 1:
            raise ValueError("inside_share_range must be [low, high] within 0-1 and hold base_inside_share")
        return self


class TechnologiesDecision(Strict):
    kinds: list[SalesKind]
    technologies: list[Technology]


class RuleBaseMeta(Strict):
    name: str
    version: Version
    description: str = ""
    documents: list[str] = Field(min_length=1)  # the files every rule's source must name
    currency: CurrencyTable


# ---- models.yaml: strengths, weaknesses and risks of each department model -----------------
class PointSource(Strict):
    """Where a pro, con or risk comes from: one of the rule base's documents, or a named public source."""

    document: str | None = None  # one of the rule base's documents: the point renders what it says
    reference: str | None = None  # a named public source (author, title, year) and what it reports

    @field_validator("reference")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        return " ".join(value.split()) if value is not None else None

    @model_validator(mode="after")
    def _one_citation(self) -> "PointSource":
        if (self.document is None) == (self.reference is None):
            raise ValueError("cite exactly one of: document (a source document) or reference (a named public source)")
        return self

    @property
    def citation(self) -> str:
        return self.document or self.reference or ""


class ModelPoint(Strict):
    """One strength, weakness or risk, cited."""

    text: Localized
    source: PointSource


class ModelNotes(Strict):
    pros: list[ModelPoint] = Field(min_length=1)
    cons: list[ModelPoint] = Field(min_length=1)
    risks: list[ModelPoint] = Field(min_length=1)


MODEL_NOTE_KINDS = ("pros", "cons", "risks")


class ModelsFile(Strict):
    """models.yaml: what each department model is good and bad at, and what can go wrong with it."""

    models: dict[str, ModelNotes]

    @field_validator("models")
    @classmethod
    def _every_model_once(cls, value: dict[str, ModelNotes]) -> dict[str, ModelNotes]:
        for model in value:
            known_model(model)
        missing = [m for m in DEPARTMENT_MODELS if m not in value]
        if missing:
            raise ValueError(f"models.yaml needs every model; missing: {', '.join(missing)}")
        return value


# ---- made on first use: staffing.yaml's models (staffing_schema.py) and an overlay's (overlay_schema.py) ------
# They cost about 1.3 M instructions a class to make, and no single-profile command on a rule base kept from an
# earlier run reads them (advisor.rulebase.stored builds a kept staffing.yaml when it is first asked for).
LATER = {
    "advisor.rulebase.staffing_schema": frozenset({
        "Norm", "Tier", "TieredNorm", "StaffingNorms", "Stage", "LocalizedList", "Role", "RoleValues", "CostLevel",
        "CostTable", "MarginTable", "StaffingFile", "STAFF_ROLES"}),
    "advisor.rulebase.overlay_schema": frozenset({
        "CurrencyOverlay", "RuleBaseOverlayMeta", "DepartmentModelOverlay", "SalesMixOverlay", "TechnologiesOverlay"}),
}


def __getattr__(name: str) -> Any:
    """schema.StaffingFile, schema.DepartmentModelOverlay and the rest, their module imported when one is named."""
    import importlib

    for module_name, names in LATER.items():
        if name in names:
            module = importlib.import_module(module_name)
            globals().update({each: getattr(module, each) for each in names})
            return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
