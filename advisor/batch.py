"""Batch scoring: stream records through the engine, report bad ones, count everything.

Records read = scored + rejected, always; nothing is dropped without a line on stderr.
"""


from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from advisor.engine import Engine, Evaluation
from advisor.nameplaces import NamePlaces
from advisor.profile import unknown_fields
from advisor.parallel import Outcome, default_jobs, score_here, score_in_pool, worth_parallel
from advisor.readers import read_inputs_raw, source_of
from advisor.recommendation import ModelDecision
from advisor.writers import BatchWriter, atomic_output, is_stdout, refuse_overwriting_inputs

if TYPE_CHECKING:
    from advisor.columns.pipeline import Decided

# Duplicate names are remembered up to this many distinct names, so memory stays flat
# on million-row files; past it the check stops and says so once.
DUPLICATE_CHECK_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class TableRow:
    """What the batch table shows of one scored profile, and no more: a Recommendation with its
    traces is ~34 KB, so a 100,000-row table held 3.4 GB before it could be printed."""

    name: str
    model: ModelDecision  # without its reasons
    inside_share: float | None  # None where the inside/outside split does not apply
    hybrid: bool
    technologies: int  # checklist items that apply
    unknown_fields: int

    @classmethod
    def of(cls, engine: Engine, ev: Evaluation) -> TableRow:
        return cls(
            ev.profile.name,
            engine.model_decision(ev, []),
            None if engine.mix_not_applicable(ev) else ev.inside_share,
            ev.hybrid,
            len(engine.technologies_with(ev, "applies")),
            len(unknown_fields(ev.profile)),
        )


@dataclass
class Summary:
    read: int = 0
    scored: int = 0
    rejected: int = 0
    per_model: Counter[str] = field(default_factory=Counter)
    output: str | None = None
    stopped_early: bool = False

    def describe(self) -> str:
        models = ", ".join(f"{model} {count}" for model, count in sorted(self.per_model.items()))
        text = f"records read {self.read}, scored {self.scored}, rejected {self.rejected}"
        if models:
            text += f"; {models}"
        if self.stopped_early:
            text += "; stopped at the first bad record (--fail-fast)"
            if self.output:
                text += f"; {self.output} not written"
        elif self.output:
            text += f"; written to {self.output}"
        return text


class FailFast(Exception):
    """Raised inside the output context so a partial output file is discarded."""


