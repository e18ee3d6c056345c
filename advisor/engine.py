"""The scoring engine: a compiled rule base turns a profile into a recommendation.

Pure functions, no I/O. Conditions are three-valued: a comparison with an unknown field
is *unknown*, `all` is false if any part is false, `any` is true if any part is true,
and a rule fires only when its condition is true. Every comparison is evaluated (no
short-circuit) so the trace can say what each rule saw.

The rule base is compiled once into flat arrays: each distinct comparison (leaf) is
evaluated once per profile into a small-int code (0 false, 1 unknown, 2 true), so `all`
is `min`, `any` is `max` and `not` is `2 - x` (Kleene's three-valued logic). A rule's
outcome depends only on the codes of its own leaves, so each rule keeps a table from
those codes (its *key*) to its outcome, filled on first sight: a rule with n leaves has
at most 3**n keys. `evaluate` returns the flat `Evaluation` (codes and keys), which batch
writers serialise directly; `recommend` builds the full object tree from it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from types import MappingProxyType
from typing import Any

from advisor.errors import ProfileError
from advisor.profile import Profile, unknown_fields
from advisor.recommendation import (
    LeafTrace,
    MixDecision,
    ModelDecision,
    Note,
    Recommendation,
    RuleTrace,
    TechnologyItem,
)
from advisor.rulebase import schema
from advisor.rulebase.loader import RuleBase, builtin_rules_dir, load_rule_base
from advisor.suggest import did_you_mean

Facts = dict[str, Any]
Codes = Sequence[int]
Code = Callable[[Codes], int]

NO, UNKNOWN, YES = 0, 1, 2
RESULTS: tuple[bool | None, ...] = (False, None, True)  # code -> LeafTrace.result
STATUSES = ("not_fired", "unknown", "fired")  # code -> RuleTrace.status
TECHNOLOGY_STATUSES = ("not_applicable", "possible", "applies")  # code -> TechnologyItem.status
TECHNOLOGY_CODES = {status: code for code, status in enumerate(TECHNOLOGY_STATUSES)}

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


@dataclass(frozen=True, slots=True)
class CompiledLeaf:
    """One distinct comparison of the rule base."""

    field: str
    operator: str
    threshold: Any


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule (or checklist item) as the indices of its leaves, in the order its trace lists them."""

    id: str  # as the trace names it: tech.<id> for checklist items
    decision: str  # department_model, sales_mix, technologies
    leaves: tuple[int, ...]
    effect: dict[str, Any]
    source: schema.Source


class _Compiler:
    """Assigns each distinct leaf an index and turns conditions into functions of the leaf codes."""

    def __init__(self) -> None:
        self.leaves: list[CompiledLeaf] = []
        self._index: dict[tuple[str, str, str], int] = {}

    def leaf(self, leaf: schema.Leaf) -> int:
        key = (leaf.field, leaf.operator, repr(leaf.threshold))
        if key not in self._index:
            self._index[key] = len(self.leaves)
            self.leaves.append(CompiledLeaf(leaf.field, leaf.operator, leaf.threshold))
        return self._index[key]

    def order(self, condition: Any) -> list[int]:
        """The condition's leaves depth-first: the order of its trace."""
        if isinstance(condition, schema.Leaf):
            return [self.leaf(condition)]
        if isinstance(condition, schema.Not):
            return self.order(condition.not_)
        parts = condition.all if isinstance(condition, schema.All) else condition.any
        return [index for part in parts for index in self.order(part)]

    def code(self, condition: Any) -> Code:
        if isinstance(condition, schema.Leaf):
            return operator.itemgetter(self.leaf(condition))
        if isinstance(condition, schema.Not):
            inner = self.code(condition.not_)
            return lambda codes: 2 - inner(codes)
        parts = condition.all if isinstance(condition, schema.All) else condition.any
        combine = min if isinstance(condition, schema.All) else max
        if len(parts) == 1:
            return self.code(parts[0])
        if all(isinstance(part, schema.Leaf) for part in parts):
            getter = operator.itemgetter(*(self.leaf(part) for part in parts))
            return lambda codes: combine(getter(codes))
        codes_of = [self.code(part) for part in parts]
        return lambda codes: combine([part(codes) for part in codes_of])


def compile_predicate(condition: Any) -> Callable[[Facts], bool | None]:
    """A condition as a plain three-valued function of facts, for one-off checks (e.g. which questions apply)."""
    compiler = _Compiler()
    code = compiler.code(condition)
    specs = [(leaf.field, _COMPARE[leaf.operator], leaf.threshold) for leaf in compiler.leaves]

    def predicate(facts: Facts) -> bool | None:
        return RESULTS[code([UNKNOWN if (v := facts.get(f)) is None else 2 * compare(v, t) for f, compare, t in specs])]

    return predicate


def _by_points(pair: tuple[int, float]) -> float:
    return -pair[1]


def _by_size(pair: tuple[int, float]) -> float:
    return -abs(pair[1])


