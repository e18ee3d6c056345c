"""A chunk's records from its columns: the same bytes as the row path's encoders, made column-wise.

`ColumnRecords(engine, fmt, trace=...).encode(parsed, result, sources)` gives one record per
row, byte for byte what `advisor.writers.record_encoder(engine, fmt, trace=..., records="lean")`
makes from that row's Evaluation: lean JSON (json_records.LeanRecords) or a CSV line
(writers.csv_row). Only rows the column path decided (ok, no fallback) come here.

Each record is one string column of polars (concat_str of its parts), so no Python runs per
row. A part is made in polars where polars gives the row path's text exactly: integers, known
strings, and a float as it is (polars prints a finite float as orjson does, shortest digits
alike: a property in tests/test_columns_batch.py holds the two together). Every other part (a rounded
score, a float as Python's str() prints it, a list of reasons, the checklist, a name that
JSON must escape or CSV must quote) is made in Python by the row path's own means once per
DISTINCT value in the chunk, and put in each row by a look-up (replace_strict). The chunk's
records come out of polars as bytes, never as Python strings.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from typing import Any

import orjson
import polars as pl

from advisor.engine import UNKNOWN, YES, Engine
from advisor.json_records import STATUS_LETTERS
from advisor.profile import EVIDENCE_FIELDS
from advisor.rulebase.schema import DEPARTMENT_MODELS
from advisor.writers import text_cell

# texts remembered per kind of part, so memory stays flat: the fullest, the unknown fields' texts (~210 B
# each), holds ~6,300 keys after 100k generated rows and 17,600 after 1M; 4,096 of them cost 0.9 MB where
# 16,384 took 3.4 MB, for ~550 more texts made on 100k rows and ~33,000 on 1M (~2 us each)
_CACHE_LIMIT = 1 << 12
_PER_WORD = 24  # outcome codes packed per integer, 2 bits each
_PIECE = 6  # rules per piece of a trace, looked up whole in a table of all 4**6 pieces
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')  # a CSV cell with one of these is quoted (a superset of csv's test)
_CSV_ODD = r'[,"\r\n]'  # the same test, as polars' regex
_JSON_ODD = r'[\x00-\x1f"\\]'  # what orjson writes escaped in a string; all else it writes as it is (UTF-8)
_FORMULA = r"^[=+\-@\t\r]"  # writers.text_cell's test, as polars' regex
_dumps = orjson.dumps
_lit = pl.lit


def _json(value: Any) -> str:
    return _dumps(value).decode()


class _Texts(dict):  # type: ignore[type-arg]
    """A part's text per distinct key, made by `make` from the key's value (bounded, so memory stays flat)."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def of(self, keys: list[Any], values: list[Any]) -> list[str]:
        out, get, make = [], self.get, self.make
        for key, value in zip(keys, values):
            text = get(key)
            if text is None:
                text = make(value)
                if len(self) < _CACHE_LIMIT:
                    self[key] = text
            out.append(text)
        return out


def _mapped(series: pl.Series, texts: _Texts) -> pl.Series:
    """Each value's text (null stays null), made once per distinct value: for strings, integers, booleans."""
    distinct = series.unique().drop_nulls()
    if distinct.is_empty():  # replace_strict would give `series` back as it is
        return pl.repeat(None, len(series), dtype=pl.Utf8, eager=True)
    keys = distinct.to_list()
    return series.replace_strict(distinct, pl.Series(texts.of(keys, keys), dtype=pl.Utf8), return_dtype=pl.Utf8)


def _mapped_floats(series: pl.Series, texts: _Texts) -> pl.Series:
    """Each float's text (null stays null), made once per distinct value. Keyed by the float's bits:
    0.0 and -0.0 are equal to polars and to a dict, but print apart."""
    bits = series.reinterpret(dtype=pl.Int64)
    distinct = pl.DataFrame({"k": bits, "v": series}).unique("k").drop_nulls("k")
    if distinct.is_empty():  # replace_strict would give `bits` back as they are
        return pl.repeat(None, len(series), dtype=pl.Utf8, eager=True)
    keys = distinct.get_column("k")
    made = texts.of(keys.to_list(), distinct.get_column("v").to_list())
    return bits.replace_strict(keys, pl.Series(made, dtype=pl.Utf8), return_dtype=pl.Utf8)


