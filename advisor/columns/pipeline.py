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
from typing import TYPE_CHECKING, Any, NamedTuple

from advisor.parallel import Outcome, score_here
from advisor.readers import Record, RawRecord

if TYPE_CHECKING:
    import polars as pl

    from advisor.engine import Engine

# Rows decided together. polars' cost per call is much the same for 10 rows as for 8,192 (evaluate
# plans ~16 ms of expressions a call, parse ~6 ms), so larger chunks pay less of it, but a chunk in
# flight is most of the memory. Measured again with the allocator settings of columns/__init__.py
# (bench/run.py's measure, one run each): 16,384 rows a chunk took 0.90x the CPU of 8,192 for
# --no-trace on 100,000 rows (2.04 against 2.27 s) but peaked at 239-244 MiB (PSS) there, where
# 8,192 peaks at 161-165 MiB on 10,000 rows and 183-187 MiB on 100,000: flat memory is worth it.
CHUNK_ROWS = 8192
# CSV rows below which the row path is as quick as importing polars (~0.1 s) and compiling the rule
# base as columns (~0.1 s more): 2,000 rows took 0.50 s of CPU as rows and 0.57 s as columns,
# 2,500 rows 0.76 s as rows and 0.66 s as columns (medians of 3, JSON Lines with traces).
MIN_ROWS = 2000

COLLECT_EVERY = 8  # chunks between collections of the young objects (see score_columns)

Parse = Callable[[list[RawRecord]], Any]  # rows -> an object with .frame and .ok (columns-spec section 1)
Evaluate = Callable[["pl.DataFrame"], "pl.DataFrame"]  # parsed frame -> result frame (columns-spec section 2)


def score_columns(records: Iterable[Record | RawRecord], engine: Engine, encode: Callable[[str, Any], Any], *,
                  fmt: str, trace: bool, held: list[str], report: Callable[[str], None],
                  chunk_rows: int | None = None, min_rows: int | None = None,
                  parse: Parse | None = None, evaluate: Evaluate | None = None, lang: str = "en",
                  runs: bool = False) -> Iterator[Outcome | Decided]:
    """Outcomes of `records` in order, CSV rows decided a chunk at a time.

    `encode` is the row path's encoder, for the rows that take it. `held` is where the reader
    puts its warnings (e.g. ignored columns); each is reported just before the outcome of the
    record read after it, where the row path says it. Fewer than `min_rows` CSV rows in all
    are scored on the row path alone (polars is not imported). `parse` and `evaluate` default
    to advisor.columns.parse and advisor.columns.evaluate for `engine`. With `runs`, rows the
    column path decided come as Decided runs (many rows each) instead of one outcome a row.
    """
    chunk_rows = chunk_rows or CHUNK_ROWS
    min_rows = MIN_ROWS if min_rows is None else min_rows
    chunk: list[Record | RawRecord] = []
    befores: dict[int, list[str]] = {}  # the reader's warnings said before a chunk item, by its place
    columns: Any = None  # the CsvColumns of the chunk's CSV rows (one file's)
    rows = 0  # CSV rows in the chunk
    encoder: _Chunks | None = None
    # Reading, deciding and handing on a chunk make a few hundred thousand objects and no cycles worth
    # a collection, while the chunk's rows are alive for the collector to walk again and again: the
    # collector is paused for the loop, and collects the young objects after every COLLECT_EVERY chunks
    # (each such collection walks the ~18k objects of the chunk just handed on, 5-10 ms). On 100k rows
    # (CSV out, gc.callbacks) it took ~0.04 s instead of ~0.2 s paused only while a chunk was decided.
    # The row path makes cycles (a rejected row's error and its traceback): it runs with the collector
    # (_scored), else 70k rows, half of them rejected, took 480 MB instead of 140.
    collecting = gc.isenabled()
    gc.disable()
    chunks = 0
    try:
        for item in records:
            before = None
            if held:
                before, held[:] = held[:], []
            is_row = type(item) is RawRecord and item.columns is not None
            if chunk and (len(chunk) >= chunk_rows or (is_row and rows and item.columns is not columns)):
                if encoder is None and rows >= min_rows:
                    encoder = _Chunks(engine, fmt, trace, parse, evaluate, lang)
                yield from _scored(chunk, rows, befores, engine, encode, encoder, report, lang, runs, collecting)
                chunk, rows, befores = [], 0, {}
                chunks += 1
                if collecting and chunks % COLLECT_EVERY == 0:
                    gc.collect(1)
            if is_row:
                columns = item.columns
                rows += 1
            if before:
                befores[len(chunk)] = before
            chunk.append(item)
        if chunk:
            if encoder is None and rows >= min_rows:
                encoder = _Chunks(engine, fmt, trace, parse, evaluate, lang)
            yield from _scored(chunk, rows, befores, engine, encode, encoder, report, lang, runs, collecting)
    finally:
        if collecting:
            gc.enable()
    for warning in held:
        report(warning)
    held.clear()