def score_batch(
    engine: Engine,
    inputs: list[str],
    *,
    fmt: str,
    output: Path | None,
    trace: bool,
    report: Callable[[str], None],
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    fail_fast: bool = False,
    progress: Callable[[int], None] | None = None,
    on_scored: Callable[[Any, str], None] | None = None,
    jobs: int | None = None,
    records: str = "lean",
    lang: str = "en",  # the language of the table and of the warnings on the answers
    path: str | None = None,
) -> Summary:
    """Score every record of `inputs`, writing `fmt` to `output` (or stdout).

    With `fail_fast`, the first bad record stops the run and no output file is written.
    `progress`, if given, is called with the count of records read so far; `on_scored`
    with each scored profile's Evaluation (its `.profile`) and its source (e.g. to write its report
    without evaluating the profile again). `jobs` worker
    processes score CSV and JSON Lines rows (None: as many as there are CPUs, when the
    input is long enough to gain from it; 1: this process alone); the output is the same.
    `records` is the shape of JSON records: "lean" (a header, then rules by index) or "full".
    `path` chooses how CSV rows are scored in this process: "columns" (a chunk at a time,
    advisor.columns), "rows" (one at a time) or None (ADVISOR_SCORE_PATH, else columns from
    MIN_ROWS rows on); the output and messages are the same.
    """
    if is_stdout(output):  # -o - and -o /dev/stdout: standard output, as without -o
        output = None
    if output is not None:
        refuse_overwriting_inputs(output, inputs)
    summary = Summary(output=str(output) if output is not None else None)
    rows: list[tuple[str, TableRow]] = []  # the table format only: a table is printed whole
    names = _Names()
    try:
        # FailFast leaves the output context by an exception, so a partial file is discarded
        with contextlib.ExitStack() as stack:
            stream = stack.enter_context(atomic_output(output)) if output is not None else (stdout or sys.stdout)
            writer = BatchWriter(stream, fmt, engine, trace=trace, records=records) if fmt != "table" else None
            outcomes = stack.enter_context(contextlib.closing(
                _outcomes(engine, inputs, writer, report, stdin, on_scored, jobs, path, lang)))
            for outcome in outcomes:
                if type(outcome) is not tuple:  # a run of rows the column path decided
                    _take_run(outcome, summary, names, writer, report, progress)
                    outcome = None  # its rows and records go now, not once the next chunk is read and decided
                    continue
                file, line, name, model, result, warnings = outcome
                summary.read += 1
                if progress is not None:
                    progress(summary.read)
                if model is None:
                    summary.rejected += 1
                    report(result)
                    if fail_fast:
                        if writer is not None and output is None:
                            writer.flush()  # standard output streams: what was scored before stays
                        raise FailFast
                    continue
                names.check(name, file, line, report)
                for warning in warnings:  # contradictory answers: said, never a rejection
                    report(warning)
                summary.scored += 1
                summary.per_model[model] += 1
                if writer is not None:
                    writer.write(result)
                else:
                    rows.append((source_of(file, line), result))
            if writer is not None:
                writer.close()
            elif rows:
                from advisor.render.console import PipeConsole

                from advisor.render.table import batch_table

                PipeConsole(file=stream).print(batch_table(rows, engine.rule_base, lang))
    except FailFast:
        summary.stopped_early = True
    return summary


def _take_run(run: Decided, summary: Summary, names: _Names, writer: BatchWriter,
              report: Callable[[str], None], progress: Callable[[int], None] | None) -> None:
    """Count, say and write a run of scored rows as the loop in score_batch would, one row after another."""
    count = len(run.records)
    if progress is not None:
        for read in range(summary.read + 1, summary.read + count + 1):
            progress(read)
    summary.read += count
    warnings = run.warnings
    if names.remember(run.names, run.file, run.rows):  # no name said twice: only the warnings, in row order
        for k in sorted(warnings):
            for warning in warnings[k]:
                report(warning)
    else:
        for k, row in enumerate(run.rows):
            names.check(run.names[k], row.file, row.line, report)
            for warning in warnings.get(k, ()):
                report(warning)
    summary.scored += count
    summary.per_model.update(run.models)
    writer.write_many(run.records)


def _outcomes(engine: Engine, inputs: list[str], writer: BatchWriter | None, report: Callable[[str], None],
              stdin: IO[str] | None, on_scored: Callable[[Any, str], None] | None,
              jobs: int | None, path: str | None, lang: str = "en") -> Iterator[Outcome | Decided]:
    """(file, line, name, model, encoded record) per scored record, (file, line, None, None, error) per bad one;
    on the column path, a Decided run for consecutive rows it decided (many rows in one)."""
    if writer is None or on_scored is not None:  # a table, or reports, need each evaluation in this process
        records = read_inputs_raw(inputs, warn=report, stdin=stdin)
        make = writer.encode if writer is not None else (lambda source, ev: TableRow.of(engine, ev))

        def encode(source: str, ev: Evaluation) -> Any:
            if on_scored is not None:
                on_scored(ev, source)
            return make(source, ev)

        return score_here(records, engine, encode, lang)
    path = path or os.environ.get("ADVISOR_SCORE_PATH") or None
    columns = path != "rows" and (writer.fmt == "csv" or writer.records == "lean")
    if jobs is None:
        # CSV rows decided as columns in this process are quicker than workers scoring them a row at a time;
        # workers still pay for long JSON Lines, which stay on the row path (figures: README, bench/run.py)
        jobs = default_jobs() if worth_parallel(inputs, csv=not columns) else 1
    if jobs > 1:
        return _large_buffers_unmapped(score_in_pool(read_inputs_raw(inputs, warn=report, stdin=stdin), engine,
                                                     writer.encode, fmt=writer.fmt, trace=writer.trace, jobs=jobs,
                                                     shape=writer.records, lang=lang))
    if not columns:
        return score_here(read_inputs_raw(inputs, warn=report, stdin=stdin), engine, writer.encode, lang)
    from advisor.columns.pipeline import MIN_ROWS, score_columns

    held: list[str] = []  # the reader's warnings, said in their turn among the outcomes
    return score_columns(read_inputs_raw(inputs, warn=held.append, stdin=stdin), engine, writer.encode,
                         fmt=writer.fmt, trace=writer.trace, held=held, report=report,
                         min_rows=0 if path == "columns" else MIN_ROWS, lang=lang, runs=True)