def _shown_floats(series: pl.Series, texts: _Texts, digits: int | None = None, plus_zero: bool = False) -> pl.Series:
    """Each float's text as `texts` makes it from the value (the row path's str() or orjson of it, rounded to
    `digits` places [+ 0.0] where given), null staying null: polars' own text where it is the same, `texts`
    for the few values where it might not be.

    polars writes a float in [1e-4, 1e16) or a zero as str() and orjson do; its round(digits) is
    (x * 10**digits).round_ties_even() / 10**digits, Python's round the same number unless x * 10**digits
    is within float error of a tie (0.5 past an integer), which rounding itself leaves in that range for
    |x| < 1e5. Every other value (a tie, a tiny or huge one, inf, nan) is made by `texts`, once per distinct
    value (_mapped_floats); a property in tests/test_columns_batch.py holds the two together."""
    x = pl.col("x")
    if digits is None:
        value, safe = x, (x == 0) | ((x.abs() >= 1e-4) & (x.abs() < 1e15))
    else:
        scaled = x * float(10**digits)
        value, safe = x.round(digits), ((scaled - scaled.floor() - 0.5).abs() > 1e-6) & (x.abs() < 1e5)
        if plus_zero:  # round(x) + 0.0: -0.0 becomes 0.0
            value = pl.when(value == 0).then(_lit(0.0)).otherwise(value)
    made = pl.DataFrame({"x": series}).select(value.cast(pl.Utf8).alias("text"), (~safe).fill_null(False).alias("odd"))
    text, odd = made.get_column("text"), made.get_column("odd")
    if not odd.any():
        return text
    places = odd.arg_true()
    return text.scatter(places, _mapped_floats(series.gather(places), texts))


def _float_json(series: pl.Series) -> pl.Expr:
    """A float as orjson writes it: polars' text for a finite one (the same, shortest digits alike),
    JSON's null for none, inf or nan."""
    value = pl.lit(series)
    return pl.when(value.is_finite()).then(value.cast(pl.Utf8)).otherwise(_lit("null"))


