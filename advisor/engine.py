"""The scoring engine: a compiled rule base turns a profile into a recommendation.

Pure functions, no I/O. Evidence is graded: a comparison holds to a *degree* between 0
and 1 (a crisp comparison is 0 or 1; a ramp `at_least: [low, high]` grades linearly
between its anchors), and a comparison with an unknown field holds to an unknown degree,
the interval [0, 1]. `all` is the minimum, `any` the maximum, `not` is 1 - x, applied to
both ends of the intervals (for crisp leaves this is Kleene's three-valued logic). A rule
gives `points x degree`; a model's score is the sum over the known degrees (the lower
ends), and its interval [lowest, highest] is what the unknown answers could still make
of it. Every comparison is evaluated (no short-circuit) so the trace can say what each
rule saw.

The rule base is compiled once into flat arrays: each distinct comparison (leaf) is
evaluated once per profile into a small-int code (0 false, 1 unknown, 2 true, 3 partly
true: a ramp between its anchors). A rule's outcome code depends only on the codes of its
own leaves, so each rule keeps a table from those codes (its *key*) to its outcome,
filled on first sight: a rule with n leaves has at most 4**n keys. Only a rule with a
partly true leaf needs its exact degree interval, computed from the leaves' degrees.
`evaluate` returns the flat `Evaluation`, which batch writers serialise directly;
`recommend` builds the full object tree from it.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from advisor.errors import ProfileError
from advisor.profile import Profile, unknown_fields
from advisor.recommendation import (
    LeafTrace,
    MixDecision,
    ModelDecision,
    NextModel,
    Note,
    Recommendation,
    RuleTrace,
    TechnologyItem,
)
from advisor.rulebase import schema
from advisor.rulebase.loader import RuleBase, load_rule_base
from advisor.slotted import _set, slotted
from advisor.suggest import did_you_mean

Facts = dict[str, Any]
Codes = Sequence[int]
Code = Callable[[Codes], int]
Degrees = Callable[[Sequence[tuple[float, float]]], tuple[float, float]]

NO, UNKNOWN, YES, PARTIAL = 0, 1, 2, 3
RESULTS: tuple[bool | None, ...] = (False, None, True)  # code -> LeafTrace.result (a partial leaf: its degree)
STATUSES = ("not_fired", "unknown", "fired", "partial")  # code -> RuleTrace.status
TECHNOLOGY_STATUSES = ("not_applicable", "possible", "applies")  # code -> TechnologyItem.status
TECHNOLOGY_CODES = {status: code for code, status in enumerate(TECHNOLOGY_STATUSES)}
CONFIDENCE_LEVELS = ("firm", "leaning", "open")
Interval = tuple[float, float]
# A code's degree interval; a partial leaf's stand-in degree decides only a rule's status,
# which depends on which leaves are partly true, never on how much.
_INTERVALS: tuple[Interval, ...] = ((0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.5, 0.5))
INTERVALS = _INTERVALS

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "in": lambda actual, t: actual in t,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "between": lambda actual, t: t[0] <= actual <= t[1],
}
_NO_NOTES: Mapping[str, Note] = MappingProxyType({})


@slotted(frozen=True)
class CompiledLeaf:
    """One distinct comparison of the rule base."""

    __slots__ = ("field", "operator", "threshold", "per", "per_min")
    field: str
    operator: str
    threshold: Any
    per: str | None  # the leaf compares field / per
    per_min: float | None

    def __init__(self, field: str, operator: str, threshold: Any, per: str | None = None,
                 per_min: float | None = None) -> None:
        _set(self, "field", field)
        _set(self, "operator", operator)
        _set(self, "threshold", threshold)
        _set(self, "per", per)
        _set(self, "per_min", per_min)

    @property
    def graded(self) -> bool:
        return self.operator in schema.RAMPS

    @property
    def plain(self) -> bool:
        """A crisp comparison of one field: the fast path."""
        return self.per is None and not self.graded

    def value(self, facts: Mapping[str, Any]) -> Any:
        """What the leaf compares: the field's value, or the ratio of two; None when unknown."""
        value = facts.get(self.field)
        if self.per is None or value is None:
            return value
        divisor = facts.get(self.per)
        if divisor is None:
            return None
        divisor = max(divisor, self.per_min or 0)
        if divisor <= 0:  # nobody to share the work: any work at all is more than capacity
            return math.inf if value > 0 else 0.0
        return value / divisor

    def degree(self, value: Any) -> float:
        """How far the comparison holds for a known value: 0 or 1, or between for a ramp."""
        if self.operator == "at_least":
            low, high = self.threshold
            return 0.0 if value <= low else 1.0 if value >= high else (value - low) / (high - low)
        if self.operator == "at_most":
            low, high = self.threshold
            return 1.0 if value <= low else 0.0 if value >= high else (high - value) / (high - low)
        return 1.0 if _COMPARE[self.operator](value, self.threshold) else 0.0

    def code(self, facts: Mapping[str, Any]) -> tuple[int, float | None]:
        """The leaf's code and degree (None when unknown)."""
        value = self.value(facts)
        if value is None:
            return UNKNOWN, None
        degree = self.degree(value)
        return (NO if degree <= 0 else YES if degree >= 1 else PARTIAL), degree


