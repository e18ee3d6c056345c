"""The scoring engine: a compiled rule base turns a profile into a recommendation.

Pure functions, no I/O. Conditions are three-valued: a comparison with an unknown field
is *unknown*, `all` is false if any part is false, `any` is true if any part is true,
and a rule fires only when its condition is true. Every leaf is evaluated (no
short-circuit) so the trace can say what each rule saw.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor.errors import ProfileError
from advisor.profile import Profile, unknown_fields
from advisor.recommendation import (
    LeafTrace,
    MixDecision,
    Note,
    ModelDecision,
    Recommendation,
    RuleTrace,
    TechnologyItem,
    format_value,
)
from advisor.rulebase import schema
from advisor.rulebase.loader import RuleBase, load_rule_base
from advisor.suggest import did_you_mean

Facts = dict[str, Any]
Evaluator = Callable[[Facts, list[LeafTrace]], bool | None]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda actual, t: actual == t,
    "in": lambda actual, t: actual in t,
    "lt": lambda actual, t: actual < t,
    "lte": lambda actual, t: actual <= t,
    "gt": lambda actual, t: actual > t,
    "gte": lambda actual, t: actual >= t,
    "between": lambda actual, t: t[0] <= actual <= t[1],
}
_NOTES_KEY = "_notes"


def compile_condition(condition: Any) -> Evaluator:
    """A condition tree as a function of the facts that appends one LeafTrace per leaf."""
    if isinstance(condition, schema.Leaf):
        field, op = condition.field, condition.operator
        threshold = condition.threshold
        compare = _COMPARE[op]

        def leaf(facts: Facts, out: list[LeafTrace]) -> bool | None:
            actual = facts.get(field)
            result = None if actual is None else compare(actual, threshold)
            out.append(LeafTrace(field, op, threshold, actual, result, facts[_NOTES_KEY].get(field, "")))
            return result

        return leaf
    if isinstance(condition, schema.All):
        parts = [compile_condition(c) for c in condition.all]

        def all_of(facts: Facts, out: list[LeafTrace]) -> bool | None:
            results = [part(facts, out) for part in parts]
            if False in results:
                return False
            return None if None in results else True

        return all_of
    if isinstance(condition, schema.AnyOf):
        parts = [compile_condition(c) for c in condition.any]

        def any_of(facts: Facts, out: list[LeafTrace]) -> bool | None:
            results = [part(facts, out) for part in parts]
            if True in results:
                return True
            return None if None in results else False

        return any_of
    if isinstance(condition, schema.Not):
        inner = compile_condition(condition.not_)

        def negate(facts: Facts, out: list[LeafTrace]) -> bool | None:
            result = inner(facts, out)
            return None if result is None else not result

        return negate
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover - the schema admits no other


Predicate = Callable[[Facts], bool | None]


def compile_predicate(condition: Any) -> Predicate:
    """A condition as a plain three-valued function, without traces: for searches that score often."""
    if isinstance(condition, schema.Leaf):
        field, threshold, compare = condition.field, condition.threshold, _COMPARE[condition.operator]

        def leaf(facts: Facts) -> bool | None:
            actual = facts.get(field)
            return None if actual is None else compare(actual, threshold)

        return leaf
    if isinstance(condition, (schema.All, schema.AnyOf)):
        parts = [compile_predicate(c) for c in (condition.all if isinstance(condition, schema.All) else condition.any)]
        decisive, other = (False, True) if isinstance(condition, schema.All) else (True, False)

        def combine(facts: Facts) -> bool | None:
            results = [part(facts) for part in parts]
            if decisive in results:
                return decisive
            return None if None in results else other

        return combine
    inner = compile_predicate(condition.not_)

    def negate(facts: Facts) -> bool | None:
        result = inner(facts)
        return None if result is None else not result

    return negate


def _always(facts: Facts, out: list[LeafTrace]) -> bool | None:
    return True


def _status(result: bool | None) -> str:
    return "unknown" if result is None else ("fired" if result else "not_fired")


class Engine:
    """A rule base compiled once; `recommend` is then cheap and side-effect free."""

    def __init__(self, rule_base: RuleBase) -> None:
        self.rule_base = rule_base
        self.rates = rule_base.meta.currency.usd_per_unit
        model = rule_base.department_model
        self.tie_break = list(model.tie_break)
        self.model_rules = [(r, compile_condition(r.when), {"points": dict(r.points)}) for r in model.rules]
        self.model_predicates = [(compile_predicate(r.when), tuple(r.points.items())) for r in model.rules]
        mix = rule_base.sales_mix
        self.base_inside = mix.base_inside_share
        self.inside_range = mix.inside_share_range
        self.mix_rules = []
        for rule in mix.rules:
            effect: dict[str, Any] = {}
            if rule.inside_shift:
                effect["inside_shift"] = rule.inside_shift
            if rule.hybrid:
                effect["hybrid"] = True
            self.mix_rules.append((rule, compile_condition(rule.when), effect))
        tech = rule_base.technologies
        self.kinds = [(k, compile_condition(k.when)) for k in tech.kinds]
        self.technologies = [
            (t, compile_condition(t.when) if t.when else _always, {"group": t.group}, t.title.model_dump())
            for t in tech.technologies
        ]

    def facts(self, profile: Profile) -> Facts:
        """The profile as the rules see it: deal size converted to USD."""
        facts: Facts = profile.__dict__.copy()
        notes: dict[str, Note] = {}
        deal = facts.get("average_deal_size")
        currency = profile.currency
        if currency not in self.rates:
            raise ProfileError(
                f"unknown currency '{currency}'; the rule base has rates for {', '.join(sorted(self.rates))}"
                + did_you_mean(currency, self.rates),
                key="currency",
            )
        if deal is not None and currency != "USD":
            # cents: a deal that converts to exactly a threshold must not miss it by float noise
            facts["average_deal_size"] = round(deal * self.rates[currency], 2)
            notes["average_deal_size"] = Note(
                "trace.converted",
                amount=format_value(deal),
                currency=currency,
                rate=f"{self.rates[currency]:g}",
                as_of=self.rule_base.meta.currency.as_of.isoformat(),
            )
        facts[_NOTES_KEY] = notes
        return facts

    def department_model_of(self, profile: Profile) -> tuple[str, dict[str, float]]:
        """Only the department-model decision, without traces: the fast path for searches."""
        facts = self.facts(profile)
        scores = dict.fromkeys(self.tie_break, 0.0)
        for predicate, points in self.model_predicates:
            if predicate(facts):
                for outcome, value in points:
                    scores[outcome] += value
        winner = min(self.tie_break, key=lambda m: (-scores[m], self.tie_break.index(m)))
        return winner, scores

    def recommend(self, profile: Profile) -> Recommendation:
        facts = self.facts(profile)
        trace: list[RuleTrace] = []

        scores = {outcome: 0.0 for outcome in self.tie_break}
        model_traces: list[RuleTrace] = []
        for rule, evaluate, effect in self.model_rules:
            leaves: list[LeafTrace] = []
            status = _status(evaluate(facts, leaves))
            entry = RuleTrace(rule.id, "department_model", status, tuple(leaves), effect, rule.source)
            trace.append(entry)
            if status == "fired":
                model_traces.append(entry)
                for outcome, points in rule.points.items():
                    scores[outcome] += points
        department_model = self._decide_model(scores, model_traces)

        inside = self.base_inside
        shifts: list[RuleTrace] = []
        hybrids: list[RuleTrace] = []
        for rule, evaluate, effect in self.mix_rules:
            leaves = []
            status = _status(evaluate(facts, leaves))
            entry = RuleTrace(rule.id, "sales_mix", status, tuple(leaves), effect, rule.source)
            trace.append(entry)
            if status == "fired":
                if "inside_shift" in effect:
                    inside += effect["inside_shift"]
                    shifts.append(entry)
                if effect.get("hybrid"):
                    hybrids.append(entry)
        low, high = self.inside_range
        unclamped = round(inside, 2)
        inside = round(min(high, max(low, inside)), 2)
        shifts.sort(key=lambda t: -abs(t.effect["inside_shift"]))
        sales_mix = MixDecision(
            inside, round(1.0 - inside, 2), bool(hybrids), self.base_inside, unclamped, shifts, hybrids
        )

        kind_results: dict[str, bool | None] = {}
        kind_leaves: dict[str, list[LeafTrace]] = {}
        for kind, evaluate in self.kinds:
            leaves = []
            kind_results[kind.id] = evaluate(facts, leaves)
            kind_leaves[kind.id] = leaves
        sales_kinds = [k for k, result in kind_results.items() if result]

        items: list[TechnologyItem] = []
        for tech, evaluate, effect, title in self.technologies:
            leaves = []
            kinds_result: bool | None = True
            if tech.kinds is not None:
                results = [kind_results.get(k, False) for k in tech.kinds]
                kinds_result = True if True in results else (None if None in results else False)
                for k in tech.kinds:
                    leaves.extend(kind_leaves.get(k, []))
            when_result = evaluate(facts, leaves)
            if kinds_result is False or when_result is False:
                result: bool | None = False
            elif kinds_result is None or when_result is None:
                result = None
            else:
                result = True
            entry = RuleTrace("tech." + tech.id, "technologies", _status(result), tuple(leaves), effect, tech.source)
            trace.append(entry)
            status = {True: "applies", None: "possible", False: "not_applicable"}[result]
            items.append(TechnologyItem(tech.id, tech.group, title, status, entry))

        meta = self.rule_base.meta
        return Recommendation(
            profile=profile,
            department_model=department_model,
            sales_mix=sales_mix,
            sales_kinds=sales_kinds,
            technologies=items,
            unknown_fields=unknown_fields(profile),
            trace=trace,
            rule_base_name=meta.name,
            rule_base_version=meta.version,
            rule_base_sha256=self.rule_base.sha256,
        )

    def _decide_model(self, scores: dict[str, float], fired: list[RuleTrace]) -> ModelDecision:
        # equal scores keep the tie-break order, so the simpler model wins a tie
        ranked = sorted(self.tie_break, key=lambda m: (-scores[m], self.tie_break.index(m)))
        winner, runner_up = ranked[0], ranked[1]
        margin = round(scores[winner] - scores[runner_up], 4)
        reasons = [t for t in fired if t.effect["points"].get(winner, 0) > 0]
        reasons.sort(key=lambda t: -t.effect["points"][winner])
        return ModelDecision(
            id=winner,
            scores={m: round(s, 4) for m, s in scores.items()},
            reasons=reasons,
            decided_by="tie_break" if margin == 0 else "points",
            runner_up=runner_up,
            margin=margin,
        )


def load_engine(rules: Path | None = None) -> Engine:
    """The engine for a rule-base folder (the built-in rules when None)."""
    return Engine(load_rule_base(rules))


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
