"""Why this model, why not the others, and what would change the advice.

Scores are piecewise constant in every numeric field: they change only where a rule's
threshold is crossed. So a search that tries, for each field, the values at and one
resolution step either side of every threshold on that field finds the smallest change
that flips the recommendation, at that resolution. Categorical fields are tried at each
of their values. Every change is verified by re-scoring the whole profile before it is
reported.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from advisor.engine import Engine
from advisor.errors import ProfileError, UsageError
from advisor.profile import EVIDENCE_FIELDS, FIELD_NAMES, FIELDS, Profile, validate_profile
from advisor.recommendation import Recommendation, RuleTrace, reason_dict, source_dict
from advisor.rulebase import schema
from advisor.suggest import did_you_mean

# The step of each numeric field's search, in the field's own unit. A counterfactual is
# the smallest change at this resolution.
RESOLUTION: dict[str, float] = {
    "sales_team_size": 1,
    "leads_per_month": 1,
    "qualified_lead_share": 0.01,
    "seasonality_peak_ratio": 0.01,
    "repeat_sales_share": 0.01,
    "average_deal_size": 1,
    "sales_cycle_days": 1,
    "deals_per_month": 0.1,
    "close_rate": 0.01,
    "outbound_share": 0.01,
    "organization_stage": 1,
    "active_clients": 1,
}
UNKNOWN_WORDS = ("", "unknown", "?")


# ---- scenarios ---------------------------------------------------------------------


def parse_assignments(items: Iterable[str]) -> dict[str, str | None]:
    """`field=value` strings (from --set) as a mapping; `field=` or `field=unknown` makes it unknown."""
    changes: dict[str, str | None] = {}
    for item in items:
        for part in _split(item):
            name, sep, value = part.partition("=")
            name = name.strip()
            if not sep or not name:
                raise UsageError(f"expected field=value, got '{part}'")
            if name not in FIELDS:
                raise UsageError(f"'{name}' is not a profile field{did_you_mean(name, FIELD_NAMES)}", key=name)
            if name == "name":
                raise UsageError("the name is not a scenario field", key=name)
            changes[name] = None if value.strip().lower() in UNKNOWN_WORDS else value.strip()
    return changes


def _split(item: str) -> list[str]:
    """'a=1,b=2' is two assignments, but '1,5' inside a value (a decimal comma) is not split."""
    parts: list[str] = []
    for chunk in item.split(","):
        if parts and "=" not in chunk:
            parts[-1] += "," + chunk
        else:
            parts.append(chunk)
    return [p for p in parts if p.strip()]


def parse_fixed(items: Iterable[str]) -> list[str]:
    fixed: list[str] = []
    for item in items:
        for name in (n.strip() for n in item.split(",") if n.strip()):
            if name not in FIELDS:
                raise UsageError(f"'{name}' is not a profile field{did_you_mean(name, FIELD_NAMES)}", key=name)
            fixed.append(name)
    return fixed


def apply_changes(profile: Profile, changes: Mapping[str, Any]) -> Profile:
    """The profile with `changes` applied, validated like any profile (a bad value is a usage error)."""
    if not changes:
        return profile
    data = {k: v for k, v in profile.model_dump().items() if v is not None}
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    try:
        return validate_profile(data)
    except ProfileError as exc:
        raise UsageError(f"--set: {exc.located()}") from None


# ---- the explanation ---------------------------------------------------------------


@dataclass
class WhyNot:
    model: str
    score: float
    gap: float  # points behind the winner
    rules: list[RuleTrace]  # rules that give this model points, in rule-base order


@dataclass
class Counterfactual:
    to: str
    changes: dict[str, Any]
    scores: dict[str, float]


@dataclass
class UnknownImpact:
    field: str
    outcomes: list[tuple[Any, str]]  # (value tried, model it gives); only those that change the advice


@dataclass
class Explanation:
    recommendation: Recommendation
    scenario: dict[str, Any]
    fixed: list[str]
    why_not: list[WhyNot]
    counterfactuals: list[Counterfactual]
    unreachable: list[str]
    unknown_impacts: list[UnknownImpact] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        rec = self.recommendation
        model = rec.department_model
        return {
            "name": rec.profile.name,
            "scenario": self.scenario,
            "fixed": self.fixed,
            "department_model": {
                "id": model.id,
                "scores": model.scores,
                "runner_up": model.runner_up,
                "margin": model.margin,
                "decided_by": model.decided_by,
            },
            "reason_codes": {
                "department_model": [reason_dict(r, points=r.effect["points"][model.id]) for r in model.reasons],
                "sales_mix": [reason_dict(r, inside_shift=r.effect["inside_shift"]) for r in rec.sales_mix.reasons],
                "hybrid": [reason_dict(r) for r in rec.sales_mix.hybrid_reasons],
            },
            "sales_mix": {"inside_share": rec.sales_mix.inside_share, "outside_share": rec.sales_mix.outside_share,
                          "hybrid": rec.sales_mix.hybrid},
            "why_not": [
                {
                    "model": w.model,
                    "score": w.score,
                    "gap": w.gap,
                    "rules": [
                        {
                            "rule": r.rule,
                            "points": r.effect["points"][w.model],
                            "status": r.status,
                            "why": r.why(),
                            "unknown_fields": r.unknown_fields(),
                            "source": source_dict(r.source),
                        }
                        for r in w.rules
                    ],
                }
                for w in self.why_not
            ],
            "counterfactuals": [{"to": c.to, "changes": c.changes, "scores": c.scores} for c in self.counterfactuals],
            "unreachable": self.unreachable,
            "unknown_fields": [
                {"field": u.field, "changes_advice": bool(u.outcomes),
                 "values_that_change_advice": [{"value": v, "model": m} for v, m in u.outcomes]}
                for u in self.unknown_impacts
            ],
            "rule_base": {"name": rec.rule_base_name, "version": rec.rule_base_version, "sha256": rec.rule_base_sha256},
        }


def explain(engine: Engine, profile: Profile, *, scenario: Mapping[str, Any] | None = None,
            fixed: Iterable[str] = ()) -> Explanation:
    scenario = dict(scenario or {})
    profile = apply_changes(profile, scenario)
    fixed_list = list(dict.fromkeys(fixed))
    rec = engine.recommend(profile)
    winner = rec.department_model.id
    by_rule = {t.rule: t for t in rec.trace if t.decision == "department_model"}

    why_not = []
    for model in engine.tie_break:
        if model == winner:
            continue
        supporting = [by_rule[r.id] for r in engine.rule_base.department_model.rules if r.points.get(model, 0) > 0]
        why_not.append(WhyNot(model, rec.department_model.scores[model],
                              round(rec.department_model.scores[winner] - rec.department_model.scores[model], 4),
                              supporting))
    why_not.sort(key=lambda w: (w.gap, engine.tie_break.index(w.model)))

    search = _Search(engine, profile, fixed_list)
    counterfactuals, unreachable = [], []
    for model in engine.tie_break:
        if model == winner:
            continue
        found = search.smallest_change_to(model)
        if found is None:
            unreachable.append(model)
        else:
            counterfactuals.append(found)
    impacts = [search.unknown_impact(name, winner) for name in rec.unknown_fields if name not in fixed_list]
    return Explanation(rec, scenario, fixed_list, why_not, counterfactuals, unreachable,
                       [i for i in impacts if i is not None])


# ---- the search --------------------------------------------------------------------


def _thresholds(condition: Any, name: str) -> list[float]:
    """Every number a condition compares `name` with."""
    if isinstance(condition, schema.Leaf):
        if condition.field != name or condition.operator not in schema.NUMERIC_OPERATORS:
            return []
        value = condition.threshold
        return [float(v) for v in value] if isinstance(value, list) else [float(value)]
    if isinstance(condition, schema.All):
        return [t for c in condition.all for t in _thresholds(c, name)]
    if isinstance(condition, schema.AnyOf):
        return [t for c in condition.any for t in _thresholds(c, name)]
    if isinstance(condition, schema.Not):
        return _thresholds(condition.not_, name)
    return []


class _Search:
    def __init__(self, engine: Engine, profile: Profile, fixed: list[str]) -> None:
        self.engine = engine
        self.profile = profile
        rules = engine.rule_base.department_model.rules
        read = set().union(*(schema.fields_read(r.when) for r in rules))
        self.fields = [f for f in EVIDENCE_FIELDS if f in read and f not in fixed]
        self.candidates = {f: self._candidates(f, rules) for f in self.fields}
        self._cache: dict[tuple, tuple[str, dict[str, float]]] = {}

    def _candidates(self, name: str, rules: list[schema.ModelRule]) -> list[Any]:
        spec = FIELDS[name]
        if spec.kind == "choice":
            return list(spec.choices)
        if spec.kind == "boolean":
            return [True, False]
        step = RESOLUTION.get(name, 1)
        scale = 1.0
        if name == "average_deal_size":  # thresholds are in USD; candidates in the profile's currency
            scale = 1 / self.engine.rates.get(self.profile.currency, 1)
        values: set[float] = set()
        for rule in rules:
            for threshold in _thresholds(rule.when, name):
                local = threshold * scale
                for base in (math.floor(local / step) * step, math.ceil(local / step) * step):
                    values.update({base - step, base, base + step})
        cleaned = []
        for value in values:
            value = round(value, 6)
            if spec.kind == "integer":
                value = int(round(value))
            if spec.minimum is not None and (value < spec.minimum or (spec.exclusive_minimum and value <= spec.minimum)):
                continue
            if spec.maximum is not None and value > spec.maximum:
                continue
            cleaned.append(value)
        return sorted(set(cleaned))

    def outcome(self, changes: tuple[tuple[str, Any], ...]) -> tuple[str, dict[str, float]]:
        if changes not in self._cache:
            changed = self.profile.model_copy(update=dict(changes))
            self._cache[changes] = self.engine.department_model_of(changed)
        return self._cache[changes]

    def distance(self, name: str, value: Any) -> float:
        """How big a change is: relative for numbers (unknown counts as a full change), 1 for categories."""
        current = getattr(self.profile, name)
        if current is None or not FIELDS[name].numeric:
            return 1.0
        return abs(value - current) / max(abs(current), RESOLUTION.get(name, 1), 1e-9)

    def _options(self, name: str) -> list[Any]:
        current = getattr(self.profile, name)
        return [v for v in self.candidates[name] if v != current]

    def smallest_change_to(self, target: str) -> Counterfactual | None:
        best: tuple[float, tuple[tuple[str, Any], ...]] | None = None
        for name in self.fields:
            for value in self._options(name):
                changes = ((name, value),)
                if self.outcome(changes)[0] == target:
                    cost = self.distance(name, value)
                    if best is None or cost < best[0]:
                        best = (cost, changes)
        if best is None:
            for first, second in itertools.combinations(self.fields, 2):
                for a in self._options(first):
                    for b in self._options(second):
                        changes = ((first, a), (second, b))
                        if self.outcome(changes)[0] == target:
                            cost = self.distance(first, a) + self.distance(second, b)
                            if best is None or cost < best[0]:
                                best = (cost, changes)
        if best is None:
            return None
        changes = dict(best[1])
        verified = self.engine.recommend(self.profile.model_copy(update=changes))  # the full engine agrees
        if verified.department_model.id != target:  # pragma: no cover - the fast path and the engine share rules
            return None
        return Counterfactual(target, changes, verified.department_model.scores)

    def unknown_impact(self, name: str, winner: str) -> UnknownImpact | None:
        if name not in self.candidates:
            return UnknownImpact(name, [])
        outcomes = []
        for value in self.candidates[name]:
            model = self.outcome(((name, value),))[0]
            if model != winner:
                outcomes.append((value, model))
        return UnknownImpact(name, outcomes)