@slotted(frozen=True)
class CompiledRule:
    """A rule (or checklist item) as the indices of its leaves, in the order its trace lists them."""

    __slots__ = ("id", "decision", "leaves", "effect", "source", "anchors")
    id: str  # as the trace names it: tech.<id> for checklist items
    decision: str  # department_model, sales_mix, technologies
    leaves: tuple[int, ...]
    effect: dict[str, Any]
    source: schema.Source
    anchors: str | None  # where a ramp's anchors come from

    def __init__(self, id: str, decision: str, leaves: tuple[int, ...], effect: dict[str, Any],
                 source: schema.Source, anchors: str | None = None) -> None:
        _set(self, "id", id)
        _set(self, "decision", decision)
        _set(self, "leaves", leaves)
        _set(self, "effect", effect)
        _set(self, "source", source)
        _set(self, "anchors", anchors)


class _Compiler:
    """Assigns each distinct leaf an index and turns conditions into functions of the leaf codes."""

    def __init__(self) -> None:
        self.leaves: list[CompiledLeaf] = []
        self._index: dict[tuple[str, str, str], int] = {}

    def leaf(self, leaf: schema.Leaf) -> int:
        key = (leaf.field, leaf.operator, repr(leaf.threshold), leaf.per, leaf.per_min)
        if key not in self._index:
            self._index[key] = len(self.leaves)
            self.leaves.append(CompiledLeaf(leaf.field, leaf.operator, leaf.threshold, leaf.per, leaf.per_min))
        return self._index[key]

    def order(self, condition: Any) -> list[int]:
        """The condition's leaves depth-first: the order of its trace."""
        if isinstance(condition, schema.Leaf):
            return [self.leaf(condition)]
        if isinstance(condition, schema.Not):
            return self.order(condition.not_)
        parts = condition.all if isinstance(condition, schema.All) else condition.any
        return [index for part in parts for index in self.order(part)]

    def degrees(self, condition: Any) -> Degrees:
        """The condition as a function of its leaves' degree intervals to its own."""
        if isinstance(condition, schema.Leaf):
            return operator.itemgetter(self.leaf(condition))
        if isinstance(condition, schema.Not):
            inner = self.degrees(condition.not_)

            def negated(intervals: Sequence[Interval]) -> Interval:
                low, high = inner(intervals)
                return 1.0 - high, 1.0 - low

            return negated
        children = condition.all if isinstance(condition, schema.All) else condition.any
        combine = min if isinstance(condition, schema.All) else max
        if len(children) == 1:
            return self.degrees(children[0])
        if all(isinstance(part, schema.Leaf) for part in children):
            getter = operator.itemgetter(*(self.leaf(part) for part in children))

            def of_leaves(intervals: Sequence[Interval]) -> Interval:
                lows, highs = zip(*getter(intervals))  # in C: explain's search calls this ~100 times a profile
                return combine(lows), combine(highs)

            return of_leaves
        parts = [self.degrees(part) for part in children]

        def combined(intervals: Sequence[Interval]) -> Interval:
            lows, highs = zip(*[part(intervals) for part in parts])
            return combine(lows), combine(highs)

        return combined

    def code(self, condition: Any) -> Code:
        """The condition's outcome code from its leaves' codes (worked out once per key, see Engine)."""
        return _code_of(self.degrees(condition))


def interval_status(interval: Interval) -> int:
    """The outcome code of a degree interval: not fired, fired, partly fired, or unknown."""
    low, high = interval
    if high <= 0:
        return NO
    if low >= 1:
        return YES
    return PARTIAL if low == high else UNKNOWN


def _code_of(degrees: Degrees) -> Code:
    def code(codes: Codes) -> int:
        return interval_status(degrees([_INTERVALS[c] for c in codes]))

    return code


def compile_predicate(condition: Any) -> Callable[[Facts], bool | None]:
    """A condition as a plain three-valued function of facts, for one-off checks (e.g. which questions apply).

    A graded condition counts as true from a degree of one half.
    """
    compiler = _Compiler()
    degrees = compiler.degrees(condition)
    leaves = compiler.leaves

    def predicate(facts: Facts) -> bool | None:
        intervals = [(0.0, 1.0) if (d := leaf.code(facts)[1]) is None else (d, d) for leaf in leaves]
        low, high = degrees(intervals)
        return True if low >= 0.5 else False if high < 0.5 else None

    return predicate


def _never(actual: Any, threshold: Any) -> bool:  # a stand-in: the leaf is worked out elsewhere
    return False


