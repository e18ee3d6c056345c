"""Why this model, why not the others, and what would change the advice.

Scores are piecewise linear in every numeric field: constant except across a ramp's two
anchors, where they move linearly, and stepping where a crisp threshold is crossed. So a
search that tries, for each field, the values at and one resolution step either side of
every threshold and anchor on that field (a ratio's anchors scaled by the other field's
value) finds where the advice can change; inside a ramp the smallest change is then found
by bisection on the field's resolution grid. Categorical fields are tried at each of their
values. Every change is verified by re-scoring the whole profile before it is reported.

The unknown answers are ranked by what knowing them could do: change the model on its
own (some value of it alone gives another model), change it together with other unknown
answers (it feeds a rule that could still lift another model past the winner), or only
narrow the score intervals, by how much.
"""

from __future__ import annotations

import heapq
import itertools
import math
import weakref
from collections.abc import Iterable, Mapping
from itertools import repeat
from operator import add, ge, mul, sub
from typing import Any

from advisor.engine import Engine, Evaluation
from advisor.errors import ProfileError, UsageError
from advisor.profile import EVIDENCE_FIELDS, FIELD_NAMES, FIELDS, Profile, validate_profile
from advisor.recommendation import Recommendation, RuleTrace, reason_dict, source_dict
from advisor.rulebase import schema
from advisor.slotted import slotted
from advisor.suggest import did_you_mean
from advisor.variations import Variations

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
# Bounds on a lead in points, summed in another order than the engine's scores, allow this much
# for float noise and for rounded scores (6 digits) that tie values up to 1e-6 apart.
_MARGIN = 2e-6
_NONE: frozenset[int] = frozenset()


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
    from advisor.answer_parser import Unreadable, read_answers

    try:
        changes = read_answers(changes)  # `about 300`, `€850` (sets the currency), `2 weeks`, as `ask` reads them
    except Unreadable as problem:
        raise UsageError(f"--set: {problem.english()}") from None
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


@slotted()
class WhyNot:
    __slots__ = ("model", "score", "gap", "rules")
    model: str
    score: float
    gap: float  # points behind the winner
    rules: list[RuleTrace]  # rules that give this model points, in rule-base order

    def __init__(self, model: str, score: float, gap: float, rules: list[RuleTrace]) -> None:
        self.model = model
        self.score = score
        self.gap = gap
        self.rules = rules


@slotted()
class Counterfactual:
    __slots__ = ("to", "changes", "scores", "starting_point")
    to: str
    changes: dict[str, Any]
    scores: dict[str, float]
    starting_point: bool  # the starting point decides it, not the scores (which may rank `to` lower)

    def __init__(self, to: str, changes: dict[str, Any], scores: dict[str, float],
                 starting_point: bool = False) -> None:
        self.to = to
        self.changes = changes
        self.scores = scores
        self.starting_point = starting_point


@slotted()
class UnknownImpact:
    __slots__ = ("field", "outcomes", "with_others", "narrows")
    field: str
    outcomes: list[tuple[Any, str]]  # (value tried, model it gives); only those that change the advice
    with_others: bool  # no value alone changes the model, but together with other unknowns one could
    narrows: float  # score-interval width (points, all models) that hangs on this field

    def __init__(self, field: str, outcomes: list[tuple[Any, str]], with_others: bool = False,
                 narrows: float = 0.0) -> None:
        self.field = field
        self.outcomes = outcomes
        self.with_others = with_others
        self.narrows = narrows

    @property
    def changes_model(self) -> str:
        """"alone", "with_others" or "no"."""
        return "alone" if self.outcomes else "with_others" if self.with_others else "no"

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "changes_model": self.changes_model, "changes_advice": bool(self.outcomes),
                "narrows_points": round(self.narrows, 4),
                "values_that_change_advice": [{"value": v, "model": m} for v, m in self.outcomes]}


