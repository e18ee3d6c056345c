"""`advisor score` on CSV rows, a chunk at a time: parse, evaluate and encode as columns.

Consecutive CSV rows of one file are gathered into chunks of CHUNK_ROWS; each chunk is
parsed (advisor.columns.parse), decided (advisor.columns.evaluate) and encoded
(advisor.columns.records) as columns, and its outcomes come out in input order, exactly
as `advisor.parallel.score_here` gives them one row at a time. Every row the column path
is not sure of (a cell it does not read plainly, a currency without a rate, a rejected
row), every record that is no CSV row (YAML, JSON, JSON Lines) and every bad record the
reader reports goes through the row path in its turn, so its messages are the row path's
by construction. Memory stays flat: one chunk at a time.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from advisor.parallel import Outcome, score_here
from advisor.readers import Record, RawRecord

if TYPE_CHECKING:
    import polars as pl

    from advisor.engine import Engine

# Rows decided together. polars' cost per call is much the same for 10 rows as for 8,192 (parse
# ~9 ms, evaluate ~21 ms a call): on 100,000 rows (JSON Lines with traces, user+sys CPU, medians
# of 4 interleaved runs, this machine under load) 4,096 a chunk took 6.9 s and 194 MB at the peak
# (RSS), 8,192 took 6.6 s and 235 MB, 16,384 took 6.1 s and 324 MB; 32,768 no less CPU and 460 MB.
# Past 8,192 a few per cent of CPU cost ~40% more memory.
CHUNK_ROWS = 8192
# CSV rows below which the row path is as quick as importing polars (~0.1 s) and compiling the rule
# base as columns (~0.1 s more): 2,000 rows took 0.50 s of CPU as rows and 0.57 s as columns,
# 2,500 rows 0.76 s as rows and 0.66 s as columns (medians of 3, JSON Lines with traces).
MIN_ROWS = 2000

Parse = Callable[[list[RawRecord]], Any]  # rows -> an object with .frame and .ok (columns-spec section 1)
Evaluate = Callable[["pl.DataFrame"], "pl.DataFrame"]  # parsed frame -> result frame (columns-spec section 2)


def score_columns(records: Iterable[Record | RawRecord], engine: Engine, encode: Callable[[str, Any], Any], *,
                  fmt: str, trace: bool, held: list[str], report: Callable[[str], None],
                  chunk_rows: int | None = None, min_rows: int | None = None,
                  parse: Parse | None = None, evaluate: Evaluate | None = None, lang: str = "en") -> Iterator[Outcome]:
    """Outcomes of `records` in order, CSV rows decided a chunk at a time.

    `encode` is the row path's encoder, for the rows that take it. `held` is where the reader
    puts its warnings (e.g. ignored columns); each is reported just before the outcome of the
    record read after it, where the row path says it. Fewer than `min_rows` CSV rows in all
    are scored on the row path alone (polars is not imported). `parse` and `evaluate` default
    to advisor.columns.parse and advisor.columns.evaluate for `engine`.
    """
    chunk_rows = chunk_rows or CHUNK_ROWS
    min_rows = MIN_ROWS if min_rows is None else min_rows
    chunk: list[tuple[Record | RawRecord, list[str]]] = []
    columns: Any = None  # the CsvColumns of the chunk's CSV rows
    rows = 0  # CSV rows in the chunk
    encoder: _Chunks | None = None
    for item in records:
        before: list[str] | tuple[()] = ()
        if held:
            before, held[:] = held[:], []
        is_row = type(item) is RawRecord and item.columns is not None
        if chunk and (len(chunk) >= chunk_rows or (is_row and rows and item.columns is not columns)):
            if encoder is None and rows >= min_rows:
                encoder = _Chunks(engine, fmt, trace, parse, evaluate, lang)
            yield from _scored(chunk, engine, encode, encoder, report, lang)
            chunk, rows = [], 0
        if is_row:
            columns = item.columns
            rows += 1
        chunk.append((item, before))
    if chunk:
        if encoder is None and rows >= min_rows:
            encoder = _Chunks(engine, fmt, trace, parse, evaluate, lang)
        yield from _scored(chunk, engine, encode, encoder, report, lang)
    for warning in held:
        report(warning)
    held.clear()


class _Chunks:
    """The column path for one engine and output: parse, decide, encode a chunk of CSV rows."""

    def __init__(self, engine: Engine, fmt: str, trace: bool, parse: Parse | None, evaluate: Evaluate | None,
                 lang: str = "en") -> None:
        if parse is None:
            from advisor.columns.parse import parse_csv_rows as parse
        if evaluate is None:
            from advisor.columns.evaluate import ColumnEngine

            evaluate = ColumnEngine(engine, reasons=fmt != "csv").evaluate  # CSV records name no reasons
        from advisor.columns.records import ColumnRecords
        from advisor.columns.warnings import ColumnWarnings

        self.parse, self.evaluate, self.lang = parse, evaluate, lang
        self.records = ColumnRecords(engine, fmt, trace=trace)
        self.warnings = ColumnWarnings(lang)

    def decide(self, rows: list[RawRecord]) -> list[tuple[str, str, bytes, tuple[str, ...]] | None]:
        """Per row: (name, department model, record, located warnings), or None for the row path."""
        # A chunk makes a few hundred thousand short-lived objects and no cycles worth a collection,
        # while the chunk's rows and records are alive for the collector to walk again and again:
        # paused, the collector took 0.10 s instead of 0.22 s of 2.2 s for 30,000 rows (gc.callbacks).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._decide(rows)
        finally:
            if collecting:
                gc.enable()

    def _decide(self, rows: list[RawRecord]) -> list[tuple[str, str, bytes, tuple[str, ...]] | None]:
        import polars as pl

        parsed = self.parse(rows)
        frame = parsed.frame.filter(pl.Series(parsed.ok, dtype=pl.Boolean))
        result = self.evaluate(frame)
        decided = (~result.get_column("fallback").fill_null(True)).to_list()
        if not all(decided):
            kept = pl.Series(decided, dtype=pl.Boolean)
            frame, result = frame.filter(kept), result.filter(kept)
        # the rows decided here, by their place in `rows`
        places = [n for n, good in enumerate(parsed.ok) if good]
        places = [n for n, kept in zip(places, decided) if kept]
        taken = [rows[n] for n in places]
        names = frame.get_column("name").to_list()
        encoded = self.records.encode(frame, result, [row.source for row in taken])
        warnings = self.warnings.located(frame, taken)
        models = result.get_column("department_model").to_list()
        out: list[Any] = [None] * len(rows)
        for n, place in enumerate(places):
            out[place] = (names[n], models[n], encoded[n], warnings.get(n, ()))
        return out


def _scored(chunk: list[tuple[Record | RawRecord, list[str]]], engine: Engine, encode: Callable[[str, Any], Any],
            encoder: _Chunks | None, report: Callable[[str], None], lang: str = "en") -> Iterator[Outcome]:
    rows = [item for item, _ in chunk if type(item) is RawRecord and item.columns is not None]
    decided = iter(encoder.decide(rows) if encoder is not None and rows else ())
    for item, before in chunk:
        for warning in before:
            report(warning)
        done = next(decided, None) if type(item) is RawRecord and item.columns is not None else None
        if done is None:
            yield from score_here((item,), engine, encode, lang)
        else:
            name, model, record, warnings = done
            yield item.file, item.line, name, model, record, warnings