def _code(codes: tuple[int, ...], index: int) -> int:
    """Code `index` of a row's packed words (ColumnRecords._words)."""
    return codes[index // _PER_WORD] >> 2 * (index % _PER_WORD) & 3


class ColumnRecords:
    """Encodes a chunk's rows of one engine in one format (json, jsonl or csv; lean JSON records)."""

    def __init__(self, engine: Engine, fmt: str, *, trace: bool = True) -> None:
        self.engine = engine
        self.fmt = fmt
        self.trace = trace
        csv_out = self._csv_out = fmt == "csv"
        rules = engine.rules
        self._rule_count = len(rules)
        models = self._models = list(engine.tie_break)
        points = {index: rule.effect["points"] for index, rule in enumerate(rules) if rule.decision == "department_model"}
        shift = {index: rule.effect["inside_shift"] for index, rule in enumerate(rules) if "inside_shift" in rule.effect}
        # the rules a reason can name, in rule order
        self._model_rules, self._shift_rules = sorted(points), sorted(shift)
        # per rule and winner (rule * models + winner) or per rule: a reason's effect, its JSON when it wholly
        # fired, and the start of its JSON when not (its points or shift follow)
        pairs = [(i, m) for i in range(len(rules)) for m in models]
        self._model_effect = pl.Series([points.get(i, {}).get(m) for i, m in pairs], dtype=pl.Float64)
        self._model_fired = pl.Series([_json({"rule": i, "points": points[i][m]}) if m in points.get(i, {}) else None
                                       for i, m in pairs], dtype=pl.Utf8)
        self._model_head = pl.Series([f'{{"rule":{i},"points":' for i in range(len(rules))], dtype=pl.Utf8)
        self._mix_effect = pl.Series([shift.get(i) for i in range(len(rules))], dtype=pl.Float64)
        self._mix_fired = pl.Series([_json({"rule": i, "inside_shift": shift[i]}) if i in shift else None
                                     for i in range(len(rules))], dtype=pl.Utf8)
        self._mix_head = pl.Series([f'{{"rule":{i},"inside_shift":' for i in range(len(rules))], dtype=pl.Utf8)
        first = engine.first_technology
        self._tech_ids = [item.id for item in engine.technologies]
        # a checklist item's outcome and the codes of the leaves any item reads: what its entries depend on
        tech_leaves = sorted({leaf for rule in rules[first:] for leaf in rule.leaves})
        position = {leaf: k for k, leaf in enumerate(tech_leaves)}
        self._tech_leaves = [[(position[leaf], tuple(n for n in (engine.leaves[leaf].field, engine.leaves[leaf].per) if n))
                              for leaf in rule.leaves] for rule in rules[first:]]
        self._tech_columns = [f"rule_{i}" for i in range(first, len(rules))]
        self._tech_leaf_columns = [f"leaf_{leaf}" for leaf in tech_leaves]
        meta = engine.rule_base.meta
        rule_base = "".join("," + self._cell(value) for value in (meta.name, meta.version, engine.rule_base.sha256))
        self._checklists = _Texts(self._checklist_of)
        self._unknowns = _Texts(
            (lambda bits: self._cell(" ".join(_unknown_names(bits))) + rule_base + "\n") if csv_out
            else (lambda bits: ',"unknown_fields":' + _json(_unknown_names(bits))))
        self._decisions = _Texts(self._decision_of)
        self._mixes = _Texts(self._mix_of)
        self._choices = _Texts(_json)
        self._odd = _Texts(lambda text: self._cell(text_cell(text)) if csv_out else _json(text)[1:-1])
        self._pieces: pl.Series | None = None  # made on first use (4,096 texts)
        self._partly = _Texts(lambda value: _json(round(value, 4)))
        # the scores and their ranges: (column, whether +0.0 after rounding, what follows its text)
        shown: Callable[[Any], str] = str if csv_out else _json
        self._round4, self._round4z = _rounded(shown, 4, False), _rounded(shown, 4, True)
        if csv_out:
            order = list(DEPARTMENT_MODELS)
            self._score_layout = [(f"score_{m}", False, ",") for m in order] + [
                (f"score_{end}_{m}", True, ",") for m in order for end in ("low", "high")]
            self._shown = _Texts(str)
            self._outside = _Texts(lambda value: str(round(value, 2)))
        else:
            following = [f",{_json(m)}:" for m in models[1:]] + ['},"score_ranges":{' + _json(models[0]) + ":["]
            self._score_layout = [(f"score_{m}", False, after) for m, after in zip(models, following)]
            following = [f"],{_json(m)}:[" for m in models[1:]] + [""]
            for m, after in zip(models, following):
                self._score_layout += [(f"score_low_{m}", True, ","), (f"score_high_{m}", True, after)]
            self._outside = _Texts(lambda value: _json(round(value, 2)))

    # ---- parts made once per distinct key -------------------------------------------------

    def _decision_of(self, key: tuple[Any, ...]) -> tuple[str, str, str]:
        """The decision's texts around the scores, the margin and the reasons (JSON), or its cells (CSV)."""
        winner, confidence, runner_up, next_model, next_confidence, close_call, started, tie = key
        decided_by = "starting_point" if started else "tie_break" if tie else "points"
        flag = "true" if close_call else "false"
        if self._csv_out:
            cell = self._cell
            return (f",{cell(winner)},{cell(confidence)},{flag},{cell(next_model or '')},",
                    f"{cell(decided_by)},{cell(runner_up)},", "")
        next_ = None if next_model is None else {"id": next_model, "confidence": next_confidence}
        return (f',"department_model":{{"id":{_json(winner)},"confidence":{_json(confidence)},"close_call":{flag},'
                f'"scores":{{{_json(self._models[0])}:',
                f']}},"decided_by":{_json(decided_by)},"runner_up":{_json(runner_up)},"margin":',
                f',"next":{_json(next_)},"reasons":[')

    def _mix_of(self, key: tuple[Any, ...]) -> tuple[str, str]:
        """The sales mix's texts around the unclamped share and after its reasons (JSON), or its cells (CSV)."""
        hybrid, not_applicable, kinds = key  # the three lists as tuples
        if self._csv_out:
            return (f"{'true' if hybrid else 'false'},{'false' if not_applicable else 'true'},"
                    f"{self._cell(' '.join(kinds))},", "")
        return (f'{"true" if hybrid else "false"},"unclamped_inside_share":',
                f'],"hybrid_reasons":{_json(list(hybrid))},"applies":{"false" if not_applicable else "true"},'
                f'"not_applicable_reasons":{_json(list(not_applicable))}}},"sales_kinds":{_json(list(kinds))},'
                f'"technologies":')

    def _checklist_of(self, key: str) -> str:
        """The checklist entries of one key (the items' codes and their leaves' codes, packed):
        applied and possible items as JSON, or as CSV cells."""
        words = [int(w) for w in key.split(",")]
        split = -(-len(self._tech_columns) // _PER_WORD)  # the items' words, then their leaves'
        codes, leaves = words[:split], words[split:]
        applied: list[str] = []
        possible: dict[str, list[str]] = {}
        for t, item in enumerate(self._tech_ids):
            status = _code(codes, t)
            if status == YES:
                applied.append(item)
            elif status == UNKNOWN:
                possible[item] = sorted({n for leaf, names in self._tech_leaves[t]
                                         if _code(leaves, leaf) == UNKNOWN for n in names})
        if self._csv_out:
            return self._cell(" ".join(applied)) + "," + self._cell(" ".join(possible)) + ","
        return _json(applied) + ',"possible_technologies":' + _json(possible)

    @staticmethod
    def _cell(text: str) -> str:
        """One cell as csv.writer writes it (quoted, quotes doubled, where it must be)."""
        if not _NEEDS_QUOTES.search(text):
            return text
        line: list[str] = []
        csv.writer(_Sink(line.append), lineterminator="\n").writerow([text])
        return line[0][:-1]

    # ---- parts per chunk -----------------------------------------------------------------

    @staticmethod
    def _words(names: Sequence[str]) -> list[pl.Expr]:
        """Codes (0-3) of columns `names` packed 2 bits each, _PER_WORD to an Int64."""
        return [pl.sum_horizontal([pl.col(name).cast(pl.Int64) * (1 << 2 * k)
                                   for k, name in enumerate(names[start:start + _PER_WORD])])
                for start in range(0, len(names), _PER_WORD)]

    def _checklist(self, result: pl.DataFrame) -> pl.Series:
        words = [*self._words(self._tech_columns), *self._words(self._tech_leaf_columns)] or [_lit(0, pl.Int64)]
        key = result.select(pl.concat_str([w.cast(pl.Utf8) for w in words], separator=","))
        return _mapped(key.to_series(), self._checklists)

    def _unknown(self, parsed: pl.DataFrame) -> pl.Series:
        """The evidence fields left unknown (a bit each, in EVIDENCE_FIELDS order), as their part."""
        mask = pl.sum_horizontal([pl.col(name).is_null().cast(pl.Int64) * (1 << k)
                                  for k, name in enumerate(EVIDENCE_FIELDS)])
        return _mapped(parsed.select(mask).to_series(), self._unknowns)

    def _free_text(self, series: pl.Series) -> pl.Series:
        """A client's text (a name, a source) inside a JSON string, or as a CSV cell: as it is where nothing
        needs escaping, quoting or a formula guard, else by the row path's means (per distinct text)."""
        odd = series.str.contains(_CSV_ODD if self._csv_out else _JSON_ODD)
        if self._csv_out:
            odd = odd | series.str.contains(_FORMULA)
        if not odd.any():
            return series
        distinct = series.filter(odd).unique()
        keys = distinct.to_list()
        texts = series.replace_strict(distinct, pl.Series(self._odd.of(keys, keys), dtype=pl.Utf8),
                                      default=None, return_dtype=pl.Utf8)
        return series.zip_with(~odd, texts)

    def _joined(self, keys: pl.DataFrame, texts: _Texts, names: Sequence[str], lists: bool = False) -> pl.DataFrame:
        """Texts `names` of each row's key (the columns of `keys`; with `lists`, list columns, whose
        values are keyed as tuples), made once per distinct key."""
        distinct = keys.unique()
        rows = distinct.rows()
        if lists:
            rows = [tuple(map(tuple, row)) for row in rows]
        made = list(zip(*texts.of(rows, rows))) or [[] for _ in names]
        mapping = distinct.hstack([pl.Series(name, column, dtype=pl.Utf8) for name, column in zip(names, made)])
        return keys.join(mapping, on=keys.columns, how="left", nulls_equal=True, maintain_order="left").select(names)

    def _decisions_of(self, result: pl.DataFrame) -> pl.DataFrame:
        started, margin = pl.col("started"), pl.col("margin")
        keys = result.select("department_model", "confidence", "runner_up", "next_model", "next_confidence",
                             (~started & (margin < self.engine.near_tie)).alias("close_call"), "started",
                             (margin == 0).alias("tie"))
        return self._joined(keys, self._decisions, ("a", "b", "c"))

    def _mixes_of(self, result: pl.DataFrame) -> pl.DataFrame:
        # the lists themselves as the keys: joined into texts first, they took twice as long
        keys = result.select("hybrid_reasons", "not_applicable", "sales_kinds")
        return self._joined(keys, self._mixes, ("a", "b"), lists=True)

    def _reasons(self, result: pl.DataFrame, model: bool) -> pl.Series:
        """Per row: the items of its model's reasons (`model`) or of its sales mix's, joined by commas.

        As Engine.evaluate orders them: the rules giving the winner points (its points x the rule's lower
        degree, above 0) or moving the share (shift x degree, not 0), by that product (a shift's by its
        size) descending, ties in rule order. Every row's candidates make one long frame, sorted by row,
        product and rule (a total order: no sort stability relied on) and grouped by row once; ordering
        them in ColumnEngine and encoding its lists after cost a third more. A rule that wholly fired gives
        its effect as it is (its item's JSON made once); any other the product rounded to 4 places (made
        once per distinct value)."""
        height = result.height
        rules = self._model_rules if model else self._shift_rules
        if not rules or not height:
            return pl.repeat("", height, dtype=pl.Utf8, eager=True)
        count = len(rules)
        get = result.get_column
        at = pl.int_range(0, count * height, dtype=pl.Int64, eager=True)  # candidate * height + row
        rule = pl.Series(rules, dtype=pl.Int64).gather(at // height)
        low = pl.concat([get(f"low_{i}") for i in rules], rechunk=True)
        if model:
            winner = get("department_model").replace_strict(self._models, list(range(len(self._models))),
                                                            return_dtype=pl.Int64)
            key = rule * len(self._models) + pl.concat([winner] * count, rechunk=True)
            effects, fired, head = self._model_effect, self._model_fired, self._model_head
        else:
            key, effects, fired, head = rule, self._mix_effect, self._mix_fired, self._mix_head
        effect = effects.gather(key)
        value = effect * low  # the engine's value * lowest: one IEEE product
        included = ((low > 0) & (effect > 0)) if model else (value != 0)
        found = (pl.DataFrame({"row": at % height, "rule": rule, "key": key, "value": value,
                               "order": value if model else value.abs(),
                               "whole": pl.concat([get(f"rule_{i}") for i in rules], rechunk=True) == YES})
                 .filter(included.fill_null(False))
                 .sort(["row", "order", "rule"], descending=[False, True, False]))
        item = fired.gather(found.get_column("key"))  # right where the rule wholly fired; the others' made here
        partly = (~found.get_column("whole")).arg_true()
        if len(partly):
            shown = _shown_floats(found.get_column("value").gather(partly), self._partly, 4)
            item = item.scatter(partly, head.gather(found.get_column("rule").gather(partly)) + shown + "}")
        joined = (pl.DataFrame({"row": found.get_column("row"), "item": item})
                  .group_by("row", maintain_order=True).agg("item"))
        every = pl.DataFrame({"row": pl.int_range(0, height, dtype=pl.Int64, eager=True)})
        return (every.join(joined, on="row", how="left", maintain_order="left")
                .select(pl.col("item").list.join(",").fill_null("")).to_series())

    def _scores(self, result: pl.DataFrame) -> list[Any]:
        """The scores and their ranges, rounded as the row path rounds them, with what goes between them.
        The columns of one rounding are looked up together: they share most of their values."""
        height, texts = result.height, {}
        for plus_zero in (False, True):
            names = [name for name, zero, _ in self._score_layout if zero == plus_zero]
            stacked = _shown_floats(pl.concat([result.get_column(name) for name in names], rechunk=True),
                                    self._round4z if plus_zero else self._round4, 4, plus_zero)
            texts.update((name, stacked.slice(k * height, height)) for k, name in enumerate(names))
        parts: list[Any] = []
        for name, _, after in self._score_layout:
            parts += [texts[name], _lit(after)] if after else [texts[name]]
        return parts

    # ---- per chunk -------------------------------------------------------------------------

    def encode(self, parsed: pl.DataFrame, result: pl.DataFrame, sources: Sequence[str]) -> list[bytes]:
        """One record per row of `parsed` and `result` (the same rows, in order)."""
        if result.height == 0:
            return []
        parts = self._csv(parsed, result, sources) if self._csv_out else self._lean(parsed, result, sources)
        return pl.select(pl.concat_str(parts)).to_series().cast(pl.Binary).to_list()

    def _lean(self, parsed: pl.DataFrame, result: pl.DataFrame, sources: Sequence[str]) -> list[Any]:
        get = result.get_column
        decision = self._decisions_of(result)
        mix = self._mixes_of(result)
        parts = [
            _lit('{"source":"'), self._free_text(pl.Series(sources, dtype=pl.Utf8)),
            _lit('","name":"'), self._free_text(parsed.get_column("name")),
            _lit('"'), decision.get_column("a"), *self._scores(result), decision.get_column("b"),
            _float_json(get("margin")), decision.get_column("c"),
            self._reasons(result, model=True),
            _lit(']},"sales_mix":{"inside_share":'), _float_json(get("inside_share")),
            _lit(',"outside_share":'), _shown_floats(result.select(1.0 - pl.col("inside_share")).to_series(), self._outside, 2),
            _lit(',"hybrid":'), mix.get_column("a"), _float_json(get("unclamped_inside_share")), _lit(',"reasons":['),
            self._reasons(result, model=False), mix.get_column("b"),
            self._checklist(result), self._unknown(parsed),
        ]
        if self.trace:
            parts += [_lit(',"facts":['), self._facts(parsed, result), _lit('],"trace":"'),
                      *self._letters(result), _lit('"}')]
        else:
            parts.append(_lit("}"))
        return [part if isinstance(part, pl.Expr) else pl.lit(part) for part in parts]

    def _facts(self, parsed: pl.DataFrame, result: pl.DataFrame) -> pl.Series:
        """The evidence as the rules compared it (deal size in USD), in EVIDENCE_FIELDS order, as JSON items."""
        parts: list[Any] = []
        for name in EVIDENCE_FIELDS:
            series = result.get_column("average_deal_size_usd") if name == "average_deal_size" else parsed.get_column(name)
            dtype = series.dtype
            if dtype == pl.Float64:
                part = _float_json(series)
            elif dtype == pl.Boolean:
                part = pl.when(pl.lit(series)).then(_lit("true")).when(pl.lit(series).not_()).then(_lit("false"))
            elif dtype.is_integer():
                part = pl.lit(series).cast(pl.Utf8)
            else:
                part = pl.lit(_mapped(series, self._choices))
            parts.append(part.fill_null("null"))
        return pl.select(pl.concat_str(parts, separator=",")).to_series()

    def _letters(self, result: pl.DataFrame) -> list[pl.Series]:
        """The trace, one letter per rule (json_records.STATUS_LETTERS by outcome code), _PIECE rules looked up at once."""
        names = [f"rule_{i}" for i in range(self._rule_count)]
        groups = [names[start:start + _PIECE] for start in range(0, len(names), _PIECE)]
        words = result.select(pl.sum_horizontal([pl.col(name).cast(pl.Int64) * (1 << 2 * k)
                                                 for k, name in enumerate(group)]).alias(str(n))
                              for n, group in enumerate(groups))
        if self._pieces is None:
            self._pieces = pl.Series(["".join(STATUS_LETTERS[v >> 2 * i & 3] for i in range(_PIECE))
                                      for v in range(1 << 2 * _PIECE)], dtype=pl.Utf8)
        pieces = []
        for group, word in zip(groups, words.iter_columns()):
            piece = self._pieces.gather(word)
            pieces.append(piece if len(group) == _PIECE else piece.str.slice(0, len(group)))
        return pieces

    def _csv(self, parsed: pl.DataFrame, result: pl.DataFrame, sources: Sequence[str]) -> list[Any]:
        """The cells of writers.csv_row, as csv.writer writes them, and a line break."""
        get = result.get_column
        decision = self._decisions_of(result)
        parts = [
            self._free_text(pl.Series(sources, dtype=pl.Utf8)), _lit(","), self._free_text(parsed.get_column("name")),
            decision.get_column("a"), *self._scores(result), decision.get_column("b"),
            _shown_floats(get("margin"), self._shown), _lit(","), _shown_floats(get("inside_share"), self._shown), _lit(","),
            _shown_floats(result.select(1.0 - pl.col("inside_share")).to_series(), self._outside, 2), _lit(","),
            self._mixes_of(result).get_column("a"), self._checklist(result), self._unknown(parsed),
        ]
        return [part if isinstance(part, pl.Expr) else pl.lit(part) for part in parts]


def _rounded(shown: Callable[[Any], str], digits: int, plus_zero: bool) -> _Texts:
    """A float's text as the row path shows it rounded: round(x, digits) [+ 0.0]."""
    if plus_zero:
        return _Texts(lambda value: shown(round(value, digits) + 0.0))
    return _Texts(lambda value: shown(round(value, digits)))


def _unknown_names(bits: int) -> list[str]:
    return [name for k, name in enumerate(EVIDENCE_FIELDS) if bits >> k & 1]


class _Sink:
    """A file for csv.writer that keeps each row's line apart (the writer writes a row at a time)."""

    def __init__(self, write: Any) -> None:
        self.write = write