class Decided:
    """Consecutive CSV rows of one file the column path decided, handed on as one unit.

    Per row, in order: the row, its name, its department model, its record (as the row
    path's `encode` makes it) and, by the row's place in the run, its located warnings on
    the answers. `outcomes()` gives the same as one outcome a row.
    """

    __slots__ = ("file", "rows", "names", "models", "records", "warnings")

    def __init__(self, rows: list[RawRecord], names: list[str], models: list[str], records: list[bytes],
                 warnings: dict[int, tuple[str, ...]]) -> None:
        self.file = rows[0].file
        self.rows, self.names, self.models, self.records, self.warnings = rows, names, models, records, warnings

    def outcomes(self) -> Iterator[Outcome]:
        for k, row in enumerate(self.rows):
            yield row.file, row.line, self.names[k], self.models[k], self.records[k], self.warnings.get(k, ())


class _Chunks:
    """The column path for one engine and output: parse, decide, encode a chunk of CSV rows."""

    def __init__(self, engine: Engine, fmt: str, trace: bool, parse: Parse | None, evaluate: Evaluate | None,
                 lang: str = "en") -> None:
        if parse is None:
            from advisor.columns.parse import parse_csv_rows as parse
        if evaluate is None:
            from advisor.columns.evaluate import ColumnEngine

            evaluate = ColumnEngine(engine).evaluate
        from advisor.columns.records import ColumnRecords
        from advisor.columns.warnings import ColumnWarnings

        self.parse, self.evaluate, self.lang = parse, evaluate, lang
        self.records = ColumnRecords(engine, fmt, trace=trace)
        self.warnings = ColumnWarnings(lang)

    def decide(self, rows: list[RawRecord]) -> _Chunk:
        """The rows decided here: their places in `rows`, names, models, records and located warnings."""
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
        taken = [rows[n] for n in places] if len(places) < len(rows) else rows
        names = frame.get_column("name").to_list()
        encoded = self.records.encode(frame, result, [row.source for row in taken])
        warnings = self.warnings.located(frame, taken)
        models = result.get_column("department_model").to_list()
        return _Chunk(places, names, models, encoded, warnings)


class _Chunk(NamedTuple):
    places: list[int]  # per decided row, its place among the chunk's CSV rows
    names: list[str]
    models: list[str]
    records: list[bytes]
    warnings: dict[int, tuple[str, ...]]  # by the place among the decided rows


def _scored(chunk: list[Record | RawRecord], rows: int, befores: dict[int, list[str]], engine: Engine,
            encode: Callable[[str, Any], Any], encoder: _Chunks | None, report: Callable[[str], None],
            lang: str = "en", runs: bool = False, collecting: bool = False) -> Iterator[Outcome | Decided]:
    """The chunk's outcomes in order: runs of decided rows, the row path's outcome for any other item.
    A run ends where the reader has a warning to say before the next item. With `collecting`, the
    collector (paused by score_columns) runs while any item takes the row path."""
    csv_rows = chunk if rows == len(chunk) else [
        item for item in chunk if type(item) is RawRecord and item.columns is not None]
    done = encoder.decide(csv_rows) if encoder is not None and csv_rows else _Chunk([], [], [], [], {})
    places = done.places
    if len(places) == len(chunk):  # every item a CSV row the column path decided: runs between the reader's warnings
        cuts = [0, *sorted(k for k in befores if k), len(chunk)]
        for start, end in zip(cuts, cuts[1:]):
            for warning in befores.get(start, ()):
                report(warning)
            yield from _run(csv_rows, done, start, end, start, runs)
        return
    if collecting:
        gc.enable()
    try:
        yield from _some_scored(chunk, befores, engine, encode, report, lang, runs, csv_rows, done)
    finally:
        if collecting:
            gc.disable()


def _some_scored(chunk: list[Record | RawRecord], befores: dict[int, list[str]], engine: Engine,
                 encode: Callable[[str, Any], Any], report: Callable[[str], None], lang: str, runs: bool,
                 csv_rows: list[RawRecord], done: _Chunk) -> Iterator[Outcome | Decided]:
    """_scored for a chunk with items on the row path: runs of decided rows between them."""
    places = done.places
    taken = 0  # decided rows passed
    seen = 0  # CSV rows passed
    start: int | None = None  # the open run's first decided row
    for k, item in enumerate(chunk):
        before = befores.get(k)
        row = type(item) is RawRecord and item.columns is not None
        took = row and taken < len(places) and places[taken] == seen
        seen += row
        if start is not None and (before or not took):
            yield from _run(csv_rows, done, start, taken, places[start], runs)
            start = None
        for warning in before or ():
            report(warning)
        if took:
            if start is None:
                start = taken
            taken += 1
        else:
            yield from score_here((item,), engine, encode, lang)
    if start is not None:
        yield from _run(csv_rows, done, start, taken, places[start], runs)


def _run(csv_rows: list[RawRecord], done: _Chunk, start: int, end: int, first: int,
         runs: bool) -> Iterator[Outcome | Decided]:
    """Decided rows start..end (consecutive CSV rows from csv_rows[first]) as one run, or one outcome each."""
    warnings = done.warnings
    if start or end < len(done.places):
        warnings = {n - start: found for n, found in warnings.items() if start <= n < end}
    run = Decided(csv_rows[first:first + end - start], done.names[start:end], done.models[start:end],
                  done.records[start:end], warnings)
    if runs:
        yield run
    else:
        yield from run.outcomes()

