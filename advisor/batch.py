"""Batch scoring: stream records through the engine, report bad ones, count everything.

Records read = scored + rejected, always; nothing is dropped without a line on stderr.
"""


from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, IO

from advisor.engine import Engine
from advisor.errors import AdvisorError, ProfileError
from advisor.readers import read_inputs
from advisor.recommendation import Recommendation
from advisor.writers import BatchWriter, atomic_output, refuse_overwriting_inputs

# Duplicate names are remembered up to this many distinct names, so memory stays flat
# on million-row files; past it the check stops and says so once.
DUPLICATE_CHECK_LIMIT = 200_000


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
) -> Summary:
    """Score every record of `inputs`, writing `fmt` to `output` (or stdout).

    With `fail_fast`, the first bad record stops the run and no output file is written.
    `progress`, if given, is called with the count of records read so far; `on_scored`
    with each scored profile and its source (e.g. to write its report).
    """
    if output is not None:
        refuse_overwriting_inputs(output, inputs)
    summary = Summary(output=str(output) if output is not None else None)
    rows: list[tuple[str, Recommendation]] = []  # the table format only: a table is printed whole
    records = read_inputs(inputs, warn=report, stdin=stdin)
    first_seen: dict[str, str] = {}
    try:
        # FailFast leaves the output context by an exception, so a partial file is discarded
        with contextlib.ExitStack() as stack:
            stream = stack.enter_context(atomic_output(output)) if output is not None else (stdout or sys.stdout)
            writer = BatchWriter(stream, fmt, engine, trace=trace) if fmt != "table" else None
            for record in records:
                summary.read += 1
                if progress is not None:
                    progress(summary.read)
                error: AdvisorError | None = record.error
                if error is None:
                    assert record.profile is not None
                    try:
                        evaluation = engine.evaluate(record.profile)
                    except ProfileError as exc:
                        exc.file, exc.line = record.file, record.line_of(exc.key) or record.line
                        error = exc
                if error is not None:
                    summary.rejected += 1
                    report(error.located())
                    if fail_fast:
                        if writer is not None and output is None:
                            writer.flush()  # standard output streams: what was scored before stays
                        raise FailFast
                    continue
                _check_duplicate(record.profile.name, record.source, first_seen, report)
                summary.scored += 1
                summary.per_model[evaluation.department_model] += 1
                if on_scored is not None:
                    on_scored(record.profile, record.source)
                if writer is not None:
                    writer.write(record.source, evaluation)
                else:
                    rows.append((record.source, engine.recommendation(evaluation)))
            if writer is not None:
                writer.close()
            elif rows:
                from rich.console import Console

                from advisor.render.table import batch_table

                Console(file=stream).print(batch_table(rows))
    except FailFast:
        summary.stopped_early = True
    return summary


def _check_duplicate(name: str, source: str, first_seen: dict[str, str], report: Callable[[str], None]) -> None:
    """Two records with one name are both scored; the second is pointed at the first."""
    earlier = first_seen.get(name)
    if earlier is not None:
        report(f"{source}: name: '{name}' also names the record at {earlier} (both are scored)")
    elif len(first_seen) < DUPLICATE_CHECK_LIMIT:
        first_seen[name] = source
        if len(first_seen) == DUPLICATE_CHECK_LIMIT:
            report(f"duplicate-name check stops after {DUPLICATE_CHECK_LIMIT:,} names, to keep memory flat")