@slotted()
class Explanation:
    __slots__ = ("recommendation", "scenario", "fixed", "why_not", "counterfactuals", "unreachable",
                 "unknown_impacts")
    recommendation: Recommendation
    scenario: dict[str, Any]
    fixed: list[str]
    why_not: list[WhyNot]
    counterfactuals: list[Counterfactual]
    unreachable: list[str]
    unknown_impacts: list[UnknownImpact]

    def __init__(self, recommendation: Recommendation, scenario: dict[str, Any], fixed: list[str],
                 why_not: list[WhyNot], counterfactuals: list[Counterfactual], unreachable: list[str],
                 unknown_impacts: list[UnknownImpact] | None = None) -> None:
        self.recommendation = recommendation
        self.scenario = scenario
        self.fixed = fixed
        self.why_not = why_not
        self.counterfactuals = counterfactuals
        self.unreachable = unreachable
        self.unknown_impacts = [] if unknown_impacts is None else unknown_impacts

    def to_dict(self) -> dict[str, Any]:
        rec = self.recommendation
        model = rec.department_model
        return {
            "name": rec.profile.name,
            "scenario": self.scenario,
            "fixed": self.fixed,
            "department_model": model.to_dict(),
            "reason_codes": {
                "department_model": [reason_dict(r, points=r.earned(r.effect["points"][model.id]))
                                     for r in model.reasons],
                "sales_mix": [reason_dict(r, inside_shift=r.earned(r.effect["inside_shift"]))
                              for r in rec.sales_mix.reasons],
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
                            "earned": r.earned(r.effect["points"][w.model]),
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
            "counterfactuals": [{"to": c.to, "changes": c.changes, "scores": c.scores,
                                 **({"decided_by": "starting_point"} if c.starting_point else {})}
                                for c in self.counterfactuals],
            "unreachable": self.unreachable,
            "unknown_fields": [u.to_dict() for u in self.unknown_impacts],
            "rule_base": {"name": rec.rule_base_name, "version": rec.rule_base_version, "sha256": rec.rule_base_sha256},
        }


def explain(engine: Engine, profile: Profile, *, scenario: Mapping[str, Any] | None = None,
            fixed: Iterable[str] = (), evaluation: Evaluation | None = None) -> Explanation:
    """`evaluation`: `engine.evaluate(profile)` where the caller already made it (a batch's reports), so the
    profile is not evaluated twice; without a scenario only (a scenario's profile is another)."""
    scenario = dict(scenario or {})
    profile = apply_changes(profile, scenario)
    fixed_list = list(dict.fromkeys(fixed))
    if evaluation is not None and not scenario and evaluation.profile is profile:
        rec = engine.recommendation(evaluation)
    else:
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
    impacts = rank_unknowns(engine, profile, rec, fixed_list, search)
    return Explanation(rec, scenario, fixed_list, why_not, counterfactuals, unreachable, impacts)


def advise(engine: Engine, profile: Profile) -> Recommendation:
    """The recommendation with its unknown answers ranked (what to ask next): for one profile at a time."""
    rec = engine.recommend(profile)
    rec.ask_next.extend(rank_unknowns(engine, profile, rec))
    return rec


def rank_unknowns(engine: Engine, profile: Profile, rec: Recommendation, fixed: Iterable[str] = (),
                  search: "_Search | None" = None) -> list[UnknownImpact]:
    """The unknown fields, those whose answer could change the model most first (see the module's docstring)."""
    search = search or _Search(engine, profile, list(fixed))
    model = rec.department_model
    low, high = model.score_low, model.score_high
    evidence_winner = max(engine.tie_break, key=lambda m: (model.scores[m], -engine.tie_break.index(m)))
    settled = all(low[evidence_winner] > high[m] for m in model.scores if m != evidence_winner)
    impacts = []
    for name in rec.unknown_fields:
        if name in fixed:
            continue
        narrows, with_others = 0.0, False
        for trace in rec.trace:
            if trace.decision != "department_model" or name not in trace.unknown_fields():
                continue
            lowest, highest = trace.degree
            for outcome, points in trace.effect["points"].items():
                narrows += abs(points) * (highest - lowest)
                # a model still in the race: the winner (knowing could hold it up or let it fall), or one
                # whose highest score reaches the winner's lowest
                with_others |= outcome == evidence_winner or high[outcome] >= low[evidence_winner]
        impact = search.unknown_impact(name, evidence_winner)
        impact.with_others = with_others and not impact.outcomes and not settled
        impact.narrows = narrows
        impacts.append(impact)
    order = {"alone": 0, "with_others": 1, "no": 2}
    impacts.sort(key=lambda i: (order[i.changes_model], -round(i.narrows, 6), EVIDENCE_FIELDS.index(i.field)))
    return impacts


# ---- the search --------------------------------------------------------------------


NumericLeaf = tuple[str, "str | None", "float | None", list[float], bool]  # field, per, per_min, anchors, ramp


def _numeric_leaves(condition: Any) -> list[NumericLeaf]:
    """A condition's numeric comparisons, depth-first, with their thresholds (a ramp's two anchors) sorted."""
    if isinstance(condition, schema.Leaf):
        if condition.operator in ("eq", "in") and FIELDS[condition.field].numeric:
            # a number equal to a value (the starting point: no sales team) is a value to try, not a threshold
            values = condition.threshold if isinstance(condition.threshold, list) else [condition.threshold]
            points = sorted(float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))
            return [(condition.field, None, None, points, False)] if points else []
        if condition.operator not in schema.NUMERIC_OPERATORS:
            return []
        value = condition.threshold
        points = sorted(float(v) for v in value) if isinstance(value, list) else [float(value)]
        return [(condition.field, condition.per, condition.per_min, points, condition.graded)]
    if isinstance(condition, schema.All):
        return [leaf for c in condition.all for leaf in _numeric_leaves(c)]
    if isinstance(condition, schema.AnyOf):
        return [leaf for c in condition.any for leaf in _numeric_leaves(c)]
    if isinstance(condition, schema.Not):
        return _numeric_leaves(condition.not_)
    return []


