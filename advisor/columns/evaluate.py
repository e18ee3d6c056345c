"""The rule base compiled into polars expressions: a chunk of profiles evaluated column by column.

`ColumnEngine(engine).evaluate(frame)` gives, per row of a frame of profiles (one column per
Profile field), what `Engine.evaluate` gives for that profile: every leaf and rule code, the
rules' lower degrees, the scores and their ranges, the three decisions, the hybrid and
not-applicable rules and the sales kinds (the columns are listed in the batch pipeline's
contract). The reasons are the records' to order and encode, in one pass
(records.ColumnRecords._reasons): ordering them here and encoding the lists after cost a third
more. Values are equal bit for bit, by construction:

- each leaf's degree interval is computed as `compare_specials` and `_leaf_codes` do, and
  conditions combine them with min, max and 1 - x as `_Compiler.degrees` does (exact ops);
- a rule's *status* comes from stand-in degrees (a partly true leaf counts 0.5), as the
  engine's outcome tables do: that can say "partly fired" where the exact interval is open
  (`any: [ramp1, all: [ramp2, unknown]]`). Whether an end is 0 or 1 never depends on how much
  a leaf is partly true (min, max and 1 - x keep the set {0, between, 1}), so everything else
  (scores, reasons, checklist items, kinds, the starting point) follows from exact degrees;
- sums add in rule order, as `_score` does; polars folds `0.0 + x` to `x` (wrong for -0.0),
  so the first term is normalised and a skipped term adds -0.0, the true identity;
- polars divides by a constant through its inverse and fuses `a + b * c` into one multiply-add,
  both rounding differently from Python: a ramp's span is a column, and products are columns of
  their own before they are added;
- Python's `round` is correctly rounded and polars' is not: `_Rounding` gets Python's doubles from
  polars' own arithmetic, and leaves the few values it cannot be sure of to Python's round.

Rows this cannot reproduce are flagged `fallback` for the row engine: a currency without a
rate (the row engine's located error), and integers beyond 2**53, where a float comparison
would round.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from advisor.engine import NO, PARTIAL, UNKNOWN, YES, Engine
from advisor.profile import FIELDS
from advisor.rulebase import schema

Pair = tuple[pl.Expr, pl.Expr]  # a degree interval's (low, high) ends
EXACT_INTEGERS = 2**53  # below this an integer compares with a float exactly, as Python does

_PYTHON_TYPES = {"text": str, "choice": str, "currency": str, "country": str, "boolean": bool,
                 "integer": (int, float), "number": (int, float), "share": (int, float)}


def _comparable(field: str, threshold: Any) -> bool:
    """Whether Python's == between the field's values and `threshold` can ever be true (the rule schema
    keeps bools from numbers; a text field may be compared with anything)."""
    expected = _PYTHON_TYPES[FIELDS[field].kind]
    if isinstance(threshold, bool):
        return expected is bool
    return isinstance(threshold, expected) and expected is not bool


def _crisp_comparison(field: str, operator: str, threshold: Any, value: pl.Expr) -> pl.Expr:
    """`_COMPARE[operator](value, threshold)` as a boolean column (null where value is)."""
    if operator == "eq":
        return value == threshold if _comparable(field, threshold) else pl.lit(False)
    if operator == "in":
        # `actual in t` is == against each; polars' is_in would insist on one dtype
        hits = [value == item for item in threshold if _comparable(field, item)]
        return pl.any_horizontal(*hits) if hits else pl.lit(False)
    if operator == "between":
        low, high = threshold
        return (value >= low) & (value <= high)
    return {"lt": value.__lt__, "lte": value.__le__, "gt": value.__gt__, "gte": value.__ge__}[operator](threshold)


def _status(low: pl.Expr, high: pl.Expr) -> pl.Expr:
    """engine.interval_status."""
    return (pl.when(high <= 0).then(NO).when(low >= 1).then(YES).when(low == high).then(PARTIAL)
            .otherwise(UNKNOWN).cast(pl.Int8))


def _crisp(low: pl.Expr, high: pl.Expr) -> pl.Expr:
    """engine._crisp."""
    return pl.when(low >= 0.5).then(YES).when(high < 0.5).then(NO).otherwise(UNKNOWN).cast(pl.Int8)


def _chained_sum(start: float, terms: Sequence[pl.Expr]) -> pl.Expr:
    """start + t1 + t2 + ... added left to right as Python does. polars rewrites `0.0 + x` as `x`, which
    keeps a -0.0 that Python turns into 0.0, so the first addition is written out."""
    if not terms:
        return pl.lit(start, dtype=pl.Float64)
    first, *rest = terms
    total = pl.when(first == 0).then(pl.lit(start, dtype=pl.Float64)).otherwise(pl.lit(start, dtype=pl.Float64) + first)
    for term in rest:
        total = total + term  # column + column: IEEE addition; -0.0 (a skipped term) changes nothing
    return total


def _listed(slots: Sequence[pl.Expr], dtype: pl.DataType) -> pl.Expr:
    """The non-null slots, in order, as a list column (concat_list and list.drop_nulls cost 10x this)."""
    if not slots:
        return pl.lit([], dtype=pl.List(dtype))
    return pl.concat_arr(list(slots)).arr.to_list().list.filter(pl.element().is_not_null())


def _chosen(items: Sequence[tuple[Any, pl.Expr]], dtype: pl.DataType) -> pl.Expr:
    """The indices (or names) whose condition holds, in order, as a list column."""
    return _listed([pl.when(holds).then(pl.lit(item, dtype=dtype)).otherwise(pl.lit(None, dtype=dtype))
                    for item, holds in items], dtype)


def _pick(choices: Sequence[tuple[pl.Expr, pl.Expr]], dtype: pl.DataType) -> pl.Expr:
    """The value of the first condition that holds (null if none)."""
    expr = pl.when(choices[0][0]).then(choices[0][1])
    for condition, value in choices[1:]:
        expr = expr.when(condition).then(value)
    return expr.otherwise(pl.lit(None, dtype=dtype))


class ColumnEngine:
    """An Engine's rule base as polars expressions, built once; `evaluate` runs them over a frame."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        rule_base = engine.rule_base
        self._index = {(leaf.field, leaf.operator, repr(leaf.threshold), leaf.per, leaf.per_min): i
                       for i, leaf in enumerate(engine.leaves)}
        self._graded = {i for i, leaf in enumerate(engine.leaves) if leaf.graded}
        self._spans: dict[float, str] = {}  # a ramp's high - low -> the name of its constant column
        self.degree_columns, self.leaf_columns = self._leaf_columns()
        self.models = list(engine.tie_break)
        model_rules = rule_base.department_model.rules
        mix_rules = rule_base.sales_mix.rules
        items = rule_base.technologies.technologies
        first_mix, first_tech = len(model_rules), len(model_rules) + len(mix_rules)
        assert first_tech == engine.first_technology and first_tech + len(items) == len(engine.rules)
        kind_list = [(kind.id, self._degrees(kind.when)) for kind in rule_base.technologies.kinds]
        kinds: dict[str, Pair] = {}
        for kind, ends in kind_list:
            kinds.setdefault(kind, ends)  # as engine.kinds.index(): the first of an id

        # stage 2: each rule's exact degree interval, its code, and the kinds and the starting point
        rule_columns: list[pl.Expr] = []
        codes: list[pl.Expr] = []  # the codes read from the ends, in stage 3
        for i, rule in enumerate([*model_rules, *mix_rules]):
            low, high = self._degrees(rule.when)
            rule_columns += [low.alias(f"_low_{i}"), high.alias(f"_high_{i}")]
            if self._graded & set(engine.rules[i].leaves):  # the outcome table's status: stand-in degrees
                stand_low, stand_high = self._degrees(rule.when, stand_in=True)
                rule_columns += [stand_low.alias(f"_stand_low_{i}"), stand_high.alias(f"_stand_high_{i}")]
                codes.append(_status(pl.col(f"_stand_low_{i}"), pl.col(f"_stand_high_{i}")).alias(f"rule_{i}"))
            else:  # read from the ends' columns in the next stage: here each end would be built twice more
                codes.append(_status(pl.col(f"_low_{i}"), pl.col(f"_high_{i}")).alias(f"rule_{i}"))
        for i, item in enumerate(items, start=first_tech):
            own = self._degrees(item.when) if item.when is not None else (pl.lit(1.0), pl.lit(1.0))
            if item.kinds is None:
                low, high = own
            else:  # engine._technology_degrees: an undefined kind does not apply
                ends = [kinds[k] for k in item.kinds if k in kinds] or [(pl.lit(0.0), pl.lit(0.0))]
                low = pl.min_horizontal(own[0], pl.max_horizontal(*[e[0] for e in ends]))
                high = pl.min_horizontal(own[1], pl.max_horizontal(*[e[1] for e in ends]))
            # a checklist item is crisped when a partly true leaf reaches it; otherwise its code is
            # its status, which for an interval of 0s and 1s is the same
            rule_columns += [low.alias(f"_low_{i}"), high.alias(f"_high_{i}")]
            codes.append(_crisp(pl.col(f"_low_{i}"), pl.col(f"_high_{i}")).alias(f"rule_{i}"))
        # kinds and the starting point: yes from one half (crisped where partly true, else 0 or 1)
        rule_columns += [(low >= 0.5).alias(f"_kind_{k}") for k, (_, (low, _)) in enumerate(kind_list)]
        start = engine.starting_point
        rule_columns.append((self._degrees(start.when)[0] >= 0.5 if start is not None else pl.lit(False))
                            .alias("started"))
        self.rule_columns = rule_columns

        # stage 3: the lower degrees, the unrounded sums, the share before clamping
        lows = [pl.col(f"_low_{i}") for i in range(first_tech)]
        # a checklist item's lower degree: 1.0 where its crisp code is yes, which is where its low end is >= 0.5
        lows += [pl.when(pl.col(f"_low_{i}") >= 0.5).then(1.0).otherwise(0.0) for i in range(first_tech, len(items) + first_tech)]
        sums: list[pl.Expr] = [*codes, *(low.alias(f"low_{i}") for i, low in enumerate(lows))]
        # _score: points x low to the score; the lower of points x low and x high to the range's low end.
        # The products are columns of their own, added in the next stage: polars fuses `a + b * c` into one
        # multiply-add, which rounds once where Python rounds twice.
        scored = {m: [(i, rule.points[m]) for i, rule in enumerate(model_rules) if m in rule.points] for m in self.models}
        for m, pairs in scored.items():
            sums += [(value * pl.col(f"_{end}_{i}")).alias(f"_{end}_{i}_{m}") for i, value in pairs for end in ("low", "high")]
        totals = []
        for m, pairs in scored.items():
            totals.append(_chained_sum(0.0, [pl.col(f"_low_{i}_{m}") for i, _ in pairs]).alias(f"_raw_{m}"))
            totals.append(_chained_sum(0.0, [pl.col(f"_low_{i}_{m}" if value > 0 else f"_high_{i}_{m}")
                                             for i, value in pairs]).alias(f"score_low_{m}"))
            totals.append(_chained_sum(0.0, [pl.col(f"_high_{i}_{m}" if value > 0 else f"_low_{i}_{m}")
                                             for i, value in pairs]).alias(f"score_high_{m}"))
        shifts = [(first_mix + i, rule.inside_shift) for i, rule in enumerate(mix_rules) if rule.inside_shift]
        moved = {i: shift * pl.col(f"_low_{i}") for i, shift in shifts}
        sums += [m.alias(f"_moved_{i}") for i, m in moved.items()]
        self.sum_columns = sums
        mix: list[pl.Expr] = totals
        inside = _chained_sum(engine.base_inside, [pl.when(pl.col(f"_moved_{i}") != 0).then(pl.col(f"_moved_{i}"))
                                                   .otherwise(-0.0) for i in moved])
        low_share, high_share = engine.inside_range
        # clamped in the next stage, from the sum's column: written in, the sum would be built four times
        unclamped = pl.col("_inside")
        clamped = pl.when(unclamped > low_share).then(unclamped).otherwise(pl.lit(low_share, dtype=pl.Float64))  # max(low, v)
        clamped = pl.when(clamped < high_share).then(clamped).otherwise(pl.lit(high_share, dtype=pl.Float64))  # min(high, v)
        mix += [inside.alias("_inside")]
        hybrid = [i for i, rule in enumerate(mix_rules, start=first_mix) if rule.hybrid]
        not_applicable = [i for i, rule in enumerate(mix_rules, start=first_mix) if rule.not_applicable]
        mix += [
            _chosen([(i, pl.col(f"_low_{i}") >= 0.5) for i in hybrid], pl.Int64).alias("hybrid_reasons"),
            _chosen([(i, pl.col(f"_low_{i}") >= 0.5) for i in not_applicable], pl.Int64).alias("not_applicable"),
            _chosen([(kind, pl.col(f"_kind_{k}")) for k, (kind, _) in enumerate(kind_list)], pl.Utf8).alias("sales_kinds"),
        ]
        self.mix_columns = mix
        self.place_columns = [clamped.alias("_clamped")]

        # stage 4, over the rounded scores: the ranking, confidence and the starting point;
        # models as their index in the tie-break order until the end
        score = [pl.col(f"score_{m}") for m in self.models]
        best = pl.max_horizontal(*score)
        # sorted(tie_break, key=scores, reverse=True) is stable: the first model with the top score wins,
        # the runner-up is the first with the top score of the others
        evidence = _pick([(s == pl.col("_best"), pl.lit(k, dtype=pl.Int8)) for k, s in enumerate(score)], pl.Int8)
        ranked = [[best.alias("_best")],
                  [evidence.alias("_evidence")]]
        others = [pl.when(pl.col("_evidence") == k).then(None).otherwise(s) for k, s in enumerate(score)]
        second = pl.max_horizontal(*others)
        low_of_winner = _pick([(pl.col("_evidence") == k, pl.col(f"score_low_{m}")) for k, m in enumerate(self.models)],
                              pl.Float64)
        ranked_2 = [second.alias("_second"), (low_of_winner - 1e-6).alias("_floor")]
        behind = _pick([(o == pl.col("_second"), pl.lit(k, dtype=pl.Int8)) for k, o in enumerate(others)], pl.Int8)
        firm = pl.all_horizontal(*[(pl.col("_evidence") == k) | (pl.col("_floor") > pl.col(f"score_high_{m}"))
                                   for k, m in enumerate(self.models)])
        # confidence_of: 0 open, 1 leaning, 2 firm
        confidence = (pl.when(((pl.col("_best") - pl.col("_second")) < engine.near_tie) | (pl.col("_best") <= 0))
                      .then(pl.lit(0, dtype=pl.Int8)).when(firm).then(pl.lit(2, dtype=pl.Int8)).otherwise(pl.lit(1, dtype=pl.Int8)))
        ranked_3 = [behind.alias("_behind"), confidence.alias("_confidence")]
        started, evidence, behind, confidence = pl.col("started"), pl.col("_evidence"), pl.col("_behind"), pl.col("_confidence")
        if start is not None:
            begin = pl.lit(self.models.index(start.model), dtype=pl.Int8)
            moves = started & (evidence != begin)  # the evidence names the model to grow into
            winner = pl.when(started).then(begin).otherwise(evidence)
            runner_up = pl.when(moves).then(evidence).otherwise(behind)
            next_model = pl.when(moves).then(evidence).otherwise(pl.lit(None, dtype=pl.Int8))
            next_confidence = pl.when(moves).then(confidence).otherwise(pl.lit(None, dtype=pl.Int8))
            confidence = pl.when(started).then(pl.lit(2, dtype=pl.Int8)).otherwise(confidence)
        else:
            winner, runner_up = evidence, behind
            next_model = next_confidence = pl.lit(None, dtype=pl.Int8)
        decided = [winner.alias("_winner"), runner_up.alias("_runner_up"), confidence.alias("_final_confidence"),
                   next_model.alias("_next_model"), next_confidence.alias("_next_confidence")]
        won = pl.col("_winner")

        def named(column: str, names: Sequence[str]) -> pl.Expr:
            return _pick([(pl.col(column) == k, pl.lit(name)) for k, name in enumerate(names)], pl.Utf8)

        levels = ("open", "leaning", "firm")
        self.decision_stages = [*ranked, ranked_2, ranked_3, decided, [
            named("_winner", self.models).alias("department_model"),
            named("_runner_up", self.models).alias("runner_up"),
            named("_final_confidence", levels).alias("confidence"),
            named("_next_model", self.models).alias("next_model"),
            named("_next_confidence", levels).alias("next_confidence"),
            _pick([(won == k, s) for k, s in enumerate(score)], pl.Float64).alias("_won"),
            _pick([(pl.col("_runner_up") == k, s) for k, s in enumerate(score)], pl.Float64).alias("_lost"),
        ]]
        self._scores = [_Rounding(f"_raw_{m}", f"score_{m}", 6, plus_zero=True) for m in self.models]
        self.integer_fields = sorted({f for leaf in engine.leaves for f in (leaf.field, leaf.per)
                                      if f is not None and FIELDS[f].kind == "integer"})
        self.output = (["fallback", "average_deal_size_usd"] + [f"leaf_{j}" for j in range(len(engine.leaves))]
                       + [f"rule_{i}" for i in range(len(engine.rules))] + [f"low_{i}" for i in range(len(engine.rules))]
                       + [f"score_{m}" for m in self.models] + [f"score_low_{m}" for m in self.models]
                       + [f"score_high_{m}" for m in self.models]
                       + ["department_model", "runner_up", "confidence", "margin", "inside_share",
                          "unclamped_inside_share", "started", "next_model", "next_confidence",
                          "hybrid_reasons", "not_applicable", "sales_kinds"])

    # ---- compiling -------------------------------------------------------------------------------

    def _leaf_columns(self) -> tuple[list[pl.Expr], list[pl.Expr]]:
        """Per leaf: its degree (null where unknown); then its code and its degree interval's ends (exact)."""
        degrees, columns = [], []
        for j, leaf in enumerate(self.engine.leaves):
            value = pl.col(leaf.field)
            known = value.is_not_null()
            if leaf.per is not None:  # CompiledLeaf.value: no one to share the work with is infinitely much
                divisor = pl.col(leaf.per)
                known = known & divisor.is_not_null()
                per_min = leaf.per_min or 0.0
                divisor = pl.when(divisor < per_min).then(pl.lit(per_min, dtype=pl.Float64)).otherwise(divisor)
                value = (pl.when(divisor > 0).then(value / divisor)
                         .when(value > 0).then(pl.lit(math.inf)).otherwise(pl.lit(0.0)))
            if leaf.graded:  # compare_specials: the rising degree, mirrored for at_most
                low, high = leaf.threshold
                # polars divides by a constant as a multiplication by its inverse, which rounds differently:
                # the span is a column of its own (see evaluate)
                span = self._spans.setdefault(high - low, f"_span_{len(self._spans)}")
                degree = pl.when(value <= low).then(0.0).when(value >= high).then(1.0).otherwise(
                    (value - low) / pl.col(span))
                if leaf.operator == "at_most":
                    degree = 1.0 - degree
            else:
                degree = pl.when(_crisp_comparison(leaf.field, leaf.operator, leaf.threshold, value)).then(1.0).otherwise(0.0)
            degrees.append(pl.when(known).then(degree).otherwise(pl.lit(None, dtype=pl.Float64)).alias(f"_degree_{j}"))
            # the code and the ends read the degree as a column of the stage before: written into each, its
            # expression is converted and typed four times per call (12 ms of fixed cost per chunk, 3x the rest)
            degree = pl.col(f"_degree_{j}")
            code = (pl.when(degree.is_null()).then(UNKNOWN).when(degree <= 0).then(NO).when(degree >= 1).then(YES)
                    .otherwise(PARTIAL).cast(pl.Int8))
            columns += [code.alias(f"leaf_{j}"), degree.fill_null(0.0).alias(f"_lo_{j}"),
                        degree.fill_null(1.0).alias(f"_hi_{j}")]
        return degrees, columns

    def _leaf(self, leaf: schema.Leaf) -> int:
        return self._index[(leaf.field, leaf.operator, repr(leaf.threshold), leaf.per, leaf.per_min)]

    def _degrees(self, condition: Any, stand_in: bool = False) -> Pair:
        """A condition's degree interval from its leaves' (as engine._Compiler.degrees). With `stand_in`,
        a partly true leaf counts 0.5, as in the engine's outcome tables."""
        if isinstance(condition, schema.Leaf):
            j = self._leaf(condition)
            if stand_in and j in self._graded:
                code = pl.col(f"leaf_{j}")
                half = pl.when(code == PARTIAL).then(0.5)
                return (half.when(code == YES).then(1.0).otherwise(0.0),
                        half.when(code == NO).then(0.0).otherwise(1.0))
            return pl.col(f"_lo_{j}"), pl.col(f"_hi_{j}")
        if isinstance(condition, schema.Not):
            low, high = self._degrees(condition.not_, stand_in)
            return 1.0 - high, 1.0 - low
        children = condition.all if isinstance(condition, schema.All) else condition.any
        ends = [self._degrees(child, stand_in) for child in children]
        if len(ends) == 1:
            return ends[0]
        combine = pl.min_horizontal if isinstance(condition, schema.All) else pl.max_horizontal
        return combine(*[low for low, _ in ends]), combine(*[high for _, high in ends])

    # ---- evaluating ------------------------------------------------------------------------------

    def evaluate(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Every row of `frame` (profiles, deal size in the profile's currency) as Engine.evaluate sees it."""
        rates = self.engine.rates
        foreign = {code: rate for code, rate in rates.items() if code != "USD"}  # only those are rounded
        fallback = pl.col("currency").is_null() | ~pl.col("currency").is_in(list(rates))
        for field in self.integer_fields:
            # not abs(): a garbage row (parse's ok=False) may hold the one Int64 without an absolute value
            fallback = fallback | ((pl.col(field) >= EXACT_INTEGERS) | (pl.col(field) <= -EXACT_INTEGERS)).fill_null(False)
        height = frame.height
        # Engine.compared: converted to US dollars and rounded to cents (as Python rounds); a deal in US dollars
        # stays as it is, unrounded (its conversion is null, so never unsure)
        converted = pl.col("average_deal_size") * pl.col("currency").replace_strict(foreign, default=None,
                                                                                      return_dtype=pl.Float64)
        work = frame.with_columns(
            converted.alias("_converted"), _CONVERTED.scaled_from(converted), fallback.alias("fallback"),
            *[pl.repeat(span, height, dtype=pl.Float64, eager=True).alias(name) for span, name in self._spans.items()],
            *_scales(height))
        work = _CONVERTED.patched(work.with_columns(*_CONVERTED.rounded(
            lambda value: pl.when(pl.col("currency") == "USD").then(pl.col("average_deal_size")).otherwise(value))))
        # stage by stage: one lazy plan of all stages spends more on optimising than on computing
        for stage in (self.degree_columns, self.leaf_columns, self.rule_columns, self.sum_columns, self.mix_columns,
                      [*self.place_columns, *(r.scaled for r in self._scores)]):
            work = work.with_columns(stage)
        # _score: round(v, 6) + 0.0; the shares' and the margin's roundings are made alike below
        work = work.with_columns(*(e for r in self._scores for e in r.rounded()), _INSIDE.scaled, _UNCLAMPED.scaled)
        for rounding in self._scores:
            work = rounding.patched(work)
        for stage in self.decision_stages:
            work = work.with_columns(stage)
        margin = pl.col("_won") - pl.col("_lost")
        work = work.with_columns(pl.col("average_deal_size").alias("average_deal_size_usd"),
                                 margin.alias("_margin"), _MARGIN.scaled_from(margin), *_INSIDE.rounded(),
                                 *_UNCLAMPED.rounded())
        work = work.with_columns(_MARGIN.rounded())
        for rounding in (_INSIDE, _UNCLAMPED, _MARGIN):
            work = rounding.patched(work)
        return work.select(self.output)


class _Rounding:
    """Python's round(x, digits) [+ 0.0] of a column `x` as polars expressions, in two stages.

    Python rounds the exact value of x half to even and gives the double nearest that decimal:
    k / 10**digits for the integer k nearest x * 10**digits. polars' round is not that, but its
    own arithmetic gets there: p = x * 10**digits (its own column, stage 1) is the exact product
    rounded to a double, and rounding never crosses a double, so where |p| < 2**52 (every
    k + 0.5 a double) and p's fraction is not 0.5 the exact product lies on the same side of
    k + 0.5: k is floor(p), or floor(p) + 1 past 0.5. k divided by a column of 10**digits (IEEE
    division, correctly rounded; polars would multiply by the inverse of a constant) is
    Python's double, and a zero keeps x's sign, as Python's does. The rest (a fraction of
    exactly 0.5, |p| >= 2**52) is `unsure`: `patched` rounds those few in Python."""

    def __init__(self, x: str, name: str, digits: int, plus_zero: bool = False) -> None:
        self.x, self.name, self.digits, self.plus_zero = x, name, digits, plus_zero
        self.scaled = self.scaled_from(pl.col(x))

    def scaled_from(self, x: pl.Expr) -> pl.Expr:
        """Stage 1 from x's expression, where x is made in the same stage (a product of x is no multiply-add)."""
        return (x * float(10**self.digits)).alias(f"_{self.name}_scaled")

    def rounded(self, final: Callable[[pl.Expr], pl.Expr] = lambda value: value) -> list[pl.Expr]:
        """Stage 2, once `scaled` is a column: the rounded column (through `final`) and where it is unsure."""
        x, p = pl.col(self.x), pl.col(f"_{self.name}_scaled")
        whole = p.floor()
        # exact for p >= 0 and p <= -0.5; above -0.5 it may round, but never below 0.5 (then unsure)
        fraction = p - whole
        k = pl.when(fraction > 0.5).then(whole + 1.0).otherwise(whole)
        if self.plus_zero:  # round(x) + 0.0: a zero is 0.0
            zero = pl.lit(0.0, dtype=pl.Float64)
        else:  # 1 / -0.0 is -inf: -0.0 keeps its sign too
            zero = pl.when((x < 0) | ((x == 0) & (1.0 / x < 0))).then(pl.lit(-0.0)).otherwise(pl.lit(0.0))
        value = pl.when(k == 0).then(zero).otherwise(k / pl.col(_SCALES[self.digits]))
        unsure = ((p.abs() >= 2.0**52) | (fraction == 0.5)).fill_null(False)  # inf too; nan stays nan, as in Python
        return [final(value).alias(self.name), unsure.alias(f"_{self.name}_unsure")]

    def patched(self, work: pl.DataFrame) -> pl.DataFrame:
        """`work` with the unsure values of stage 2 rounded by Python."""
        unsure = work.get_column(f"_{self.name}_unsure")
        if not unsure.any():
            return work
        places = unsure.arg_true()
        exact = [round(v, self.digits) + 0.0 if self.plus_zero else round(v, self.digits)
                 for v in work.get_column(self.x).gather(places).to_list()]
        column = work.get_column(self.name).scatter(places, pl.Series(exact, dtype=pl.Float64))
        return work.with_columns(column)


_SCALES = {digits: f"_scale_{digits}" for digits in (2, 4, 6)}  # columns of 10**digits, the roundings' divisors


def _scales(height: int) -> list[pl.Series]:
    """The roundings' divisors as columns of data: a literal (pl.lit) would be a constant again."""
    return [pl.repeat(float(10**digits), height, dtype=pl.Float64, eager=True).alias(name)
            for digits, name in _SCALES.items()]


_CONVERTED = _Rounding("_converted", "average_deal_size", 2)
_INSIDE = _Rounding("_clamped", "inside_share", 2)
_UNCLAMPED = _Rounding("_inside", "unclamped_inside_share", 2)
_MARGIN = _Rounding("_margin", "margin", 4)