def _large_buffers_unmapped(outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
    """`outcomes`, glibc's malloc told, once the workers have started, to map every buffer of 128 KiB
    or more in this process on its own and unmap it when freed.

    By default glibc raises that threshold to the size of the largest mapped buffer freed so far,
    so the chunk files the parent reads from its workers (~400 KB each) came from the heap after
    the first, between small objects that outlive them, and the heap crept: the parent of two
    workers peaked at 29-34 MiB (PSS) on 10,000 rows and 35-43 MiB on 100,000; with the threshold
    fixed, 26-30 and 31-32 (bench/run.py's sampling, interleaved runs). Not in the workers (they
    start first): there the same setting took 4.5% more CPU in all. Only where the C library has
    mallopt (glibc); elsewhere nothing changes.
    """
    with contextlib.closing(outcomes):
        for outcome in outcomes:  # the first comes once every worker has started (forked or spawned)
            try:
                import ctypes

                ctypes.CDLL(None).mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
            except (OSError, AttributeError):
                pass
            yield outcome
            yield from outcomes
            return


class _Names:
    """The names scored so far, to point a second record with a name at the first.

    Each name keeps only where it was first seen, packed in one integer (which file, which
    line), in a NamePlaces (~37 bytes a name); past DUPLICATE_CHECK_LIMIT names the check
    stops and says so once, and memory stays flat however long the input.
    """

    def __init__(self) -> None:
        self.first = NamePlaces()
        self.count = 0  # names in first
        self.files: dict[str, int] = {}
        self.file_names: list[str] = []
        self.full = False

    def check(self, name: str, file: str, line: int | None, report: Callable[[str], None]) -> None:
        """Two records with one name are both scored; the second is pointed at the first."""
        if self.count < DUPLICATE_CHECK_LIMIT:
            earlier = self.first.setdefault(name, self._file_number(file) << 32 | (line or 0))  # lines from 1: 0 is "the whole file"
            if earlier is None:
                self.count += 1
                return
        else:
            earlier = self.first.get(name)
        if earlier is not None:
            first_file, first_line = self.file_names[earlier >> 32], earlier & 0xFFFFFFFF
            where = source_of(first_file, first_line or None)
            report(f"{source_of(file, line)}: name: '{name}' also names the record at {where} (both are scored)")
        elif not self.full:
            self.full = True
            report(f"{source_of(file, line)}: duplicate-name check stops at this record: it remembers "
                   f"{DUPLICATE_CHECK_LIMIT:,} names, to keep memory flat")

    def remember(self, names: list[str], file: str, rows: list[Any]) -> bool:
        """Remember `names`, of `rows` of `file`, where none was seen before nor is twice among them, the
        check has room for all, and so check() would say nothing: True. Else nothing changes: False."""
        if self.count + len(names) > DUPLICATE_CHECK_LIMIT:
            return False
        packed = self._file_number(file) << 32
        if not self.first.add_new(names, [packed | (row.line or 0) for row in rows]):
            return False
        self.count += len(names)
        return True

    def _file_number(self, file: str) -> int:
        """The file's number in file_names, given on first sight: a name's place packs it with the line."""
        number = self.files.get(file)
        if number is None:
            number = self.files[file] = len(self.file_names)
            self.file_names.append(file)
        return number
