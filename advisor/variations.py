"""One profile's department-model decision with an answer or two changed: the evaluator of
`explain`'s counterfactual search.

The search tries hundreds of variations of one profile (a field at each threshold and
anchor, pairs of fields, a field made unknown). A variation differs from the profile in one
or two fields, and what the rules make of a field is the codes of the few leaves that read
it (and the degrees of those partly true): its *state*. Many values give one state (every
value between two thresholds, outside a ramp), and a variation's decision follows from the
states of its changed fields alone, so each is worked out once per state. Only the leaves
that read a changed field are compared again (a ratio of the two changed fields with both
changes), only the department-model rules that hold them are looked up again, and the
scores are summed rule by rule in rule-base order, as `Engine._score` sums them, so they
agree with the full engine to the last bit: a property test holds `decide` and `could_win`
to `Engine.evaluate` of the changed profile.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Iterable, Mapping
from functools import reduce
from typing import Any

from advisor.engine import INTERVALS, NO, UNKNOWN, Engine, Facts, compare_specials
from advisor.rulebase import schema

# What the rules make of one field's value: ((leaf, code), ...), ((leaf, degree), ...) for the
# leaves that read it, the second for those partly true.
State = tuple[tuple[tuple[int, int], ...], tuple[tuple[int, float], ...]]


class _Plan:
    """What of an engine's compiled rule base the variations of any profile need: per field, the
    department-model leaves that read it and the rules that hold them. Worked out once per engine."""

    def __init__(self, engine: Engine) -> None:
        count = len(engine.rule_base.department_model.rules)  # department-model rules come first
        self.rules = range(count)
        self.models = list(engine.tie_break)
        self.column_of = {model: column for column, model in enumerate(self.models)}
        self.points = [points for _, points in engine._points]
        self.leaves = [engine.rules[i].leaves for i in self.rules]
        self.keys = engine._model_keys
        self.tables = engine._tables[:count]  # the engine's own tables: filled by whoever meets a key first
        self.codes = engine._rule_codes[:count]
        self.degrees = engine._rule_degrees[:count]
        self.leaf_count = len(engine.leaves)
        # per field, the leaves of the department-model rules and of the starting point that read it
        self.plain: dict[str, list[tuple[int, Any, Any]]] = {}
        self.specials: dict[str, list[tuple]] = {}
        for index, (field, compare, threshold) in enumerate(engine._model_leaf_specs):
            if field:
                self.plain.setdefault(field, []).append((index, compare, threshold))
        for spec in engine._model_specials:
            for field in {spec[1], spec[2]} - {None}:
                self.specials.setdefault(field, []).append(spec)
        self.fields = set(self.plain) | set(self.specials)
        self.special_leaves = {field: [spec[0] for spec in self.specials.get(field, ())] for field in self.fields}
        read = {field: {spec[0] for spec in self.plain.get(field, ())} | set(self.special_leaves[field])
                for field in self.fields}
        self.rules_of = {field: [i for i in self.rules if read[field].intersection(self.leaves[i])]
                         for field in self.fields}
        # per pair of fields, the ratio leaves that read both: compared again with both changed
        self.ratios: dict[frozenset[str], list[tuple]] = {}
        for spec in engine._model_specials:
            if spec[2] is not None and spec[1] != spec[2]:
                self.ratios.setdefault(frozenset((spec[1], spec[2])), []).append(spec)
        start = engine.starting_point
        self.start_fields = schema.fields_read(start.when) if start is not None else set()


_PLANS: weakref.WeakKeyDictionary[Engine, _Plan] = weakref.WeakKeyDictionary()


def plan_of(engine: Engine) -> _Plan:
    plan = _PLANS.get(engine)
    if plan is None:
        plan = _PLANS[engine] = _Plan(engine)
    return plan


class Variations:
    """The decisions of `facts` (as `Engine.compared` makes them) with one or two fields changed."""

    def __init__(self, engine: Engine, facts: Facts) -> None:
        self.engine = engine
        self.plan = plan_of(engine)
        self.facts = facts
        self.codes, self.partial = engine._leaf_codes(facts, model_only=True)
        self.intervals = engine._intervals(self.codes, self.partial)
        self.shares = [self._share(i, self.codes, self.partial, self.intervals) for i in self.plan.rules]
        self._states: dict[tuple[str, Any], State] = {}
        self._decisions: dict[tuple, tuple[str, str, dict[str, float]]] = {}
        self._ranges: dict[tuple, tuple[bool, dict[str, float], dict[str, float]]] = {}  # by signature
        self._reach: dict[tuple, tuple[bool, dict[str, float], dict[str, float]]] = {}  # by the changes themselves
        self._scratch = [UNKNOWN] * self.plan.leaf_count
        self._shared: dict[tuple[str, str], tuple[set[int], tuple[float, ...], tuple[float, ...]]] = {}
        self._singles: dict[State, tuple[dict[int, tuple], dict[int, tuple[float, ...]], bool | None, dict]] = {}
        self._together: dict[tuple[str, str], set[int]] = {}
        self._moves: dict[State, dict[int, tuple[float, ...]]] = {}
        self._base_vectors = [self._vector(share, 1) for share in self.shares]
        self._base_ranges: tuple[list, list] | None = None  # the lowest and highest points, when a bound asks
        self.started = engine._started(self.codes, self.partial)
        self.base_scores = tuple(sum(vector[m] for vector in self._base_vectors) for m in range(len(self.plan.models)))

    def state(self, name: str, value: Any) -> State:
        """What the rules make of `name` at `value` (worked out once per value)."""
        key = (name, value)
        state = self._states.get(key)
        if state is not None:
            return state
        plan = self.plan
        codes = [(index, UNKNOWN if value is None else 2 * compare(value, threshold))
                 for index, compare, threshold in plan.plain.get(name, ())]
        partial: dict[int, float] = {}
        specials = plan.specials.get(name)
        if specials:
            facts = self.facts.copy()
            facts[name] = value
            scratch = self._scratch
            for spec in specials:
                scratch[spec[0]] = UNKNOWN
            compare_specials(facts.get, specials, scratch, partial)
            codes += [(spec[0], scratch[spec[0]]) for spec in specials]
        state = self._states[key] = (tuple(codes), tuple(sorted(partial.items())))
        return state

    def _ratios(self, changes: Mapping[str, Any]) -> tuple[list[tuple], State] | None:
        """The ratio leaves that read both changed fields, and their state with both changes."""
        if len(changes) != 2:
            return None
        specs = self.plan.ratios.get(frozenset(changes))
        if not specs:
            return None
        facts = self.facts.copy()
        facts.update(changes)
        scratch = self._scratch
        partial: dict[int, float] = {}
        for spec in specs:
            scratch[spec[0]] = UNKNOWN
        compare_specials(facts.get, specs, scratch, partial)
        return specs, (tuple((spec[0], scratch[spec[0]]) for spec in specs), tuple(sorted(partial.items())))

    def signature(self, changes: Mapping[str, Any]) -> tuple:
        """What a variation's decision follows from: its changed fields' states (and a ratio of the two)."""
        if len(changes) == 1:  # the most frequent, and no ratio
            ((name, value),) = changes.items()
            return (self._states.get((name, value)) or self.state(name, value),)
        if len(changes) > 2:
            raise ValueError("one or two fields at a time")
        ratios = self._ratios(changes)
        states = tuple(self.state(name, value) for name, value in changes.items())
        return states if ratios is None else states + (ratios[1],)

    def _share(self, index: int, codes: list[int], partial: dict[int, float],
               intervals: list | None) -> tuple[tuple[str, float, float, float], ...]:
        """Rule `index`'s share of the scores, as `Engine._score` adds it: per model it gives points,
        (model, points from the known answers, lowest, highest)."""
        plan = self.plan
        key = plan.keys[index](codes)
        table = plan.tables[index]
        code = table[key] if key in table else table.setdefault(key, plan.codes[index](codes))
        if code == NO:
            return ()
        if partial and any(leaf in partial for leaf in plan.leaves[index]):
            assert intervals is not None
            lowest, highest = plan.degrees[index](intervals)
        else:
            lowest, highest = INTERVALS[code]
        share = []
        for outcome, value in plan.points[index]:
            a, b = value * lowest, value * highest
            share.append((outcome, a, a, b) if a <= b else (outcome, a, b, a))
        return tuple(share)

    def _changed(self, changes: Mapping[str, Any]) -> tuple[list[int], dict[int, float], list]:
        """Leaf codes, partial degrees and rule shares with `changes` made."""
        plan = self.plan
        codes = self.codes.copy()
        partial = self.partial.copy()
        rules: set[int] = set()
        leaves: list[int] = []  # the leaves compared again
        for name, value in changes.items():
            leaf_codes, degrees = self.state(name, value)
            for index in plan.special_leaves.get(name, ()):
                partial.pop(index, None)
            for index, code in leaf_codes:
                codes[index] = code
                leaves.append(index)
            partial.update(degrees)
            rules.update(plan.rules_of.get(name, ()))
        ratios = self._ratios(changes)
        if ratios is not None:
            for index, code in ratios[1][0]:
                codes[index] = code
                partial.pop(index, None)
            partial.update(ratios[1][1])
        shares = self.shares.copy()
        if len(changes) == 2:
            # a rule that reads one of the two fields has the share it has with that field's change alone
            first, second = changes.items()
            together = set(plan.rules_of.get(first[0], ())).intersection(plan.rules_of.get(second[0], ()))
            for name, value in (first, second):
                for index, share in self._single_shares(name, value).items():
                    if index not in together:
                        shares[index] = share
            rules = together
        intervals = None
        if partial and rules:  # Engine._intervals(codes, partial), from the profile's own: only the leaves compared again differ
            intervals = self.intervals.copy()
            for index in leaves:
                intervals[index] = (partial[index], partial[index]) if index in partial else INTERVALS[codes[index]]
        for index in rules:
            shares[index] = self._share(index, codes, partial, intervals)
        return codes, partial, shares

    def _single(self, name: str, value: Any) -> tuple[dict[int, tuple], dict[int, tuple[float, ...]], bool | None, dict]:
        """With `name` at `value` alone (once per state): the shares of the rules that read it, their
        points from the known answers per model (tie-break order), whether the starting point holds
        (None when `name` is not a field it reads: then as for the profile's own), and room for their
        lowest and highest points per model (filled by `_ranges_of` when asked)."""
        key = self._states.get((name, value)) or self.state(name, value)
        single = self._singles.get(key)
        if single is None:
            codes, partial, shares = self._worked_out({name: value}, self.plan.rules_of.get(name, ()))
            vectors = {index: self._vector(share, 1) for index, share in shares.items()}
            started = self.engine._started(codes, partial) if name in self.plan.start_fields else None
            single = self._singles[key] = (shares, vectors, started, {})
        return single

    def _single_shares(self, name: str, value: Any) -> dict[int, tuple]:
        """The shares of the rules that read `name`, with `name` at `value` alone (once per state)."""
        return self._single(name, value)[0]

    def _both(self, first: str, second: str) -> set[int]:
        """The rules that read both fields."""
        key = (first, second)
        together = self._together.get(key)
        if together is None:
            rules_of = self.plan.rules_of
            together = self._together[key] = set(rules_of.get(first, ())).intersection(rules_of.get(second, ()))
        return together

    def decide(self, changes: Mapping[str, Any]) -> tuple[str, str, dict[str, float]]:
        """What `Engine.decide` gives for the facts with `changes` (one or two fields) made."""
        key = self.signature(changes)
        decision = self._decisions.get(key)
        if decision is not None:
            return decision
        if not changes:
            return self._decided(key, self._base_vectors, self.started)
        vectors = self._base_vectors.copy()
        if len(changes) == 1:  # the most frequent: its rules' points are kept per state
            ((name, value),) = changes.items()
            _, moved, started, _ = self._single(name, value)
            for index, vector in moved.items():
                vectors[index] = vector
            return self._decided(key, vectors, self.started if started is None else started)
        (first, a), (second, b) = changes.items()
        start_fields = self.plan.start_fields
        if len(key) == 3 or (first in start_fields and second in start_fields):
            shares, started = self._touched(changes, key)
            for index, share in shares.items():
                vectors[index] = self._vector(share, 1)
            return self._decided(key, vectors, started)
        _, moved_a, started_a, _ = self._single(first, a)
        _, moved_b, started_b, _ = self._single(second, b)
        for index, vector in moved_a.items():
            vectors[index] = vector
        for index, vector in moved_b.items():
            vectors[index] = vector
        together = self._both(first, second)
        if together:
            for index, share in self._worked_out(changes, together)[2].items():
                vectors[index] = self._vector(share, 1)
        started = started_a if started_a is not None else started_b if started_b is not None else self.started
        return self._decided(key, vectors, started)

    def _touched(self, changes: Mapping[str, Any], key: tuple) -> tuple[dict[int, tuple], bool]:
        """The shares of the rules that read a changed field, and whether the starting point holds, with
        `changes` (`key` their signature) made. A rule that reads one changed field only has the share
        it has with that change alone (worked out once per state); only the rules that read both changed
        fields are worked out again."""
        if not changes:
            return {}, self.started
        if len(changes) == 1:
            ((name, value),) = changes.items()
            shares, _, started, _ = self._single(name, value)
            return shares, self.started if started is None else started
        (first, a), (second, b) = changes.items()
        rules_of, start_fields = self.plan.rules_of, self.plan.start_fields
        if len(key) == 3 or (first in start_fields and second in start_fields):
            # a ratio leaf reads both fields, or the starting point does: the changed rules worked out again
            codes, partial, every = self._changed(changes)
            touched = set(rules_of.get(first, ())).union(rules_of.get(second, ()))
            return {index: every[index] for index in touched}, self.engine._started(codes, partial)
        shares_a, _, started_a, _ = self._single(first, a)
        shares_b, _, started_b, _ = self._single(second, b)
        shares = {**shares_a, **shares_b}
        together = self._both(first, second)
        if together:
            shares.update(self._worked_out(changes, together)[2])
        started = started_a if started_a is not None else started_b if started_b is not None else self.started
        return shares, started

    def _worked_out(self, changes: Mapping[str, Any], rules: Iterable[int]
                    ) -> tuple[list[int], dict[int, float], dict[int, tuple]]:
        """Leaf codes, partial degrees and the shares of `rules` with `changes` made (no ratio leaf reads
        two of the changed fields)."""
        plan = self.plan
        codes = self.codes.copy()
        partial = self.partial
        leaves: list[int] = []  # the leaves compared again
        for name, value in changes.items():
            leaf_codes, degrees = self.state(name, value)
            specials = plan.special_leaves.get(name)
            if specials or degrees:
                if partial is self.partial:
                    partial = partial.copy()
                for index in specials or ():
                    partial.pop(index, None)
                partial.update(degrees)
            for index, code in leaf_codes:
                codes[index] = code
                leaves.append(index)
        intervals = None
        if partial and rules:
            intervals = self.intervals.copy()
            for index in leaves:
                intervals[index] = (partial[index], partial[index]) if index in partial else INTERVALS[codes[index]]
        return codes, partial, {index: self._share(index, codes, partial, intervals) for index in rules}

    def _decided(self, key: tuple, vectors: list[tuple[float, ...]], started: bool) -> tuple[str, str, dict[str, float]]:
        """The decision from each rule's points per model, summed in rule-base order as `Engine._score`
        adds them (a model a rule gives no points gets 0.0 added, which changes no sum), so the scores
        agree to the bit; by reduce, not sum, whose float sums are compensated from Python 3.12."""
        engine = self.engine
        scores = {model: round(reduce(operator.add, column, 0.0), 6) + 0.0
                  for model, column in zip(self.plan.models, zip(*vectors))}
        evidence = engine._ranked(scores)[0]
        now = engine.starting_point.model if started else evidence  # type: ignore[union-attr]
        decision = self._decisions[key] = (now, evidence, scores)
        return decision

    def _vector(self, share: tuple, column: int) -> tuple[float, ...]:
        """A rule's share as points per model in tie-break order: from the known answers (column 1),
        the lowest (2) or the highest (3)."""
        vector = [0.0] * len(self.plan.models)
        column_of = self.plan.column_of
        for part in share:
            vector[column_of[part[0]]] = part[column]
        return tuple(vector)

    def moves(self, name: str, value: Any) -> dict[int, tuple[float, ...]]:
        """Per rule that reads `name`, how its points from the known answers move (per model, in
        tie-break order) when `name` is `value`: for bounds, not for decisions."""
        key = self._states.get((name, value)) or self.state(name, value)
        moves = self._moves.get(key)
        if moves is None:
            base = self._base_vectors
            moves = self._moves[key] = {index: tuple(new - old for new, old in zip(vector, base[index]))
                                        for index, vector in self._single(name, value)[1].items()}
        return moves

    def shared_range(self, first: str, second: str) -> tuple[set[int], tuple[float, ...], tuple[float, ...]]:
        """The rules that read both fields, and how far (lowest, highest per model) their points could
        move from the profile's own whatever the two fields' values: for bounds."""
        key = (first, second)
        if key in self._shared:
            return self._shared[key]
        shared = set(self.plan.rules_of.get(first, ())) & set(self.plan.rules_of.get(second, ()))
        models = range(len(self.plan.models))
        low, high = [0.0 for _ in models], [0.0 for _ in models]
        if shared:
            shares = self._changed({first: None, second: None})[2]
            for index in shared:
                lows, highs, base = self._vector(shares[index], 2), self._vector(shares[index], 3), self._base_vectors[index]
                for m in models:
                    low[m] += lows[m] - base[m]
                    high[m] += highs[m] - base[m]
        result = self._shared[key] = (shared, tuple(low), tuple(high))
        return result

    def could_win(self, changes: Mapping[str, Any], target: str) -> bool:
        """What `Engine.could_win` gives for the facts with `changes` made (None: unknown)."""
        quick = tuple(changes.items())
        ranges = self._reach.get(quick)
        if ranges is None:
            ranges = self._reach[quick] = self._ranges_of(changes)
        started, low, high = ranges
        start = self.engine.starting_point
        if start is not None and target != start.model and started:
            return False  # the starting point holds whatever the unknowns are
        return all(high[target] >= low[m] - 1e-6 for m in low if m != target)

    def _ranges_of(self, changes: Mapping[str, Any]) -> tuple[bool, dict[str, float], dict[str, float]]:
        key = self.signature(changes)
        ranges = self._ranges.get(key)
        if ranges is None:
            if self._base_ranges is None:
                self._base_ranges = ([self._vector(share, 2) for share in self.shares],
                                     [self._vector(share, 3) for share in self.shares])
            lows, highs = self._base_ranges[0].copy(), self._base_ranges[1].copy()
            if len(changes) == 1:
                ((name, value),) = changes.items()
                shares, _, started, moved = self._single(name, value)
                started = self.started if started is None else started
                if not moved and shares:
                    moved.update({index: (self._vector(share, 2), self._vector(share, 3))
                                  for index, share in shares.items()})
                for index, (lowest, highest) in moved.items():
                    lows[index], highs[index] = lowest, highest
            else:
                shares, started = self._touched(changes, key)
                for index, share in shares.items():
                    lows[index], highs[index] = self._vector(share, 2), self._vector(share, 3)
            models = self.plan.models  # summed in rule-base order, as Engine._score sums them
            low = {model: reduce(operator.add, column, 0.0) for model, column in zip(models, zip(*lows))}
            high = {model: reduce(operator.add, column, 0.0) for model, column in zip(models, zip(*highs))}
            ranges = self._ranges[key] = (started, low, high)
        return ranges