def _by_points(pair: tuple[int, float]) -> float:
    return -pair[1]


def _by_size(pair: tuple[int, float]) -> float:
    return -abs(pair[1])


def _always(intervals: Sequence[Interval]) -> Interval:
    return 1.0, 1.0


def _no_leaves(codes: Codes) -> tuple[()]:
    return ()


def _key_of(leaves: tuple[int, ...]) -> Callable[[Codes], Any]:
    """The codes of a rule's leaves, in trace order: the key of its outcome table."""
    return operator.itemgetter(*leaves) if leaves else _no_leaves


def _technology_degrees(kinds: tuple[Degrees, ...] | None, own: Degrees) -> Degrees:
    """Applies when one of its kinds applies (an undefined kind does not) and its own condition holds."""
    if kinds is None:
        return own

    def degrees(intervals: Sequence[Interval]) -> Interval:
        own_low, own_high = own(intervals)
        ends = [kind(intervals) for kind in kinds] or [(0.0, 0.0)]
        return min(own_low, max(low for low, _ in ends)), min(own_high, max(high for _, high in ends))

    return degrees


def _crisp(interval: Interval) -> int:
    """A partly true condition where only yes or no will do (hybrid, a checklist item): true from one half."""
    low, high = interval
    return YES if low >= 0.5 else NO if high < 0.5 else UNKNOWN


def confidence_of(scores: Mapping[str, float], low: Mapping[str, float], high: Mapping[str, float],
                  winner: str, runner_up: str, near_tie: float) -> str:
    """firm: no unknown answer can change the winner; leaning: the known answers decide, unknown ones
    could still change it; open: a tie or a near-tie, or no evidence for any model."""
    if scores[winner] - scores[runner_up] < near_tie or scores[winner] <= 0:
        return "open"
    floor = low[winner] - 1e-6  # float noise in graded points must not make a tie look like a win
    if all(floor > high[m] for m in scores if m != winner):
        return "firm"
    return "leaning"


@slotted()
class Evaluation:
    """One profile through the compiled rules, as flat arrays and plain decisions."""

    __slots__ = ("profile", "facts", "notes", "leaves", "keys", "rules", "kinds", "scores", "score_low",
                 "score_high", "department_model", "runner_up", "margin", "confidence", "model_reasons",
                 "inside_share", "unclamped_inside_share", "mix_reasons", "hybrid_reasons", "partial_leaves",
                 "degrees", "started", "next_model", "next_confidence")
    profile: Profile
    facts: Facts
    notes: Mapping[str, Note]
    leaves: list[int]  # a code per CompiledLeaf
    keys: list[Any]  # per Engine.rules entry: the codes of its leaves (an int for a one-leaf rule)
    rules: list[int]  # a code per Engine.rules entry (department model, sales mix, checklist, in trace order)
    kinds: list[int]  # a code per sales kind
    scores: dict[str, float]  # points per department model from the known answers (degrees' lower ends)
    score_low: dict[str, float]  # the lowest each score can still be, whatever the unknown answers are
    score_high: dict[str, float]  # and the highest
    department_model: str
    runner_up: str
    margin: float
    confidence: str  # firm, leaning or open
    model_reasons: list[int]  # indices into Engine.rules: giving the winner points, most first
    inside_share: float
    unclamped_inside_share: float
    mix_reasons: list[int]  # shifts that moved the share, largest first
    hybrid_reasons: list[int]
    partial_leaves: dict[int, float]  # leaf index -> degree, for leaves partly true
    degrees: dict[int, Interval]  # rule index -> degree interval, for rules whose key holds a partly true leaf
    started: bool  # the starting point holds: it decides the model to build now
    next_model: str | None  # the model the evidence points to, when that is not the starting one
    next_confidence: str | None

    def __init__(self, profile: Profile, facts: Facts, notes: Mapping[str, Note], leaves: list[int], keys: list[Any],
                 rules: list[int], kinds: list[int], scores: dict[str, float], score_low: dict[str, float],
                 score_high: dict[str, float], department_model: str, runner_up: str, margin: float, confidence: str,
                 model_reasons: list[int], inside_share: float, unclamped_inside_share: float,
                 mix_reasons: list[int], hybrid_reasons: list[int], partial_leaves: dict[int, float],
                 degrees: dict[int, Interval], started: bool = False, next_model: str | None = None,
                 next_confidence: str | None = None) -> None:
        self.profile = profile
        self.facts = facts
        self.notes = notes
        self.leaves = leaves
        self.keys = keys
        self.rules = rules
        self.kinds = kinds
        self.scores = scores
        self.score_low = score_low
        self.score_high = score_high
        self.department_model = department_model
        self.runner_up = runner_up
        self.margin = margin
        self.confidence = confidence
        self.model_reasons = model_reasons
        self.inside_share = inside_share
        self.unclamped_inside_share = unclamped_inside_share
        self.mix_reasons = mix_reasons
        self.hybrid_reasons = hybrid_reasons
        self.partial_leaves = partial_leaves
        self.degrees = degrees
        self.started = started
        self.next_model = next_model
        self.next_confidence = next_confidence

    @property
    def hybrid(self) -> bool:
        return bool(self.hybrid_reasons)

    @property
    def outside_share(self) -> float:
        return round(1.0 - self.inside_share, 2)

    @property
    def decided_by(self) -> str:
        """"starting_point" (build this now, grow into next_model), "tie_break" when the winner's lead
        is zero, else "points"."""
        if self.started:
            return "starting_point"
        return "tie_break" if self.margin == 0 else "points"

    def degree(self, index: int) -> Interval:
        """Rule `index`'s degree interval: [0, 0] not fired, [1, 1] fired, [d, d] partly, [low, high] unknown."""
        return self.degrees.get(index) or _INTERVALS[self.rules[index]]

    def earned(self, index: int, points: float) -> float:
        """What a rule giving `points` adds from the known answers."""
        return points * self.degree(index)[0]


