"""One profile's department-model decision with an answer or two changed: the evaluator of
`explain`'s counterfactual search.

The search tries hundreds of variations of one profile (a field at each threshold and
anchor, pairs of fields, a field made unknown). A variation differs from the profile in one
or two fields, and what the rules make of a field is the degree intervals of the few leaves
that read it: its *state*. Many values give one state (every value between two thresholds,
outside a ramp), so a variation is worked out once per state: only the rules that read a
changed field get their degree intervals again (from the compiled condition, on the
profile's own leaf intervals with the changed ones put in), and of two changed fields only
the rules reading both (a ratio of the two compared again with both changes); a rule that
reads one of them has the interval it has with that change alone. Scores are then summed
rule by rule in rule-base order from each rule's lower degree, as `Engine._score` sums them,
so they agree with the full engine to the last bit: a property test holds `decide` and
`could_win` to `Engine.evaluate` of the changed profile.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from itertools import repeat
from operator import itemgetter, mul, sub
from typing import Any

from advisor.engine import INTERVALS, NO, UNKNOWN, YES, Engine, Facts, Interval, _crisp, compare_specials
from advisor.rulebase import schema

# What the rules make of one field's value: (leaf, degree interval) for the leaves that read it.
State = tuple[tuple[int, Interval], ...]
_UNKNOWN_INTERVAL = INTERVALS[UNKNOWN]
# A lead in unrounded points that rounding scores to 6 digits (each moved by at most 5e-7, and float
# noise far below that) cannot undo.
_CLEAR = 4e-6


def _getter(indexes: list[int]) -> Any:
    """The items at `indexes` of a sequence, always as a tuple (itemgetter gives one index's item bare)."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    return lambda items: tuple(items[index] for index in indexes)


class _Plan:
    """What of an engine's compiled rule base the variations of any profile need: per field, the
    department-model leaves that read it and the rules that hold them. Worked out once per engine."""

    def __init__(self, engine: Engine) -> None:
        count = len(engine.rule_base.department_model.rules)  # department-model rules come first
        self.rules = range(count)
        self.models = list(engine.tie_break)
        self.degrees = engine._rule_degrees[:count]
        self.leaves = [engine.rules[i].leaves for i in self.rules]
        # per model, the points each rule giving it any gives, in rule-base order: Engine._score's sums
        self.terms = [tuple((index, value) for index, points in engine._points for outcome, value in points
                            if outcome == model) for model in self.models]
        # the same as (the rules' lower degrees in that order, from all of them; the points in that order)
        self.sums = [(_getter([index for index, _ in terms]), tuple(value for _, value in terms)) for terms in self.terms]
        # per rule, its points per model in tie-break order (0.0 for a model it gives none)
        self.points = [tuple(dict(points).get(model, 0.0) for model in self.models) for _, points in engine._points]
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
        read = {field: {spec[0] for spec in self.plain.get(field, ())} | {spec[0] for spec in self.specials.get(field, ())}
                for field in self.fields}
        self.rules_of = {field: tuple(i for i in self.rules if read[field].intersection(self.leaves[i]))
                         for field in self.fields}
        self.read = read  # per field, the leaves that read it
        # the rules whose condition is a conjunction of leaves: their lower degree is the least of their leaves'
        self.conjunctions = frozenset(
            i for i, rule in zip(self.rules, engine.rule_base.department_model.rules)
            if isinstance(rule.when, schema.All) and all(isinstance(part, schema.Leaf) for part in rule.when.all))
        # per pair of fields, the ratio leaves that read both: compared again with both changed
        self.ratios: dict[frozenset[str], list[tuple]] = {}
        for spec in engine._model_specials:
            if spec[2] is not None and spec[1] != spec[2]:
                self.ratios.setdefault(frozenset((spec[1], spec[2])), []).append(spec)
        # the same by ordered pair (no frozenset made per look-up), with the leaves those ratios hold
        self.ratio_pairs = {(first, second): (specs, frozenset(spec[0] for spec in specs))
                            for pair, specs in self.ratios.items() for first in pair for second in pair if first != second}
        self._together: dict[tuple[str, str], tuple[int, ...]] = {}
        self.unshared = (frozenset(), (0.0,) * len(self.models), (0.0,) * len(self.models))  # see shared_range
        start = engine.starting_point
        self.start = engine._start
        self.start_model = start.model if start is not None else None
        self.start_fields = schema.fields_read(start.when) if start is not None else set()


    def both(self, first: str, second: str) -> tuple[int, ...]:
        """The rules that read both fields (once per engine)."""
        key = (first, second)
        together = self._together.get(key)
        if together is None:
            of_second = set(self.rules_of.get(second, ()))
            together = self._together[key] = tuple(i for i in self.rules_of.get(first, ()) if i in of_second)
        return together


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
        plan = self.plan = plan_of(engine)
        self.facts = facts
        codes, partial = engine._leaf_codes(facts, model_only=True)
        self.intervals = engine._intervals(codes, partial)
        self.degrees = [degrees(self.intervals) for degrees in plan.degrees]  # each rule's degree interval
        self.lows = [degree[0] for degree in self.degrees]
        self.started = self._holds(self.intervals)
        self._known = [tuple(p * low for p in points) for points, low in zip(plan.points, self.lows)]
        self.base_scores = tuple(sum(self._known[index][m] for index in plan.rules) for m in range(len(plan.models)))
        # a state is known by a number (its place in _state_of): the caches below are keyed by numbers,
        # not by tuples of intervals hashed again at every look-up
        self._states: dict[tuple[str, Any], int] = {}
        self._state_ids: dict[State, int] = {}
        self._state_of: list[State] = []
        self._reduced: dict[tuple[int, frozenset[int]], int] = {}
        self._singles: dict[int, tuple[dict[int, Interval], bool | None]] = {}
        self._pairs: dict[tuple, tuple[dict[int, Interval], bool]] = {}
        self._decisions: dict[Any, tuple[str, str, dict[str, float]]] = {}
        self._models: dict[Any, tuple[str, str]] = {}
        self._ranges: dict[Any, tuple[bool, dict[str, float], dict[str, float]]] = {}  # by signature
        self._reach: dict[tuple, tuple[bool, dict[str, float], dict[str, float]]] = {}  # by the changes themselves
        self._shared: dict[tuple[str, str], tuple[frozenset[int], tuple[float, ...], tuple[float, ...]]] = {}
        self._moves: dict[int, dict[int, tuple[float, ...]]] = {}
        self._unknown: dict[tuple[str, frozenset[int]], tuple[tuple[float, ...], tuple[float, ...]]] = {}
        self._scratch = [UNKNOWN] * len(engine.leaves)

    def _holds(self, intervals: list[Interval]) -> bool:
        """Whether the starting point holds (as `Engine._started` decides it) on these leaf intervals."""
        start = self.plan.start
        return start is not None and _crisp(start(intervals)) == YES

    def _may_start(self, changes: Mapping[str, Any]) -> bool:
        """Whether the starting point holds for some values of the unknowns, with `changes` made (as
        `Engine._may_start` decides it)."""
        intervals = self.intervals
        if any(name in self.plan.start_fields for name in changes):
            intervals = intervals.copy()
            for name, value in changes.items():
                for index, interval in self.state(name, value):
                    intervals[index] = interval
            if len(changes) == 2:
                (first, a), (second, b) = changes.items()
                for index, interval in self._ratio(first, a, second, b) or ():
                    intervals[index] = interval
        return _crisp(self.plan.start(intervals)) != NO  # type: ignore[misc]

    def state(self, name: str, value: Any) -> State:
        """What the rules make of `name` at `value` (worked out once per value)."""
        return self._state_of[self.state_number(name, value)]

    def state_number(self, name: str, value: Any) -> int:
        """The number of `name`'s state at `value` (one number per distinct state)."""
        key = (name, value)
        number = self._states.get(key)
        if number is not None:
            return number
        plan = self.plan
        if value is None:
            found = [(index, _UNKNOWN_INTERVAL) for index, _, _ in plan.plain.get(name, ())]
        else:
            found = [(index, INTERVALS[2 * compare(value, threshold)]) for index, compare, threshold in plan.plain.get(name, ())]
        specials = plan.specials.get(name)
        if specials:
            facts = self.facts.copy()
            facts[name] = value
            found += self._compared(facts, specials)
        number = self._states[key] = self._registered(tuple(found))
        return number

    def _registered(self, state: State) -> int:
        """`state`'s number, given on first sight."""
        number = self._state_ids.get(state)
        if number is None:
            number = self._state_ids[state] = len(self._state_of)
            self._state_of.append(state)
        return number

    def _compared(self, facts: Facts, specials: list[tuple]) -> list[tuple[int, Interval]]:
        """The degree intervals of graded and ratio leaves on `facts`, as `Engine._leaf_codes` makes them."""
        scratch = self._scratch
        partial: dict[int, float] = {}
        for spec in specials:
            scratch[spec[0]] = UNKNOWN
        compare_specials(facts.get, specials, scratch, partial)
        return [(spec[0], (partial[spec[0]], partial[spec[0]]) if spec[0] in partial else INTERVALS[scratch[spec[0]]])
                for spec in specials]

    def _ratio(self, first: str, a: Any, second: str, b: Any) -> State | None:
        """The ratio leaves that read both changed fields, with both changes (None when there are none)."""
        found = self.plan.ratio_pairs.get((first, second))
        if found is None:
            return None
        specs = found[0]
        facts = self.facts.copy()
        facts[first] = a
        facts[second] = b
        return tuple(self._compared(facts, specs))

    def _single(self, name: str, value: Any) -> tuple[int, dict[int, Interval], bool | None]:
        """With `name` at `value` alone (once per state): its state's number, the degree intervals of the rules
        that read it, and whether the starting point holds (None when `name` is not a field it reads)."""
        number = self._states.get((name, value))
        if number is None:
            number = self.state_number(name, value)
        single = self._singles.get(number) or self._single_of(name, number)
        return number, single[0], single[1]

    def _single_of(self, name: str, number: int) -> tuple[dict[int, Interval], bool | None]:
        """`_single`'s degrees and starting point for `name`'s state `number` (once per state)."""
        single = self._singles.get(number)
        if single is None:
            intervals = self.intervals.copy()
            for index, interval in self._state_of[number]:
                intervals[index] = interval
            degrees = self.plan.degrees
            single = self._singles[number] = (
                {index: degrees[index](intervals) for index in self.plan.rules_of.get(name, ())},
                self._holds(intervals) if name in self.plan.start_fields else None)
        return single

    def _changed(self, changes: Mapping[str, Any]) -> tuple[Any, dict[int, Interval], bool]:
        """The signature of `changes` (what their decision follows from), the degree intervals of the rules
        that read a changed field, and whether the starting point holds."""
        if not changes:
            return (), {}, self.started
        if len(changes) == 1:
            ((name, value),) = changes.items()
            state, degrees, started = self._single(name, value)
            return state, degrees, self.started if started is None else started
        if len(changes) > 2:
            raise ValueError("one or two fields at a time")
        (first, a), (second, b) = changes.items()
        state_a, degrees_a, started_a = self._single(first, a)
        state_b, degrees_b, started_b = self._single(second, b)
        ratio = self._ratio(first, a, second, b)
        if ratio is None:
            key = (state_a, state_b, None)
        else:
            # the ratio's leaves are compared again with both changes: of each field's state only the rest
            # counts, and many values of the two give the same rest and the same ratio outcome
            drop = self.plan.ratio_pairs[(first, second)][1]
            key = (self._without(state_a, drop), self._without(state_b, drop), ratio)
        of_state = self._state_of
        pair = self._pairs.get(key)
        if pair is None:
            degrees = {**degrees_a, **degrees_b}
            together = self.plan.both(first, second)
            start_fields = self.plan.start_fields
            both_start = first in start_fields and second in start_fields
            if together or both_start:
                intervals = self.intervals.copy()
                for index, interval in of_state[state_a]:
                    intervals[index] = interval
                for index, interval in of_state[state_b]:
                    intervals[index] = interval
                for index, interval in ratio or ():
                    intervals[index] = interval
                rule_degrees = self.plan.degrees
                for index in together:
                    degrees[index] = rule_degrees[index](intervals)
                started = self._holds(intervals) if both_start else None
            else:
                started = None
            if started is None:
                started = started_a if started_a is not None else started_b if started_b is not None else self.started
            pair = self._pairs[key] = (degrees, started)
        return (key, *pair)

    def _without(self, number: int, drop: frozenset[int]) -> int:
        """The number of state `number` without the leaves in `drop` (a state's number, so the same registry)."""
        key = (number, drop)
        found = self._reduced.get(key)
        if found is None:
            kept = tuple(item for item in self._state_of[number] if item[0] not in drop)
            found = self._reduced[key] = self._registered(kept)
        return found

    def signature(self, changes: Mapping[str, Any]) -> Any:
        """What a variation's decision follows from: its changed fields' states (and a ratio of the two)."""
        return self._changed(changes)[0]

    def _kept(self, kept: dict[Any, Any], changes: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
        """What `kept` holds for `changes` (None if nothing yet); then, where it holds nothing, the
        changes' key, the rules' changed degrees and whether the starting point holds."""
        if len(changes) == 1:  # the most frequent: the state alone is the key
            ((name, value),) = changes.items()
            key = self._states.get((name, value))
            if key is not None:
                found = kept.get(key)
                if found is not None:
                    return found, key, None, None
        key, degrees, started = self._changed(changes)
        return kept.get(key), key, degrees, started

    def _lows(self, degrees: Mapping[int, tuple[float, float]]) -> list[float]:
        """Each rule's lower degree with `degrees` (the changed rules') in place of the profile's own."""
        lows = self.lows.copy()
        for index, degree in degrees.items():
            lows[index] = degree[0]
        return lows

    def decide(self, changes: Mapping[str, Any]) -> tuple[str, str, dict[str, float]]:
        """What `Engine.decide` gives for the facts with `changes` (one or two fields) made."""
        decision, key, degrees, started = self._kept(self._decisions, changes)
        if decision is not None:
            return decision
        lows = self._lows(degrees)
        # summed in rule-base order from each rule's lower degree, as Engine._score adds them (a rule not
        # fired adds points x 0.0, which changes no sum), so the scores agree to the bit (sum() adds floats
        # left to right in one double, as a loop of += does); rounded as it rounds
        scores = {}
        for model, (degrees_of, points) in zip(self.plan.models, self.plan.sums):
            scores[model] = round(sum(map(mul, points, degrees_of(lows)), 0.0), 6) + 0.0
        evidence = max(self.plan.models, key=scores.__getitem__)  # the first best in tie-break order, as Engine._ranked
        now = self.plan.start_model if started else evidence
        decision = self._decisions[key] = (now, evidence, scores)  # type: ignore[assignment]
        return decision  # type: ignore[return-value]

    def models(self, changes: Mapping[str, Any]) -> tuple[str, str]:
        """The first two of `decide`: the model to build now and the one the evidence points to.

        Rounding a score to 6 digits is slow, and moves it by at most half a millionth: where the best
        unrounded score leads every other by more than `_CLEAR` (or equals a later one's exactly), it leads
        them rounded too, and is the evidence's model; nearer, `decide` rounds them all."""
        found, key, degrees, started = self._kept(self._models, changes)
        if found is not None:
            return found
        lows = self._lows(degrees)
        sums = [sum(map(mul, points, degrees_of(lows)), 0.0) for degrees_of, points in self.plan.sums]
        ranked = sorted(sums)
        best = ranked[-1]
        first = sums.index(best)
        # clear of the second best, it is clear of all; else a later model with the very same sum ties with it
        # rounded too, and the first in tie-break order wins
        if len(ranked) < 2 or best - ranked[-2] > _CLEAR or (
                all(best - score > _CLEAR or score == best for score in sums[first + 1:])
                and all(best - score > _CLEAR for score in sums[:first])):
            evidence = self.plan.models[first]
            now = self.plan.start_model if started else evidence
        else:
            now, evidence, _ = self.decide(changes)
        found = self._models[key] = (now, evidence)  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def moves(self, name: str, value: Any) -> dict[int, tuple[float, ...]]:
        """Per rule that reads `name`, how its points from the known answers move (per model, in
        tie-break order) when `name` is `value`: for bounds, not for decisions."""
        return self.moves_of(name, self._single(name, value)[0])

    def moves_of(self, name: str, number: int) -> dict[int, tuple[float, ...]]:
        """`moves` for `name`'s state `number`."""
        moves = self._moves.get(number)
        if moves is None:
            degrees = self._single_of(name, number)[0]
            points, known = self.plan.points, self._known
            moves = self._moves[number] = {index: tuple(map(sub, map(mul, points[index], repeat(degree[0])), known[index]))
                                          for index, degree in degrees.items()}
        return moves

    def shared_range(self, first: str, second: str) -> tuple[frozenset[int], tuple[float, ...], tuple[float, ...]]:
        """The rules that read both fields, and how far (lowest, highest per model) their points could
        move from the profile's own whatever the two fields' values: for bounds."""
        together = self.plan.both(first, second)
        if not together:
            return self.plan.unshared
        key = (first, second)
        if key in self._shared:
            return self._shared[key]
        shared = frozenset(together)
        models = range(len(self.plan.models))
        low, high = [0.0 for _ in models], [0.0 for _ in models]
        if shared:
            degrees = self._changed({first: None, second: None})[1]
            for index in sorted(shared):
                lowest, highest = degrees[index]
                for m, (p, base) in enumerate(zip(self.plan.points[index], self._known[index])):
                    a, b = p * lowest, p * highest
                    if b < a:  # min and max of the two as the builtins give them, without their calls
                        a, b = b, a
                    low[m] += a - base
                    high[m] += b - base
        result = self._shared[key] = (shared, tuple(low), tuple(high))
        return result

    def unknown_range(self, name: str, leave_out: frozenset[int]) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """How far (lowest, highest per model) the points of the rules reading `name`, but not those in
        `leave_out`, could move from the profile's own with `name` unknown: for bounds."""
        key = (name, leave_out)
        found = self._unknown.get(key)
        if found is None:
            models = range(len(self.plan.models))
            low, high = [0.0 for _ in models], [0.0 for _ in models]
            for index, (lowest, highest) in self._single(name, None)[1].items():
                if index in leave_out:
                    continue
                for m, (p, base) in enumerate(zip(self.plan.points[index], self._known[index])):
                    a, b = p * lowest, p * highest
                    if b < a:  # min and max of the two as the builtins give them, without their calls
                        a, b = b, a
                    low[m] += a - base
                    high[m] += b - base
            found = self._unknown[key] = (tuple(low), tuple(high))
        return found

    def could_win(self, changes: Mapping[str, Any], target: str) -> bool:
        """What `Engine.could_win` gives for the facts with `changes` made (None: unknown)."""
        quick = tuple(changes.items())
        ranges = self._reach.get(quick)
        if ranges is None:
            ranges = self._reach[quick] = self._ranges_of(changes)
        started, low, high = ranges
        if self.plan.start_model is not None and target == self.plan.start_model and self._may_start(changes):
            return True  # some values of the unknowns make the starting point hold, and it decides whatever the scores
        if self.plan.start_model is not None and target != self.plan.start_model and started:
            return False  # the starting point holds whatever the unknowns are
        return all(high[target] >= low[m] - 1e-6 for m in low if m != target)

    def _ranges_of(self, changes: Mapping[str, Any]) -> tuple[bool, dict[str, float], dict[str, float]]:
        key, changed, started = self._changed(changes)
        ranges = self._ranges.get(key)
        if ranges is None:
            degrees = self.degrees
            if changed:
                degrees = degrees.copy()
                for index, degree in changed.items():
                    degrees[index] = degree
            low, high = {}, {}
            for model, terms in zip(self.plan.models, self.plan.terms):  # in rule-base order, as Engine._score
                lowest = highest = 0.0
                for index, points in terms:
                    a, b = points * degrees[index][0], points * degrees[index][1]
                    if a <= b:
                        lowest += a
                        highest += b
                    else:
                        lowest += b
                        highest += a
                low[model], high[model] = lowest, highest
            ranges = self._ranges[key] = (started, low, high)
        return ranges
