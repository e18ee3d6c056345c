"""A chunk's records from its columns: the same bytes as the row path's encoders, made column-wise.

`ColumnRecords(engine, fmt, trace=...).encode(parsed, result, sources, names)` gives one
record per row, byte for byte what `advisor.writers.record_encoder(engine, fmt, trace=...,
records="lean")` makes from that row's Evaluation: lean JSON (json_records.LeanRecords) or a
CSV line (writers.csv_row). Only rows the column path decided (ok, no fallback) come here.

What can be worked out for a whole column is, once per chunk: rounding, rule outcomes
packed into integers (2 bits a rule), which fields are unknown. Parts of a record that
repeat across rows (the scores, the checklist, the unknown fields, the reasons when every
one fired) are encoded once per distinct value and put in as orjson Fragments; one tight
loop per row then only puts the pieces together.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

import orjson
import polars as pl

from advisor.engine import UNKNOWN, YES, Engine
from advisor.json_records import STATUS_LETTERS
from advisor.profile import EVIDENCE_FIELDS
from advisor.writers import CSV_COLUMNS, text_cell

_CACHE_LIMIT = 1 << 14  # distinct values remembered per cache (a few MB at most), so memory stays flat
_PER_WORD = 24  # rule outcomes packed per integer, 2 bits each: three 8-rule pieces of the trace
_PIECE = 8  # rules per piece of a trace looked up whole
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')  # a CSV cell with one of these is quoted (a superset of csv's test)
_SEPARATOR = "\x1f"  # between a list's items in a key: no id or index holds it
_dumps = orjson.dumps


def _json(value: Any) -> orjson.Fragment:
    """JSON to put in a record as it is; copied, because orjson's own bytes keep about 2 KB of room."""
    return orjson.Fragment(bytes(memoryview(_dumps(value))))


def _rounder(digits: int, plus_zero: bool) -> Callable[[float], float]:
    """round(x, digits) [+ 0.0], as the row path's encoders round."""
    return (lambda value: round(value, digits) + 0.0) if plus_zero else (lambda value: round(value, digits))


class _Shared(dict):  # type: ignore[type-arg]
    """A part of a record made once per distinct key (bounded, so memory stays flat): rounded scores and
    shares and their JSON, a float's text, checklists... rows repeat them, and making one (round() with
    digits, str() of a float) costs about ten times a look-up. `keep` says which keys may be remembered."""

    def __init__(self, make: Callable[[Any], Any], keep: Callable[[Any], bool] | None = None) -> None:
        super().__init__()
        self.make, self.keep = make, keep

    def __missing__(self, key: Any) -> Any:
        value = self.make(key)
        if len(self) < _CACHE_LIMIT and (self.keep is None or self.keep(key)):
            self[key] = value
        return value

    def of(self, keys: list[Any]) -> list[Any]:
        return list(map(self.__getitem__, keys))


def _packed(result: pl.DataFrame, names: Sequence[str]) -> list[tuple[int, ...]]:
    """Per row: the codes (0-3) of columns `names`, packed 2 bits each, _PER_WORD to an integer (see _code)."""
    if not names:
        return [()] * result.height
    words = [pl.sum_horizontal([pl.col(name).cast(pl.Int64) * (1 << 2 * k)
                                for k, name in enumerate(names[start:start + _PER_WORD])]).alias(f"w{start}")
             for start in range(0, len(names), _PER_WORD)]
    frame = result.select(words)
    return list(zip(*(frame.get_column(column).to_list() for column in frame.columns)))


def _joined(result: pl.DataFrame, column: str) -> list[str]:
    """Per row: a list column's items joined by commas ("" for an empty list), a key to share parts by."""
    series = result.get_column(column)
    if series.dtype != pl.List(pl.Utf8):
        series = series.cast(pl.List(pl.Utf8))
    return series.list.join(_SEPARATOR).to_list()