class Engine:
    """A rule base compiled once; `evaluate` and `recommend` are then cheap and side-effect free."""

    def __init__(self, rule_base: RuleBase) -> None:
        self.rule_base = rule_base
        self.rates = rule_base.meta.currency.usd_per_unit
        as_of = rule_base.meta.currency.as_of.isoformat()
        self._conversion = {code: {"currency": code, "rate": f"{rate:g}", "as_of": as_of} for code, rate in self.rates.items()}
        compiler = _Compiler()
        model = rule_base.department_model
        self.tie_break = list(model.tie_break)
        self.near_tie = model.near_tie_margin
        self.starting_point = model.starting_point
        self.grow_into = dict(model.grow_into)
        self._start: Degrees | None = compiler.degrees(model.starting_point.when) if model.starting_point else None
        self._start_key = _key_of(tuple(compiler.order(model.starting_point.when))) if model.starting_point else None
        self._start_table: dict[Any, int] = {}
        self.rules: list[CompiledRule] = []
        degrees: list[Degrees] = []
        self._points: list[tuple[int, tuple[tuple[str, float], ...]]] = []
        for rule in model.rules:
            self._points.append((len(self.rules), tuple(rule.points.items())))
            degrees.append(compiler.degrees(rule.when))
            self.rules.append(CompiledRule(rule.id, "department_model", tuple(compiler.order(rule.when)),
                                           {"points": dict(rule.points)}, rule.source, rule.anchors))
        mix = rule_base.sales_mix
        self.base_inside = mix.base_inside_share
        self.inside_range = mix.inside_share_range
        self._shifts: list[tuple[int, float]] = []
        self._hybrids: list[int] = []
        self._not_applicable: list[int] = []  # rules saying the inside/outside split does not apply
        for rule in mix.rules:
            effect: dict[str, Any] = {}
            if rule.inside_shift:
                effect["inside_shift"] = rule.inside_shift
                self._shifts.append((len(self.rules), rule.inside_shift))
            if rule.hybrid:
                effect["hybrid"] = True
                self._hybrids.append(len(self.rules))
            if rule.not_applicable:
                effect["not_applicable"] = True
                self._not_applicable.append(len(self.rules))
            degrees.append(compiler.degrees(rule.when))
            self.rules.append(CompiledRule(rule.id, "sales_mix", tuple(compiler.order(rule.when)), effect, rule.source,
                                           rule.anchors))
        tech = rule_base.technologies
        self.kinds = [kind.id for kind in tech.kinds]
        self._kind_degrees = [compiler.degrees(kind.when) for kind in tech.kinds]
        kind_leaves = {kind.id: compiler.order(kind.when) for kind in tech.kinds}
        self.technologies = list(tech.technologies)
        self.first_technology = len(self.rules)
        for item in tech.technologies:
            kinds = None if item.kinds is None else tuple(
                self._kind_degrees[self.kinds.index(k)] for k in item.kinds if k in self.kinds)
            degrees.append(_technology_degrees(kinds, compiler.degrees(item.when) if item.when is not None else _always))
            order = [i for k in (item.kinds or []) for i in kind_leaves.get(k, [])]
            order += compiler.order(item.when) if item.when is not None else []
            self.rules.append(CompiledRule("tech." + item.id, "technologies", tuple(order), {"group": item.group},
                                           item.source))
        self._rule_degrees = degrees
        self._rule_codes = [_code_of(d) for d in degrees]
        self._kind_codes = [_code_of(d) for d in self._kind_degrees]
        # kinds keep outcome tables per key as rules do: working a kind out from every leaf each time
        # cost more than the rest of its evaluation
        self._kind_keys = [_key_of(tuple(kind_leaves[kind.id])) for kind in tech.kinds]
        self._kind_tables: list[dict[Any, int]] = [{} for _ in tech.kinds]
        self._shift_rules = [index for index, _ in self._shifts]
        self._keys = [_key_of(rule.leaves) for rule in self.rules]
        self._model_keys = self._keys[:len(model.rules)]  # department-model rules come first
        self._tables: list[dict[Any, int]] = [{} for _ in self.rules]
        self.leaves = compiler.leaves
        # The fast path compares plain leaves inline; graded and ratio leaves (a few) are worked out after.
        self._leaf_specs = [(leaf.field, _COMPARE[leaf.operator], leaf.threshold) if leaf.plain else ("", _never, None)
                            for leaf in self.leaves]
        self._special_leaves = [(index, leaf) for index, leaf in enumerate(self.leaves) if not leaf.plain]
        model_leaves = {i for rule in self.rules[:len(model.rules)] for i in rule.leaves}
        if model.starting_point is not None:
            model_leaves |= set(compiler.order(model.starting_point.when))
        self._model_leaf_specs = [spec if i in model_leaves else ("", _never, None)
                                  for i, spec in enumerate(self._leaf_specs)]
        self._specials = [
            (index, leaf.field, leaf.per, leaf.per_min or 0.0, schema.RAMPS.index(leaf.operator) + 1 if leaf.graded else 0,
             *(leaf.threshold if leaf.graded else (leaf.threshold, None)), _COMPARE.get(leaf.operator, _never))
            for index, leaf in self._special_leaves
        ]
        self._model_specials = [spec for spec in self._specials if spec[0] in model_leaves]
        # rules that can hold a partly true leaf: only their degree intervals need working out
        graded = {index for index, leaf in self._special_leaves if leaf.graded}
        self._graded_kinds = any(graded.intersection(leaves) for leaves in kind_leaves.values())
        # per graded leaf, the rules it reaches: only those need their degree intervals worked out
        self._rules_of_leaf: dict[int, list[int]] = {leaf: [] for leaf in graded}
        for index, rule in enumerate(self.rules):
            for leaf in graded.intersection(rule.leaves):
                self._rules_of_leaf[leaf].append(index)
    def facts(self, profile: Profile) -> Facts:
        """The profile as the rules see it (deal size converted to USD): a copy, free to change."""
        return dict(self.compared(profile)[0])

    def compared(self, profile: Profile) -> tuple[Facts, Mapping[str, Note]]:
        """The values the rules compare, and notes on them (a currency conversion). Do not change them:
        without a conversion the facts are the profile's own."""
        facts: Facts = profile.__dict__
        currency = facts["currency"]
        rate = self.rates.get(currency)
        if rate is None:
            raise ProfileError(
                f"unknown currency '{currency}'; the rule base has rates for {', '.join(sorted(self.rates))}"
                + did_you_mean(currency, self.rates),
                key="currency",
            )
        deal = facts["average_deal_size"]
        if deal is None or currency == "USD":
            return facts, _NO_NOTES
        facts = facts.copy()
        # cents: a deal that converts to exactly a threshold must not miss it by float noise
        facts["average_deal_size"] = round(deal * rate, 2)
        return facts, {"average_deal_size": Note("trace.converted", amount=deal, **self._conversion[currency])}

    def _leaf_codes(self, facts: Facts, model_only: bool = False) -> tuple[list[int], dict[int, float]]:
        """A code per leaf, and the degree of each partly true one; with `model_only`, the leaves of the
        department-model decision only (the rest left unknown): what searches need, at half the work."""
        get = facts.get
        specs, specials = (self._model_leaf_specs, self._model_specials) if model_only else (
            self._leaf_specs, self._specials)
        codes = [UNKNOWN if (v := get(f)) is None else 2 * compare(v, t) for f, compare, t in specs]
        partial: dict[int, float] = {}
        compare_specials(get, specials, codes, partial)
        return codes, partial

    def _kinds_of(self, codes: list[int]) -> list[int]:
        return [table[key] if (key := keyof(codes)) in table else table.setdefault(key, code(codes))
                for table, keyof, code in zip(self._kind_tables, self._kind_keys, self._kind_codes)]

    def _rule_codes_of(self, codes: list[int]) -> tuple[list[Any], list[int]]:
        keys = [key(codes) for key in self._keys]
        try:
            rules = list(map(dict.__getitem__, self._tables, keys))
        except KeyError:  # a combination of codes not seen before: work it out once
            rules = [table[key] if key in table else table.setdefault(key, code(codes))
                     for table, key, code in zip(self._tables, keys, self._rule_codes)]
        return keys, rules

    def _intervals(self, codes: list[int], partial: dict[int, float]) -> list[Interval]:
        intervals = [_INTERVALS[c] for c in codes]
        for index, degree in partial.items():
            intervals[index] = (degree, degree)
        return intervals

    def _exact_degrees(self, codes: list[int], partial: dict[int, float],
                       intervals: list[Interval] | None = None) -> dict[int, Interval]:
        """The degree intervals of the rules a partly true leaf reaches (the others follow from their codes)."""
        if not partial:
            return {}
        if intervals is None:
            intervals = self._intervals(codes, partial)
        reached = {index for leaf in partial for index in self._rules_of_leaf[leaf]}
        return {index: self._rule_degrees[index](intervals) for index in reached}

    def _started(self, codes: list[int], partial: dict[int, float]) -> bool:
        """Whether the starting point holds."""
        return self._start is not None and self._start_outcome(codes, partial) == YES

    def _may_start(self, codes: list[int], partial: dict[int, float]) -> bool:
        """Whether the starting point holds for some values of the unknown fields (it is not surely false)."""
        return self._start is not None and self._start_outcome(codes, partial) != NO

    def _start_outcome(self, codes: list[int], partial: dict[int, float]) -> int:
        """YES, NO or UNKNOWN for the starting point (a table per key of its leaves' codes, as for rules)."""
        key = self._start_key(codes)  # type: ignore[misc]
        code = self._start_table.get(key)
        if code is None:
            code = self._start_table[key] = _code_of(self._start)(codes)  # type: ignore[arg-type]
        if code == PARTIAL or (code == UNKNOWN and partial):
            return _crisp(self._start(self._intervals(codes, partial)))  # type: ignore[misc]
        return code

    def _ranked(self, scores: dict[str, float]) -> list[str]:
        # the sort is stable, so equal scores keep the tie-break order and the simpler model wins a tie
        return sorted(self.tie_break, key=scores.__getitem__, reverse=True)

    def _score(self, rules: list[int], degrees: dict[int, Interval], ranges: bool = True
               ) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
        """Each model's points from the known answers, and (with `ranges`) the lowest and highest the
        unknown ones allow."""
        scores = dict.fromkeys(self.tie_break, 0.0)
        low = dict.fromkeys(self.tie_break, 0.0)
        high = dict.fromkeys(self.tie_break, 0.0)
        for index, points in self._points:
            code = rules[index]
            if code == NO:
                continue
            if code == YES and index not in degrees:
                for outcome, value in points:
                    scores[outcome] += value
                    low[outcome] += value
                    high[outcome] += value
                continue
            lowest, highest = degrees.get(index) or _INTERVALS[code]
            for outcome, value in points:
                a, b = value * lowest, value * highest
                scores[outcome] += a
                if a <= b:
                    low[outcome] += a
                    high[outcome] += b
                else:
                    low[outcome] += b
                    high[outcome] += a
        # rounded, so that float noise in graded points never decides a tie (+ 0.0: never a -0 shown);
        # the ranges are compared with a tolerance instead (confidence_of) and rounded where shown
        scores = {m: round(v, 6) + 0.0 for m, v in scores.items()}
        return scores, low, high

    def department_model_of(self, profile: Profile) -> tuple[str, dict[str, float]]:
        """Only the department-model decision, without traces: the fast path for searches."""
        now, _, scores = self.decide(self.compared(profile)[0])
        return now, scores

    def decide(self, facts: Facts) -> tuple[str, str, dict[str, float]]:
        """From facts as `compared` makes them: the model to build now, the one the evidence points to
        (the same unless the starting point decides), and the scores."""
        codes, partial = self._leaf_codes(facts, model_only=True)
        rules = [table[key] if key in table else table.setdefault(key, code(codes))
                 for table, key, code in zip(self._tables, [key(codes) for key in self._model_keys], self._rule_codes)]
        scores = self._score(rules, self._exact_degrees(codes, partial), ranges=False)[0]
        evidence = self._ranked(scores)[0]
        if self._started(codes, partial):
            return self.starting_point.model, evidence, scores  # type: ignore[union-attr]
        return evidence, evidence, scores

    def could_win(self, facts: Facts, target: str) -> bool:
        """Whether some values of the fields unknown in `facts` could make `target` the model to build now:
        a bound from the score intervals (never a false no), for pruning searches."""
        codes, partial = self._leaf_codes(facts, model_only=True)
        rules = [table[key] if key in table else table.setdefault(key, code(codes))
                 for table, key, code in zip(self._tables, [key(codes) for key in self._model_keys], self._rule_codes)]
        scores, low, high = self._score(rules, self._exact_degrees(codes, partial))
        if self._start is not None and target == self.starting_point.model and self._may_start(codes, partial):  # type: ignore[union-attr]
            return True  # some values of the unknowns make the starting point hold, and it decides whatever the scores
        if self._start is not None and target != self.starting_point.model and self._started(codes, partial):  # type: ignore[union-attr]
            return False  # the starting point holds whatever the unknowns are
        return all(high[target] >= low[m] - 1e-6 for m in scores if m != target)

    def evaluate(self, profile: Profile) -> Evaluation:
        """Every rule's outcome and the three decisions, as flat data."""
        facts, notes = self.compared(profile)
        codes, partial = self._leaf_codes(facts)
        keys, rules = self._rule_codes_of(codes)
        if partial:
            intervals = self._intervals(codes, partial)
            degrees = self._exact_degrees(codes, partial, intervals)
            kinds = ([_crisp(kind(intervals)) for kind in self._kind_degrees] if self._graded_kinds
                     else self._kinds_of(codes))
            for index in [i for i in degrees if i >= self.first_technology]:  # a checklist item applies or not
                rules[index] = _crisp(degrees.pop(index))
        else:
            degrees = {}
            kinds = self._kinds_of(codes)

        scores, low, high = self._score(rules, degrees)
        ranked = self._ranked(scores)
        winner, runner_up = ranked[0], ranked[1]
        confidence = confidence_of(scores, low, high, winner, runner_up, self.near_tie)
        next_model = next_confidence = None
        started = self._started(codes, partial)
        if started:
            # no department yet: build the starting model now, whatever the evidence; the evidence
            # names the model to grow into when it points elsewhere
            if self.starting_point.model != winner:
                next_model, next_confidence = winner, confidence
                winner, runner_up = self.starting_point.model, next_model
            confidence = "firm"
        reasons = []
        for index, points in self._points:
            if rules[index] != NO:
                lowest = (degrees.get(index) or _INTERVALS[rules[index]])[0]
                for outcome, value in points:
                    if outcome == winner and value > 0 and lowest > 0:
                        reasons.append((index, value * lowest))
        reasons.sort(key=_by_points)

        inside = self.base_inside
        shifts = []
        for index, shift in self._shifts:
            if rules[index] != NO:
                moved = shift * (degrees.get(index) or _INTERVALS[rules[index]])[0]
                if moved:
                    inside += moved
                    shifts.append((index, moved))
        shifts.sort(key=_by_size)
        low_share, high_share = self.inside_range
        return Evaluation(
            profile=profile,
            facts=facts,
            notes=notes,
            leaves=codes,
            keys=keys,
            rules=rules,
            kinds=kinds,
            scores=scores,
            score_low=low,
            score_high=high,
            department_model=winner,
            runner_up=runner_up,
            margin=round(scores[winner] - scores[runner_up], 4),
            confidence=confidence,
            model_reasons=[index for index, _ in reasons],
            inside_share=round(min(high_share, max(low_share, inside)), 2),
            unclamped_inside_share=round(inside, 2),
            mix_reasons=[index for index, _ in shifts],
            hybrid_reasons=[index for index in self._hybrids
                            if _crisp(degrees.get(index) or _INTERVALS[rules[index]]) == YES],
            partial_leaves=partial,
            degrees=degrees,
            started=started,
            next_model=next_model,
            next_confidence=next_confidence,
        )

    def rule_degrees(self, index: int) -> Degrees:
        """Rule `index`'s condition as a function of every leaf's degree interval to its own."""
        return self._rule_degrees[index]

    def outcome(self, index: int, key: Any) -> int:
        """The code of rule `index` for a key an evaluation has already met."""
        return self._tables[index][key]

    def mix_not_applicable(self, evaluation: Evaluation) -> list[int]:
        """Fired sales-mix rules saying the inside/outside split does not apply: indices into `rules`."""
        return [index for index in self._not_applicable
                if _crisp(evaluation.degrees.get(index) or _INTERVALS[evaluation.rules[index]]) == YES]

    def model_notes_for(self, *models: str) -> dict[str, schema.ModelNotes]:
        """Pros, cons and risks (models.yaml) of the given models, in that order; none without the file."""
        notes = self.rule_base.models
        return {} if notes is None else {model: notes.models[model] for model in models if model in notes.models}

    def technologies_with(self, evaluation: Evaluation, status: str) -> list[str]:
        """Ids of the checklist items with a TechnologyItem status: applies, possible or not_applicable."""
        code = TECHNOLOGY_CODES[status]
        return [item.id for item, outcome in zip(self.technologies, evaluation.rules[self.first_technology:])
                if outcome == code]

    def sales_kinds(self, evaluation: Evaluation) -> list[str]:
        return [kind for kind, code in zip(self.kinds, evaluation.kinds) if code == YES]

    def rule_trace(self, ev: Evaluation, index: int) -> RuleTrace:
        """How rule `index` came out, with every leaf's actual value."""
        rule = self.rules[index]
        return RuleTrace(rule.id, rule.decision, STATUSES[ev.rules[index]],
                         tuple(self._leaf_trace(ev, i) for i in rule.leaves), rule.effect, rule.source, ev.degree(index),
                         rule.anchors)

    def _leaf_trace(self, ev: Evaluation, index: int) -> LeafTrace:
        leaf = self.leaves[index]
        code = ev.leaves[index]
        result = ev.partial_leaves[index] if code == PARTIAL else RESULTS[code]
        return LeafTrace(leaf.field, leaf.operator, leaf.threshold, leaf.value(ev.facts), result,
                         ev.notes.get(leaf.field, "") if leaf.per is None else "", leaf.per)

    def recommend(self, profile: Profile) -> Recommendation:
        return self.recommendation(self.evaluate(profile))

    def model_decision(self, ev: Evaluation, reasons: list[RuleTrace]) -> ModelDecision:
        """The department-model decision of an evaluation, with `reasons` as its traced reasons."""
        return ModelDecision(
            id=ev.department_model,
            scores={m: round(s, 4) for m, s in ev.scores.items()},
            reasons=reasons,
            decided_by=ev.decided_by,
            runner_up=ev.runner_up,
            margin=ev.margin,
            confidence=ev.confidence,
            score_low={m: round(s, 4) + 0.0 for m, s in ev.score_low.items()},
            score_high={m: round(s, 4) + 0.0 for m, s in ev.score_high.items()},
            near_tie=self.near_tie,
            started=ev.started,
            start_source=self.starting_point.source if ev.started else None,
            next=None if ev.next_model is None else NextModel(
                ev.next_model, ev.next_confidence or "open", self.grow_into.get(ev.next_model)),
        )

    def recommendation(self, ev: Evaluation) -> Recommendation:
        """The full object tree of an evaluation: traces with every leaf's actual value."""

        trace = [self.rule_trace(ev, index) for index in range(len(self.rules))]
        model = self.model_decision(ev, [trace[i] for i in ev.model_reasons])
        mix = MixDecision(
            ev.inside_share, ev.outside_share, ev.hybrid, self.base_inside, ev.unclamped_inside_share,
            [trace[i] for i in ev.mix_reasons], [trace[i] for i in ev.hybrid_reasons],
            [trace[i] for i in self.mix_not_applicable(ev)],
        )
        # the title's fields as title.model_dump() gives them, without Localized's serializer (a cached rule base
        # has none), nor pydantic's iteration, which on a cached rule base looks its extras up through __getattr__
        # (~15 µs a title); Localized allows no extras
        items = [
            TechnologyItem(item.id, item.group, dict(vars(item.title)), TECHNOLOGY_STATUSES[ev.rules[i]], trace[i])
            for i, item in enumerate(self.technologies, start=self.first_technology)
        ]
        meta = self.rule_base.meta
        return Recommendation(
            profile=ev.profile,
            department_model=model,
            sales_mix=mix,
            sales_kinds=self.sales_kinds(ev),
            technologies=items,
            unknown_fields=unknown_fields(ev.profile),
            trace=trace,
            facts=dict(ev.facts),
            rule_base_name=meta.name,
            rule_base_version=meta.version,
            rule_base_sha256=self.rule_base.sha256,
            model_notes=self.model_notes_for(model.id, model.runner_up),
        )