_LEAVES: weakref.WeakKeyDictionary[Engine, list[list[NumericLeaf]]] = weakref.WeakKeyDictionary()


def _condition_leaves(engine: Engine) -> list[list[NumericLeaf]]:
    """The numeric comparisons of each department-model rule and of the starting point (once per engine)."""
    if engine not in _LEAVES:
        model = engine.rule_base.department_model
        conditions = [r.when for r in model.rules] + ([model.starting_point.when] if model.starting_point else [])
        _LEAVES[engine] = [_numeric_leaves(c) for c in conditions]
    return _LEAVES[engine]


_READ: weakref.WeakKeyDictionary[Engine, tuple[list[set[str]], set[str]]] = weakref.WeakKeyDictionary()


def _fields_read(engine: Engine) -> tuple[list[set[str]], set[str]]:
    """The fields each department-model rule reads, and those the starting point reads (once per engine)."""
    found = _READ.get(engine)
    if found is None:
        model = engine.rule_base.department_model
        start = model.starting_point
        found = _READ[engine] = ([schema.fields_read(r.when) for r in model.rules],
                                 schema.fields_read(start.when) if start else set())
    return found


_READING: weakref.WeakKeyDictionary[Engine, dict[str, list[list[NumericLeaf]]]] = weakref.WeakKeyDictionary()


def _condition_leaves_reading(engine: Engine, name: str) -> list[list[NumericLeaf]]:
    """Of each condition of `_condition_leaves`, the comparisons that read `name` (conditions with none left out)."""
    by_field = _READING.get(engine)
    if by_field is None:
        by_field = _READING[engine] = {}
    found = by_field.get(name)
    if found is None:
        found = by_field[name] = [kept for leaves in _condition_leaves(engine)
                                  if (kept := [leaf for leaf in leaves if name in (leaf[0], leaf[1])])]
    return found


def _thresholds(leaves: list[NumericLeaf], name: str, facts: Mapping[str, Any]) -> list[tuple[float, bool]]:
    """Every number at which a condition's outcome on `name` can change, in the field's own value,
    with whether the outcome moves linearly above it (inside a ramp)."""
    found = []
    for field, per, per_min, points, ramp in leaves:
        if name != field and name != per:
            continue
        if per is not None:  # a ratio: its anchors scaled by the other field's value
            other = facts.get(per if name == field else field)
            if other is None:
                continue
            if name == field:
                divisor = max(other, per_min or 0)
                points = sorted(p * divisor for p in points)
            else:
                points = sorted(other / p for p in points if p > 0)
        found += [(p, ramp and i == 0) for i, p in enumerate(points)]
    return found


_MADE: weakref.WeakKeyDictionary[Engine, dict[tuple[str, Any], tuple]] = weakref.WeakKeyDictionary()


def _ratio_read(engine: Engine, name: str) -> bool:
    """Whether a comparison reads `name` in a ratio with another field (its thresholds then depend on it)."""
    return any(leaf[1] is not None for leaves in _condition_leaves_reading(engine, name) for leaf in leaves)