class ColumnRecords:
    """Encodes a chunk's rows of one engine in one format (json, jsonl or csv; lean JSON records)."""

    def __init__(self, engine: Engine, fmt: str, *, trace: bool = True) -> None:
        self.engine = engine
        self.fmt = fmt
        self.trace = trace
        rules = engine.rules
        self._rule_count = len(rules)
        self._models = list(engine.tie_break)
        self._points = {index: rule.effect["points"] for index, rule in enumerate(rules)
                        if rule.decision == "department_model"}
        self._shift = {index: rule.effect["inside_shift"] for index, rule in enumerate(rules)
                       if "inside_shift" in rule.effect}
        first = engine.first_technology
        self._tech_ids = [item.id for item in engine.technologies]
        # a checklist item's outcome and the codes of the leaves any item reads: what its entries depend on
        tech_leaves = sorted({leaf for rule in rules[first:] for leaf in rule.leaves})
        position = {leaf: k for k, leaf in enumerate(tech_leaves)}
        self._tech_leaves = [[(position[leaf], tuple(n for n in (engine.leaves[leaf].field, engine.leaves[leaf].per) if n))
                              for leaf in rule.leaves] for rule in rules[first:]]
        self._tech_columns = [f"rule_{i}" for i in range(first, len(rules))]
        self._tech_leaf_columns = [f"leaf_{leaf}" for leaf in tech_leaves]
        self._rule_columns = [f"rule_{i}" for i in range(len(rules))]
        self._checklists = _Shared(self._checklist_of)
        self._unknowns = _Shared(lambda bits: [name for k, name in enumerate(EVIDENCE_FIELDS) if bits >> k & 1])
        # keyed by the engine's values, never -0.0 (it adds 0.0 where they could be), so 0.0 and -0.0
        # never share a rounding; a float's text is never remembered for zero: 0.0 and -0.0 print apart
        self._round4, self._round4z = _Shared(_rounder(4, False)), _Shared(_rounder(4, True))
        self._round2 = _Shared(_rounder(2, False))
        self._text = _Shared(str, keep=bool)
        self._cells = _Shared(self._cell)
        self._unknown_cells = _Shared(lambda bits: self._cell(" ".join(self._unknowns[bits])))
        models = self._models
        # scores and their ranges as JSON objects with a slot per value (%b), each value's JSON shared
        # the JSON of a rounded value, copied out of orjson's bytes (they keep about 2 KB of room)
        self._shown4, self._shown4z = (_Shared(lambda value, r=_rounder(4, z): bytes(memoryview(_dumps(r(value)))))
                                       for z in (False, True))
        quoted = [_dumps(m).replace(b"%", b"%%") for m in models]
        self._scores_json = b"{" + b",".join(m + b":%b" for m in quoted) + b"}"
        self._ranges_json = b"{" + b",".join(m + b":[%b,%b]" for m in quoted) + b"}"
        self._lists = _Shared(lambda key: ([int(i) for i in key.split(_SEPARATOR)] if key else []))
        self._kinds = _Shared(lambda key: key.split(_SEPARATOR) if key else [])
        # per reasons list (and winner): its rules as bits, and its JSON while every one of them fired
        self._model_fired = _Shared(lambda key: self._fired(key, "points"))
        self._mix_fired = _Shared(lambda key: self._fired(key, "inside_shift"))
        # 8 rules' trace letters by their packed codes
        self._pieces = _Shared(lambda v: "".join(STATUS_LETTERS[v >> 2 * i & 3] for i in range(_PIECE)))
        meta = engine.rule_base.meta
        self._rule_base = (meta.name, meta.version, engine.rule_base.sha256)

    # ---- per column ------------------------------------------------------------------------

    def _checklist_of(self, key: Any) -> tuple[Any, ...]:
        """(the items that apply, {possible item: the fields it depends on}) as JSON, and as CSV cells."""
        codes, leaves = key
        applied: list[str] = []
        possible: dict[str, list[str]] = {}
        for t, item in enumerate(self._tech_ids):
            status = _code(codes, t)
            if status == YES:
                applied.append(item)
            elif status == UNKNOWN:
                possible[item] = sorted({n for leaf, names in self._tech_leaves[t]
                                         if _code(leaves, leaf) == UNKNOWN for n in names})
        return _json((applied)), _json((possible)), " ".join(applied), " ".join(possible)

    def _checklist(self, result: pl.DataFrame) -> list[tuple[Any, ...]]:
        codes = _packed(result, self._tech_columns)
        leaves = _packed(result, self._tech_leaf_columns)
        return self._checklists.of(list(zip(codes, leaves)))

    def _unknown_bits(self, parsed: pl.DataFrame) -> list[int]:
        """Per row: the evidence fields left unknown, a bit each in EVIDENCE_FIELDS order."""
        mask = pl.sum_horizontal([pl.col(name).is_null().cast(pl.Int64) * (1 << k)
                                  for k, name in enumerate(EVIDENCE_FIELDS)])
        return parsed.select(mask.alias("m")).to_series().to_list()

    def _unknown_fields(self, parsed: pl.DataFrame) -> list[list[str]]:
        """Per row: the evidence fields left unknown, shared among rows with the same unknowns."""
        return self._unknowns.of(self._unknown_bits(parsed))

    def _unsure(self, result: pl.DataFrame) -> list[int]:
        """Per row: the rules that give points or shift the share and did not wholly fire, a bit each."""
        indexes = sorted({*self._points, *self._shift})
        words = [pl.sum_horizontal([(pl.col(f"rule_{i}") != YES).cast(pl.Int64) * (1 << (i - start)) for i in indexes
                                    if start <= i < start + 62]).alias(f"w{start}")
                 for start in range(0, max(indexes, default=0) + 1, 62)]
        if not indexes:
            return [0] * result.height
        frame = result.select(words)
        if len(words) == 1:
            return frame.to_series().to_list()
        return [sum(w << 62 * k for k, w in enumerate(ws))
                for ws in zip(*(frame.get_column(c).to_list() for c in frame.columns))]

    def _letters(self, words: list[tuple[int, ...]]) -> list[str]:
        """Per row: the trace, one letter per rule (json_records.STATUS_LETTERS by outcome code)."""
        pieces = self._pieces
        count = self._rule_count
        shifts = [(w, 2 * _PIECE * p) for w in range(len(words[0]) if words else 0)
                  for p in range(_PER_WORD // _PIECE)]
        mask = (1 << 2 * _PIECE) - 1
        return ["".join([pieces[row[w] >> s & mask] for w, s in shifts])[:count] for row in words]

    # ---- per chunk -------------------------------------------------------------------------

    def encode(self, parsed: pl.DataFrame, result: pl.DataFrame, sources: Sequence[str],
               names: Sequence[str]) -> list[bytes]:
        """One record per row of `parsed` and `result` (the same rows, in order)."""
        if result.height == 0:
            return []
        if self.fmt == "csv":
            return self._csv(parsed, result, sources, names)
        return self._lean(parsed, result, sources, names)

    def _common(self, result: pl.DataFrame) -> dict[str, list[Any]]:
        """The columns both formats show, as Python values, rounded as the row path rounds them."""
        get = result.get_column
        col: dict[str, list[Any]] = {}
        for m in self._models:  # as the engine gives them: rounded where shown
            for name in (f"score_{m}", f"score_low_{m}", f"score_high_{m}"):
                col[name] = get(name).to_list()
        for name in ("department_model", "runner_up", "confidence", "margin", "inside_share",
                     "unclamped_inside_share", "started", "next_model", "next_confidence"):
            col[name] = get(name).to_list()
        near_tie = self.engine.near_tie
        col["close_call"] = [not s and m < near_tie for s, m in zip(col["started"], col["margin"])]
        col["decided_by"] = ["starting_point" if s else "tie_break" if m == 0 else "points"
                             for s, m in zip(col["started"], col["margin"])]
        col["outside_share"] = self._round2.of([1.0 - x for x in col["inside_share"]])
        for name in ("hybrid_reasons", "not_applicable", "sales_kinds", "model_reasons", "mix_reasons"):
            col[name] = _joined(result, name)
        return col

    def _lean(self, parsed: pl.DataFrame, result: pl.DataFrame, sources: Sequence[str],
              names: Sequence[str]) -> list[bytes]:
        n = result.height
        col = self._common(result)
        checklist = self._checklist(result)
        lows: dict[int, list[float]] = {}  # degrees of the rules partly true in some row, fetched as needed

        def low_of(index: int) -> list[float]:
            found = lows.get(index)
            if found is None:
                found = lows[index] = result.get_column(f"low_{index}").to_list()
            return found

        lists = self._lists
        models = self._models
        shown4, shown4z, fragment = self._shown4.of, self._shown4z.of, orjson.Fragment
        template = self._scores_json
        scores = [fragment(template % values) for values in zip(*(shown4(col[f"score_{m}"]) for m in models))]
        template = self._ranges_json
        ranges = [fragment(template % values) for values in zip(*(value for m in models for value in (
            shown4z(col[f"score_low_{m}"]), shown4z(col[f"score_high_{m}"]))))]
        facts = self._facts(parsed, result) if self.trace else repeat(None, n)
        letters = self._letters(_packed(result, self._rule_columns)) if self.trace else repeat(None, n)
        model_fired, mix_fired, sales_kinds = self._model_fired, self._mix_fired, self._kinds
        partly = self._partly
        model_keys = [f"{winner}{_SEPARATOR}{key}" for winner, key in zip(col["department_model"], col["model_reasons"])]
        out = []
        trace = self.trace
        columns = (sources, names, col["department_model"], col["confidence"], col["close_call"], scores, ranges,
                   col["decided_by"], col["runner_up"], col["margin"], col["next_model"], col["next_confidence"],
                   model_keys, col["inside_share"], col["outside_share"], col["unclamped_inside_share"],
                   col["mix_reasons"], col["hybrid_reasons"], col["not_applicable"], col["sales_kinds"], checklist,
                   self._unknown_fields(parsed), facts, letters, self._unsure(result))
        for row, (source, name, winner, confidence, close_call, score, score_range, decided_by, runner_up, margin,
                  next_model, next_confidence, model_reasons, inside, outside, unclamped, mix_reasons, hybrid,
                  not_applicable, kinds, (applied, possible, _, _), unknown_fields, facts_of, letters_of,
                  unsure) in enumerate(zip(*columns)):
            found = model_fired[model_reasons]
            reasons = found[1] if not unsure & found[0] else partly(found, unsure, low_of, row)
            found = mix_fired[mix_reasons]
            moved = found[1] if not unsure & found[0] else partly(found, unsure, low_of, row)
            record: dict[str, Any] = {
                "source": source,
                "name": name,
                "department_model": {
                    "id": winner,
                    "confidence": confidence,
                    "close_call": close_call,
                    "scores": score,
                    "score_ranges": score_range,
                    "decided_by": decided_by,
                    "runner_up": runner_up,
                    "margin": margin,
                    "next": None if next_model is None else {"id": next_model, "confidence": next_confidence},
                    "reasons": reasons,
                },
                "sales_mix": {
                    "inside_share": inside,
                    "outside_share": outside,
                    "hybrid": bool(hybrid),
                    "unclamped_inside_share": unclamped,
                    "reasons": moved,
                    "hybrid_reasons": lists[hybrid],
                    "applies": not not_applicable,
                    "not_applicable_reasons": lists[not_applicable],
                },
                "sales_kinds": sales_kinds[kinds],
                "technologies": applied,
                "possible_technologies": possible,
                "unknown_fields": unknown_fields,
            }
            if trace:
                record["facts"] = facts_of
                record["trace"] = letters_of
            out.append(bytes(memoryview(_dumps(record))))  # orjson's bytes keep 4-5 KB of room past a record
        return out

    def _fired(self, key: str, what: str) -> tuple[Any, ...]:
        """A reasons list as every one of its rules fired: (its rules as bits, its JSON, its rules, their effects).

        `key`: the rules (indices joined by _SEPARATOR), after the winner and a _SEPARATOR for points."""
        winner, _, key = key.partition(_SEPARATOR) if what == "points" else (None, "", key)
        indexes = self._lists[key]
        effects = [self._points[i][winner] if winner is not None else self._shift[i] for i in indexes]
        return (sum(1 << index for index in indexes),
                _json([{"rule": index, what: effect} for index, effect in zip(indexes, effects)]),
                what, list(zip(indexes, effects)))

    @staticmethod
    def _partly(fired: tuple[Any, ...], unsure: int, low_of: Callable[[int], list[float]], row: int) -> list[Any]:
        """A reasons list of a row whose rules did not all wholly fire: those rules' effects times their degree,
        rounded as LeanRecords rounds them. `unsure`: the row's rules that did not wholly fire, a bit each."""
        what = fired[2]
        return [{"rule": index, what: round(effect * low_of(index)[row], 4) if unsure >> index & 1 else effect}
                for index, effect in fired[3]]

    def _facts(self, parsed: pl.DataFrame, result: pl.DataFrame) -> list[tuple[Any, ...]]:
        """Per row: the evidence as the rules compared it (deal size in USD), in EVIDENCE_FIELDS order."""
        columns = [result.get_column("average_deal_size_usd").to_list() if name == "average_deal_size"
                   else parsed.get_column(name).to_list() for name in EVIDENCE_FIELDS]
        return list(zip(*columns))

    def _csv(self, parsed: pl.DataFrame, result: pl.DataFrame, sources: Sequence[str],
             names: Sequence[str]) -> list[bytes]:
        """CSV lines as writers.csv_row and csv.writer make them: cells joined by commas, those with a
        comma, a quote or a line break (only ever a name, a source or a rule base's text) quoted by
        csv.writer itself."""
        col = self._common(result)
        checklist = self._checklist(result)
        cell = self._cell
        quoted = _NEEDS_QUOTES.search
        col["source"] = [cell(t) if quoted(t) else t for t in map(text_cell, sources)]
        col["name"] = [cell(t) if quoted(t) else t for t in map(text_cell, names)]
        col["close_call"] = ["true" if x else "false" for x in col["close_call"]]
        col["next_model"] = [x or "" for x in col["next_model"]]
        col["hybrid"] = ["true" if x else "false" for x in col["hybrid_reasons"]]
        col["mix_applies"] = ["false" if x else "true" for x in col["not_applicable"]]
        col["sales_kinds"] = [x.replace(_SEPARATOR, " ") for x in col["sales_kinds"]]
        col["technologies"] = [c[2] for c in checklist]
        col["possible_technologies"] = [c[3] for c in checklist]
        col["unknown_fields"] = self._unknown_cells.of(self._unknown_bits(parsed))
        for name in ("department_model", "confidence", "next_model", "decided_by", "runner_up", "sales_kinds"):
            col[name] = self._cells.of(col[name])  # ids: quoted only if a rule base's id needs it
        text = self._text.of
        for m in self._models:
            col[f"score_{m}"] = text(self._round4.of(col[f"score_{m}"]))
            col[f"score_{m}_low"] = text(self._round4z.of(col.pop(f"score_low_{m}")))
            col[f"score_{m}_high"] = text(self._round4z.of(col.pop(f"score_high_{m}")))
        for name in ("margin", "inside_share", "outside_share"):
            col[name] = text(col[name])
        n = result.height
        for name, value in zip(("rule_base_name", "rule_base_version", "rule_base_sha256"), self._rule_base):
            col[name] = [cell(value)] * n
        return [f"{','.join(row)}\n".encode() for row in zip(*(col[name] for name in CSV_COLUMNS))]

    @staticmethod
    def _cell(text: str) -> str:
        """One cell as csv.writer writes it (quoted, quotes doubled, where it must be)."""
        if not _NEEDS_QUOTES.search(text):
            return text
        line: list[str] = []
        csv.writer(_Sink(line.append), lineterminator="\n").writerow([text])
        return line[0][:-1]


def _code(codes: tuple[int, ...], index: int) -> int:
    """Rule `index`'s outcome code from a row's packed words (ColumnRecords._words)."""
    return codes[index // _PER_WORD] >> 2 * (index % _PER_WORD) & 3


def _effect(effect: Any, winner: str | None) -> Any:
    return effect[winner] if winner is not None else effect


class _Sink:
    """A file for csv.writer that keeps each row's line apart (the writer writes a row at a time)."""

    def __init__(self, write: Any) -> None:
        self.write = write