def compare_specials(get: Callable[[str], Any], specials: Sequence[tuple], codes: list[int],
                     partial: dict[int, float]) -> None:
    """The codes of graded and ratio leaves (`Engine._specials` entries) into `codes`, and the degree of
    each partly true one into `partial`; a leaf whose value is unknown keeps the code it has."""
    # graded and ratio leaves, inlined (CompiledLeaf.code is the readable form): per profile
    # this loop runs for every such leaf, and method calls would double its cost
    for index, field, per, per_min, kind, low, high, compare in specials:
        value = get(field)
        if value is None:
            continue  # stays UNKNOWN
        if per is not None:
            divisor = get(per)
            if divisor is None:
                continue
            if divisor < per_min:
                divisor = per_min
            value = value / divisor if divisor > 0 else (math.inf if value > 0 else 0.0)
        if kind:  # a ramp: the rising degree, mirrored for at_most
            degree = 0.0 if value <= low else 1.0 if value >= high else (value - low) / (high - low)
            if kind == 2:
                degree = 1.0 - degree
            if degree <= 0:
                codes[index] = NO
            elif degree >= 1:
                codes[index] = YES
            else:
                codes[index] = PARTIAL
                partial[index] = degree
        else:  # a crisp comparison of a ratio
            codes[index] = 2 * compare(value, low)


def load_engine(rules: Path | None = None) -> Engine:
    """The engine for a rule-base folder (the built-in rules when None), its loading cached between runs."""
    return Engine(load_rule_base(rules))  # each rule file's parse is cached (advisor.cache)


def load_checked_profile(item: str, engine: Engine) -> Any:
    """The one profile in `item` (a readers.Record), checked against the rule base's currencies, errors located."""
    from advisor.readers import read_one_profile

    record = read_one_profile(item)
    if record.error is not None:
        raise record.error
    try:
        engine.facts(record.profile)
    except ProfileError as exc:  # the rates live in the rule base, so only now is the currency known bad
        exc.file, exc.line = record.file, record.line_of(exc.key) or record.line
        raise
    return record