def _always(codes: Codes) -> int:
    return YES


def _no_leaves(codes: Codes) -> tuple[()]:
    return ()


def _key_of(leaves: tuple[int, ...]) -> Callable[[Codes], Any]:
    """The codes of a rule's leaves, in trace order: the key of its outcome table."""
    return operator.itemgetter(*leaves) if leaves else _no_leaves


def _technology_code(kinds: tuple[Code, ...] | None, own: Code) -> Code:
    """Applies when one of its kinds applies (an undefined kind does not) and its own condition holds."""
    if kinds is None:
        return own
    return lambda codes: min(own(codes), max([kind(codes) for kind in kinds], default=NO))


@dataclass(slots=True)
class Evaluation:
    """One profile through the compiled rules, as flat arrays and plain decisions."""

    profile: Profile
    facts: Facts
    notes: Mapping[str, Note]
    leaves: list[int]  # a code per CompiledLeaf
    keys: list[Any]  # per Engine.rules entry: the codes of its leaves (an int for a one-leaf rule)
    rules: list[int]  # a code per Engine.rules entry (department model, sales mix, checklist, in trace order)
    kinds: list[int]  # a code per sales kind
    scores: dict[str, float]  # unrounded points per department model
    department_model: str
    runner_up: str
    margin: float
    model_reasons: list[int]  # indices into Engine.rules: fired, giving the winner points, most first
    inside_share: float
    unclamped_inside_share: float
    mix_reasons: list[int]  # fired shifts, largest first
    hybrid_reasons: list[int]

    @property
    def hybrid(self) -> bool:
        return bool(self.hybrid_reasons)

    @property
    def outside_share(self) -> float:
        return round(1.0 - self.inside_share, 2)

    @property
    def decided_by(self) -> str:
        """"points", or "tie_break" when the winner's lead is zero."""
        return "tie_break" if self.margin == 0 else "points"


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
        self.rules: list[CompiledRule] = []
        codes: list[Code] = []
        self._points: list[tuple[int, tuple[tuple[str, float], ...]]] = []
        for rule in model.rules:
            self._points.append((len(self.rules), tuple(rule.points.items())))
            codes.append(compiler.code(rule.when))
            self.rules.append(CompiledRule(rule.id, "department_model", tuple(compiler.order(rule.when)),
                                           {"points": dict(rule.points)}, rule.source))
        mix = rule_base.sales_mix
        self.base_inside = mix.base_inside_share
        self.inside_range = mix.inside_share_range
        self._shifts: list[tuple[int, float]] = []
        self._hybrids: list[int] = []
        for rule in mix.rules:
            effect: dict[str, Any] = {}
            if rule.inside_shift:
                effect["inside_shift"] = rule.inside_shift
                self._shifts.append((len(self.rules), rule.inside_shift))
            if rule.hybrid:
                effect["hybrid"] = True
                self._hybrids.append(len(self.rules))
            codes.append(compiler.code(rule.when))
            self.rules.append(CompiledRule(rule.id, "sales_mix", tuple(compiler.order(rule.when)), effect, rule.source))
        tech = rule_base.technologies
        self.kinds = [kind.id for kind in tech.kinds]
        self._kind_codes = [compiler.code(kind.when) for kind in tech.kinds]
        kind_leaves = {kind.id: compiler.order(kind.when) for kind in tech.kinds}
        self.technologies = list(tech.technologies)
        self.first_technology = len(self.rules)
        for item in tech.technologies:
            kinds = None if item.kinds is None else tuple(
                self._kind_codes[self.kinds.index(k)] for k in item.kinds if k in self.kinds)
            codes.append(_technology_code(kinds, compiler.code(item.when) if item.when is not None else _always))
            order = [i for k in (item.kinds or []) for i in kind_leaves.get(k, [])]
            order += compiler.order(item.when) if item.when is not None else []
            self.rules.append(CompiledRule("tech." + item.id, "technologies", tuple(order), {"group": item.group},
                                           item.source))
        self._rule_codes = codes
        self._shift_rules = [index for index, _ in self._shifts]
        self._keys = [_key_of(rule.leaves) for rule in self.rules]
        self._tables: list[dict[Any, int]] = [{} for _ in self.rules]
        self.leaves = compiler.leaves
        self._leaf_specs = [(leaf.field, _COMPARE[leaf.operator], leaf.threshold) for leaf in self.leaves]

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

    def _leaf_codes(self, facts: Facts) -> list[int]:
        get = facts.get
        return [UNKNOWN if (v := get(f)) is None else 2 * compare(v, t) for f, compare, t in self._leaf_specs]

    def _ranked(self, scores: dict[str, float]) -> list[str]:
        # the sort is stable, so equal scores keep the tie-break order and the simpler model wins a tie
        return sorted(self.tie_break, key=scores.__getitem__, reverse=True)

    def department_model_of(self, profile: Profile) -> tuple[str, dict[str, float]]:
        """Only the department-model decision, without traces: the fast path for searches."""
        codes = self._leaf_codes(self.compared(profile)[0])
        scores = dict.fromkeys(self.tie_break, 0.0)
        for index, points in self._points:
            if self._rule_codes[index](codes) == YES:
                for outcome, value in points:
                    scores[outcome] += value
        return self._ranked(scores)[0], scores

    def evaluate(self, profile: Profile) -> Evaluation:
        """Every rule's outcome and the three decisions, as flat data."""
        facts, notes = self.compared(profile)
        codes = self._leaf_codes(facts)
        keys = [key(codes) for key in self._keys]
        try:
            rules = list(map(dict.__getitem__, self._tables, keys))
        except KeyError:  # a combination of codes not seen before: work it out once
            rules = [table[key] if key in table else table.setdefault(key, code(codes))
                     for table, key, code in zip(self._tables, keys, self._rule_codes)]
        kinds = [code(codes) for code in self._kind_codes]

        fired = YES.__eq__
        scores = dict.fromkeys(self.tie_break, 0.0)
        model_fired = list(compress(self._points, map(fired, rules)))  # department-model rules come first
        for _, points in model_fired:
            for outcome, value in points:
                scores[outcome] += value
        ranked = self._ranked(scores)
        winner = ranked[0]
        reasons = [(index, p) for index, points in model_fired for outcome, p in points if outcome == winner and p > 0]
        reasons.sort(key=_by_points)

        inside = self.base_inside
        shifts = list(compress(self._shifts, map(fired, map(rules.__getitem__, self._shift_rules))))
        for _, shift in shifts:
            inside += shift
        shifts.sort(key=_by_size)
        low, high = self.inside_range
        return Evaluation(
            profile=profile,
            facts=facts,
            notes=notes,
            leaves=codes,
            keys=keys,
            rules=rules,
            kinds=kinds,
            scores=scores,
            department_model=winner,
            runner_up=ranked[1],
            margin=round(scores[winner] - scores[ranked[1]], 4),
            model_reasons=[index for index, _ in reasons],
            inside_share=round(min(high, max(low, inside)), 2),
            unclamped_inside_share=round(inside, 2),
            mix_reasons=[index for index, _ in shifts],
            hybrid_reasons=[index for index in self._hybrids if rules[index] == YES],
        )

    def outcome(self, index: int, key: Any) -> int:
        """The code of rule `index` for a key an evaluation has already met."""
        return self._tables[index][key]

    def technologies_with(self, evaluation: Evaluation, status: str) -> list[str]:
        """Ids of the checklist items with a TechnologyItem status: applies, possible or not_applicable."""
        code = TECHNOLOGY_CODES[status]
        return [item.id for item, outcome in zip(self.technologies, evaluation.rules[self.first_technology:])
                if outcome == code]

    def sales_kinds(self, evaluation: Evaluation) -> list[str]:
        return [kind for kind, code in zip(self.kinds, evaluation.kinds) if code == YES]

    def recommend(self, profile: Profile) -> Recommendation:
        return self.recommendation(self.evaluate(profile))

    def recommendation(self, ev: Evaluation) -> Recommendation:
        """The full object tree of an evaluation: traces with every leaf's actual value."""
        facts, notes, codes = ev.facts, ev.notes, ev.leaves
        leaves = self.leaves

        def leaf_trace(index: int) -> LeafTrace:
            leaf = leaves[index]
            return LeafTrace(leaf.field, leaf.operator, leaf.threshold, facts.get(leaf.field), RESULTS[codes[index]],
                             notes.get(leaf.field, ""))

        trace = [RuleTrace(rule.id, rule.decision, STATUSES[code], tuple(leaf_trace(i) for i in rule.leaves),
                           rule.effect, rule.source) for rule, code in zip(self.rules, ev.rules)]
        model = ModelDecision(
            id=ev.department_model,
            scores={m: round(s, 4) for m, s in ev.scores.items()},
            reasons=[trace[i] for i in ev.model_reasons],
            decided_by=ev.decided_by,
            runner_up=ev.runner_up,
            margin=ev.margin,
        )
        mix = MixDecision(
            ev.inside_share, ev.outside_share, ev.hybrid, self.base_inside, ev.unclamped_inside_share,
            [trace[i] for i in ev.mix_reasons], [trace[i] for i in ev.hybrid_reasons],
        )
        items = [
            TechnologyItem(item.id, item.group, item.title.model_dump(), TECHNOLOGY_STATUSES[ev.rules[i]], trace[i])
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
        )


def load_engine(rules: Path | None = None) -> Engine:
    """The engine for a rule-base folder (the built-in rules when None), its loading cached between runs."""
    import os

    from advisor.cache import cached

    # a folder given as a relative path reads other files from another working directory
    key = f"builtin\0{builtin_rules_dir()}" if rules is None else f"{os.getcwd()}\0{rules}"
    return Engine(cached("rulebase", key, lambda: load_rule_base(rules)))


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