class _Search:
    def __init__(self, engine: Engine, profile: Profile, fixed: list[str]) -> None:
        self.engine = engine
        self.profile = profile
        self.rules = engine.rule_base.department_model.rules
        self._read_by_rule, start_read = _fields_read(engine)
        read = start_read.union(*self._read_by_rule)
        self.fields = [f for f in EVIDENCE_FIELDS if f in read and f not in fixed]
        self.facts = engine.facts(profile)
        self.variations = Variations(engine, self.facts)
        self._candidates: dict[str, list[Any]] = {}
        self._coarse: dict[str, list[Any]] = {}  # thresholds and anchors only: for pairs of fields
        self._ramps: dict[str, list[tuple[float, float]]] = {}
        self._cache: dict[tuple, tuple[str, str]] = {}
        self._nearest_values: dict[tuple[str, bool], list[tuple[float, int, Any]]] = {}
        self._nearest_states: dict[tuple[str, bool], list[int]] = {}  # the state number of each of those values
        self._gained: dict[tuple[str, str, frozenset[int], bool], tuple[list[tuple[float, ...]], list[float]]] = {}
        self._moved_points: dict[tuple[str, frozenset[int], bool], list[tuple[float, ...]]] = {}
        self._caps: dict[tuple[str, str, frozenset[int]], tuple[float, ...]] = {}
        self._leads_of: dict[str, tuple[float, ...]] = {}
        self._floors = (-_MARGIN,) * len(engine.tie_break)  # the lowest lead over each model that may still do
        self._sides: dict[str, list[list[Any]]] = {}
        self._rate = engine.rates.get(profile.currency, 1)

    def candidates(self, name: str) -> list[Any]:
        found = self._candidates.get(name)
        if found is None:
            # the same for every profile in the same currency, unless a ratio scales the field's thresholds
            # by another field's value: kept per engine (a few dozen lists), the others made per profile
            key = (name, self.profile.currency if name == "average_deal_size" else None)
            shared = not _ratio_read(self.engine, name)
            made = _MADE.setdefault(self.engine, {}).get(key) if shared else None
            if made is None:
                made = self._make_candidates(name), self._coarse.get(name), self._ramps.get(name)
                if shared:
                    _MADE[self.engine][key] = made
            found = self._candidates[name] = made[0]
            if made[1] is not None:
                self._coarse[name] = made[1]
            if made[2] is not None:
                self._ramps[name] = made[2]
        return found

    def coarse(self, name: str) -> list[Any]:
        self.candidates(name)
        return self._coarse.get(name, self._candidates[name])

    def _make_candidates(self, name: str) -> list[Any]:
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
        inside: set[float] = set()
        ramps = []
        for leaves in _condition_leaves_reading(self.engine, name):
            found = sorted(_thresholds(leaves, name, self.facts))
            for (threshold, linear), nxt in zip(found, found[1:] + [(None, False)]):
                local = threshold * scale
                for base in (math.floor(local / step) * step, math.ceil(local / step) * step):
                    values.update({base - step, base, base + step})
                if linear and nxt[0] is not None:
                    high = nxt[0] * scale
                    ramps.append((local, high))
                    # inside a ramp two models can cross without an anchor nearby: look between too
                    inside.update(round((local + (high - local) * k / 8) / step) * step for k in range(1, 8))
        self._ramps[name] = ramps
        coarse = {v for v in map(lambda v: self._clean(name, v), values) if v is not None}
        self._coarse[name] = sorted(coarse)
        return sorted(coarse | {v for v in map(lambda v: self._clean(name, v), inside) if v is not None})

    def _clean(self, name: str, value: float) -> Any:
        spec = FIELDS[name]
        value = round(value, 6)
        if spec.kind == "integer":
            value = int(round(value))
        if spec.minimum is not None and (value < spec.minimum or (spec.exclusive_minimum and value <= spec.minimum)):
            return None
        if spec.maximum is not None and value > spec.maximum:
            return None
        return value

    def outcome(self, changes: tuple[tuple[str, Any], ...]) -> tuple[str, str]:
        """(model now, model the evidence points to) with `changes` made: facts changed directly, as
        Engine.compared would make them (a candidate is already a valid value), so no profile is validated."""
        found = self._cache.get(changes)
        if found is None:
            found = self._cache[changes] = self.variations.models({name: self._fact(name, value) for name, value in changes})
        return found

    def _fact(self, name: str, value: Any) -> Any:
        """A candidate value as the rules compare it: a deal size in USD, to the cent as Engine.compared rounds it."""
        return round(value * self._rate, 2) if name == "average_deal_size" and value is not None else value

    def could_reach(self, target: str, names: tuple[str, ...]) -> bool:
        return self.variations.could_win(dict.fromkeys(names), target)

    def movers(self, target: str) -> list[str]:
        """The fields a change of which can lift `target` or lower a model above it."""
        now = self.variations.decide({})[2]  # the profile's own scores
        above = {m for m, score in now.items() if score >= now[target] and m != target}
        read: set[str] = set()
        for rule, reads in zip(self.rules, self._read_by_rule):
            if rule.points.get(target, 0) > 0 or any(rule.points.get(m, 0) != 0 for m in above):
                read |= reads
        read |= _fields_read(self.engine)[1]
        return [f for f in self.fields if f in read]

    def distance(self, name: str, value: Any) -> float:
        """How big a change is: relative for numbers (unknown counts as a full change), 1 for categories."""
        current = getattr(self.profile, name)
        if current is None or not FIELDS[name].numeric:
            return 1.0
        return abs(value - current) / max(abs(current), RESOLUTION.get(name, 1), 1e-9)

    def _options(self, name: str) -> list[Any]:
        current = getattr(self.profile, name)
        return [v for v in self.candidates(name) if v != current]

    def _closer(self, name: str, value: Any, target: str) -> Any:
        """Inside a ramp the model changes somewhere between two candidates: the value nearest the
        profile's own that still gives `target`, by bisection on the field's resolution grid."""
        current = getattr(self.profile, name)
        if current is None or not FIELDS[name].numeric:
            return value
        step = RESOLUTION.get(name, 1)
        nearer = [c for c in self.candidates(name) if (current < c < value) or (value < c < current)]
        far = min(nearer, key=lambda c: abs(c - value), default=current)  # the last candidate before `value`
        if not any(min(far, value) < high and max(far, value) > low for low, high in self._ramps.get(name, [])):
            return value
        good, bad = value, far  # good gives the target; bad does not (or is the profile's own value)
        while abs(good - bad) > step * 1.5:
            middle = self._clean(name, round((good + bad) / 2 / step) * step)
            if middle is None or middle in (good, bad):
                break
            if self.outcome(((name, middle),))[0] == target:
                good = middle
            else:
                bad = middle
        return good

    def _first_hits(self, name: str, target: str) -> list[Any]:
        """The values of `name` nearest the profile's own, one on each side, that give `target` (refined
        inside a ramp); in ascending order. A value farther on the same side can only cost more: what
        refinement finds lies beyond the last candidate that did not reach the target."""
        sides = self._sides.get(name)
        if sides is None:
            options = self._options(name)
            current = getattr(self.profile, name)
            if current is None or not FIELDS[name].numeric:
                sides = [options]  # every change costs the same: the first that reaches the target
            else:
                sides = [[v for v in options if v < current][::-1], [v for v in options if v > current]]
            self._sides[name] = sides
        hits = []
        for side in sides:
            for value in side:
                if self.outcome(((name, value),))[0] == target:
                    hits.append(self._closer(name, value, target))
                    break
        return sorted(hits)

    def smallest_change_to(self, target: str) -> Counterfactual | None:
        best: tuple[float, tuple[tuple[str, Any], ...]] | None = None
        for name in self.fields:
            if not self._may_reach(target, name):
                continue
            for value in self._first_hits(name, target):
                cost = self.distance(name, value)
                if best is None or cost < best[0]:
                    best = (cost, ((name, value),))
        if best is None:
            best = self._smallest_pair(target)
        if best is None:
            return None
        changes = dict(best[1])
        facts = self.facts.copy()  # the full engine agrees (on the changed facts: no profile copied and validated)
        facts.update((name, self._fact(name, value)) for name, value in changes.items())
        now, evidence, scores = self.engine.decide(facts)
        if now != target:  # pragma: no cover - the fast path and the engine share rules
            return None
        return Counterfactual(target, changes, {m: round(s, 4) for m, s in scores.items()}, now != evidence)

    def _nearest(self, name: str, apart: bool = False) -> list[tuple[float, int, Any]]:
        """The coarse values of `name` other than the profile's own, nearest first: (distance, index
        among the coarse values, value).

        `apart`: for pairing with a field no comparison reads together with this one (no ratio of the
        two), where a variation's decision follows from each field's state alone (`Variations.signature`):
        of the values of one state only the nearest, and none of the profile's own state (such a pair
        decides as the other field's change alone, which the single changes found short of the target).
        Any value left out has a pair at least as dear that decides the same, and is first in order.
        """
        key = (name, apart)
        found = self._nearest_values.get(key)
        if found is not None:
            return found
        state = self.variations.state_number  # equal numbers, equal states
        if not apart:
            current = getattr(self.profile, name)
            if current is None or not FIELDS[name].numeric:  # every change costs 1 (`distance`): in coarse order
                found = [(1.0, index, value) for index, value in enumerate(self.coarse(name)) if value != current]
            else:
                scale = max(abs(current), RESOLUTION.get(name, 1), 1e-9)  # as `distance` divides
                found = sorted((abs(value - current) / scale, index, value)
                               for index, value in enumerate(self.coarse(name)) if value != current)
            fact = self._fact
            numbers = ([state(name, fact(name, item[2])) for item in found] if name == "average_deal_size"
                       else [state(name, item[2]) for item in found])
        else:
            seen = {state(name, self.facts.get(name))}  # the profile's own, as the rules compared it
            found, numbers = [], []
            for item, number in zip(self._nearest(name), self._nearest_states[(name, False)]):
                if number not in seen:
                    seen.add(number)
                    found.append(item)
                    numbers.append(number)
        self._nearest_values[key] = found
        self._nearest_states[key] = numbers
        return found

    def _smallest_pair(self, target: str) -> tuple[float, tuple[tuple[str, Any], ...]] | None:
        """The cheapest change of two fields that gives `target`; of equally cheap ones, the first in the
        order of the field pairs and then of their values.

        Pairs only on the thresholds and anchors (the ramps' insides would square the work), of the fields
        that can move the target's score or the others' (the rest cannot help), and only pairs of fields
        some values of which could do it. A pair of values is decided only when a bound says it might give
        the target (see `_leads`), and in the order of its key, so the first that gives the target is the
        answer and nothing dearer is decided.
        """
        # Pairs of values in the order of their keys (cost, pair, index of each value), cheapest first: the
        # first that gives the target wins. A pair of fields waits in the queue at the cheapest key any of
        # its values could have, and is checked (_may_reach) and its values bounded only when reached.
        queue: list[tuple] = []
        plan = self.variations.plan
        ratio_pairs, both, start_fields = plan.ratio_pairs, plan.both, plan.start_fields
        # a pair of fields that no rule reads together, neither read by the starting point, where it does not
        # hold: `_may_reach`'s test, from each field's cap on the target's lead kept for this target
        plain = plan.start_model is None or not self.variations.started
        caps: dict[str, tuple[float, ...]] = {}
        reach: dict[str, tuple[float, ...]] = {}
        lead, floors = self._lead(target), self._floors
        for p, (first, second) in enumerate(itertools.combinations(self.movers(target), 2)):
            apart = (first, second) not in ratio_pairs
            nearest_a, nearest_b = self._nearest(first, apart), self._nearest(second, apart)
            if nearest_a and nearest_b:
                queue.append((nearest_a[0][0] + nearest_b[0][0], p, -1, -1, (first, second)))
        heapq.heapify(queue)
        while queue:
            cost, p, index_a, _, item = heapq.heappop(queue)
            if index_a >= 0:
                if self.outcome(item)[0] == target:
                    return cost, item
                continue
            first, second = item
            if plain and first not in start_fields and second not in start_fields and not both(first, second):
                if first not in reach:
                    reach[first] = tuple(map(add, lead, self._cap(target, first, _NONE)))
                cap = caps.get(second)
                if cap is None:
                    cap = caps[second] = self._cap(target, second, _NONE)
                if not all(map(ge, map(add, reach[first], cap), floors)):
                    continue
            elif not self._may_reach(target, first, second):
                continue
            rows, columns, floor, exact = self._leads(target, first, second)
            if exact is None:
                for gains_a, (cost_a, index_a, a) in rows:
                    for gains_b, (cost_b, index_b, b) in columns:
                        # the bound of _leads for this pair of values (none where floor is None)
                        if floor is None or all(map(ge, map(add, gains_a, gains_b), floor)):
                            heapq.heappush(queue, (cost_a + cost_b, p, index_a, index_b, ((first, a), (second, b))))
                continue
            # one rule reads both, a conjunction: with both values its lower degree is the lesser of each value's
            # own (`_tops`), so the pair's lead is known, not bounded: each value's gains with the rule at its
            # own degree (`with_a`, `with_b`), and of a pair the one whose degree is the lesser (see `_leads`)
            for gains_a, (cost_a, index_a, a), top_a, with_a in rows:
                for gains_b, (cost_b, index_b, b), top_b, with_b in columns:
                    if all(map(ge, map(add, with_a, gains_b) if top_a <= top_b else map(add, gains_a, with_b), exact)):
                        heapq.heappush(queue, (cost_a + cost_b, p, index_a, index_b, ((first, a), (second, b))))
        return None

    def _may_reach(self, target: str, first: str, second: str | None = None) -> bool:
        """Whether some values of one field (or two) could give `target`: `could_reach`'s question, answered
        from each field's own rules with it unknown and the rules reading both (kept per field and target,
        so not worked out again for every pair), where the starting point is not in play.

        A change that leaves the starting point's fields as they are leaves it holding or not as it does
        for the profile: if it holds, every change gives its model; if not, the scores decide, and the
        target can lead a model only if its highest lead over it, the sum of the profile's own and of what
        each group of rules could add at most, is not below zero (the margin covers the sums' float noise).
        """
        variations = self.variations
        plan = variations.plan
        if plan.start_model is not None:
            if first in plan.start_fields or second in plan.start_fields:
                return self.could_reach(target, (first,) if second is None else (first, second))
            if variations.started:
                return target == plan.start_model
        # for the target itself the lead and the caps' sum are never below 0, so every model is checked alike
        lead = self._lead(target)
        if second is None:
            return all(map(ge, map(add, lead, self._cap(target, first, _NONE)), self._floors))
        shared, low, high = variations.shared_range(first, second)
        if shared:
            mine = plan.models.index(target)
            lead = map(sub, map(add, lead, repeat(high[mine])), low)
        return all(map(ge, map(add, map(add, lead, self._cap(target, first, shared)), self._cap(target, second, shared)),
                       self._floors))

    def _lead(self, target: str) -> tuple[float, ...]:
        """The target's lead over each model (0 over itself) on the profile's own answers."""
        lead = self._leads_of.get(target)
        if lead is None:
            scores = self.variations.base_scores
            mine = scores[self.variations.plan.models.index(target)]
            lead = self._leads_of[target] = tuple(mine - score for score in scores)
        return lead

    def _cap(self, target: str, name: str, shared: frozenset[int]) -> tuple[float, ...]:
        """The most the rules reading `name`, but not the `shared` ones, could add to the target's lead over
        each model whatever `name` is (its unknown interval)."""
        key = (target, name, shared)
        cap = self._caps.get(key)
        if cap is None:
            low, high = self.variations.unknown_range(name, shared)
            mine = self.variations.plan.models.index(target)
            cap = self._caps[key] = tuple(map(sub, repeat(high[mine]), low))
        return cap

    def _leads(self, target: str, first: str,
               second: str) -> tuple[list, list, tuple[float, ...] | None, tuple[float, ...] | None]:
        """The values of two fields worth pairing to reach `target`, as (gains, item of `_nearest`) (see
        `_gains`), and the floor a pair's summed gains must reach for every model (None: no bound).

        The target leads a model m by (points the target gets) - (points m gets): the profile's own lead,
        plus what the first field's value adds to it through the rules that read only the first field,
        plus what the second's adds through those that read only the second, plus what the rules reading
        both could add at most (a bound from their score intervals with both fields unknown). A value is
        worth pairing only when, with the best the other field can add for each model, the target could
        still lead every model: a necessary condition (the margin covers float noise and rounding), so
        nothing that gives the target is skipped. No bound applies where the starting point, which
        decides whatever the scores, could give the target.

        Where one rule reads both fields and it is a conjunction of leaves (none reading both), a pair's
        lead is known rather than bounded: the rule's lower degree with both values is the lesser of its
        degrees with each value and the other field's leaves true (`_tops`). Then each row and column also
        carries that degree and its gains with the rule at that degree, and the fourth item is the floor of
        the pair's lead (the margin alone); else the fourth item is None.
        """
        variations = self.variations
        apart = (first, second) not in variations.plan.ratio_pairs
        nearest_a, nearest_b = self._nearest(first, apart), self._nearest(second, apart)
        start = self.engine.starting_point
        if start is not None and target == start.model and variations.plan.start_fields & {first, second}:
            return [(None, item) for item in nearest_a], [(None, item) for item in nearest_b], None, None
        models = variations.plan.models
        mine = models.index(target)
        shared, low, high = variations.shared_range(first, second)
        lead = variations.base_scores
        # the lead's floor, less the room the shared rules and the profile's own lead leave (for the target
        # itself the gains are 0 and the floor below it, so every model can be checked alike)
        floor = tuple(-_MARGIN - (high[mine] - low[m] + lead[mine] - lead[m]) for m in range(len(models)))
        gains_a, best_a = self._gains(target, first, shared, apart)
        gains_b, best_b = self._gains(target, second, shared, apart)
        floor_a = tuple(map(sub, floor, best_b))
        if not all(map(ge, best_a, floor_a)):
            return [], [], floor, None  # not even the best of each field's values together could do
        floor_b = tuple(map(sub, floor, best_a))
        plan = variations.plan
        if len(shared) != 1 or not apart or not shared <= plan.conjunctions:
            rows = [(gains, item) for item, gains in zip(nearest_a, gains_a) if all(map(ge, gains, floor_a))]
            columns = [(gains, item) for item, gains in zip(nearest_b, gains_b) if all(map(ge, gains, floor_b))]
            return rows, columns, floor, None
        # the one rule reading both is a conjunction of leaves, none of which reads both fields: its lower degree
        # with both changed is the lesser of its lower degrees with each changed and the other's leaves true
        (rule,) = shared
        points = plan.points[rule]
        per_degree = tuple(map(sub, repeat(points[mine]), points))  # a unit of its degree, to the lead over each
        before = variations.lows[rule]
        rows = [(gains, item, top, tuple(map(add, gains, map(mul, per_degree, repeat(top - before)))))
                for item, gains, top in zip(nearest_a, gains_a, self._tops(first, second, rule))
                if all(map(ge, gains, floor_a))]
        columns = [(gains, item, top, tuple(map(add, gains, map(mul, per_degree, repeat(top - before)))))
                   for item, gains, top in zip(nearest_b, gains_b, self._tops(second, first, rule))
                   if all(map(ge, gains, floor_b))]
        return rows, columns, floor, tuple(-_MARGIN - (lead[mine] - lead[m]) for m in range(len(models)))

    def _tops(self, name: str, other: str, rule: int) -> list[float]:
        """Per `_nearest(name, True)` value, the lower degree of `rule` (a conjunction of leaves) with `name` at
        that value and the leaves reading `other` true: the least of the other leaves' lower degrees."""
        variations = self.variations
        plan, intervals, states = variations.plan, variations.intervals, variations._state_of
        mine, theirs = plan.read[name], plan.read[other]
        leaves = plan.leaves[rule]
        rest = [intervals[leaf][0] for leaf in leaves if leaf not in mine and leaf not in theirs]
        read = frozenset(leaf for leaf in leaves if leaf in mine)
        return [min(rest + [interval[0] for leaf, interval in states[number] if leaf in read])
                for number in self._nearest_states[(name, True)]]

    def _gains(self, target: str, name: str, shared: frozenset[int],
               apart: bool) -> tuple[list[tuple[float, ...]], list[float]]:
        """Per `_nearest` value of `name` (`apart` as there), what it adds to the target's lead over each
        model through the rules that read it, leaving out the `shared` ones; and the most it adds, per model."""
        key = (target, name, shared, apart)
        found = self._gained.get(key)
        if found is None:
            mine = self.variations.plan.models.index(target)
            gains = [tuple(map(sub, repeat(moved[mine]), moved)) for moved in self._moved(name, shared, apart)]
            found = self._gained[key] = (gains, list(map(max, zip(*gains))) if gains
                                         else [-math.inf] * len(self.variations.plan.models))
        return found

    def _moved(self, name: str, shared: frozenset[int], apart: bool) -> list[tuple[float, ...]]:
        """Per `_nearest` value of `name` (`apart` as there), how each model's points move through the
        rules that read it, leaving out the `shared` ones (whatever the target)."""
        key = (name, shared, apart)
        out = self._moved_points.get(key)
        if out is None:
            self._nearest(name, apart)
            moves_of = self.variations.moves_of
            none = (0.0,) * len(self.variations.plan.models)
            out = self._moved_points[key] = []
            for number in self._nearest_states[(name, apart)]:
                moves = moves_of(name, number)
                parts = ([move for index, move in moves.items() if index not in shared] if shared
                         else list(moves.values()))
                # one rule's moves as they are (a sum of one adds 0 to each, which moves no bound)
                out.append(tuple(map(sum, zip(*parts))) if len(parts) > 1 else parts[0] if parts else none)
        return out

    def unknown_impact(self, name: str, winner: str) -> UnknownImpact:
        """The values of an unknown field that alone make the evidence point to another model than `winner`."""
        if name not in self.fields:
            return UnknownImpact(name, [])
        outcomes = []
        for value in self.candidates(name):
            model = self.outcome(((name, value),))[1]
            if model != winner:
                outcomes.append((value, model))
        return UnknownImpact(name, outcomes)
