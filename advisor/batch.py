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
from typing import IO

from advisor.engine import Engine
from advisor.errors import AdvisorError, ProfileError
from advisor.readers import read_inputs
from advisor.recommendation import Recommendation
from advisor.writers import BatchWriter, atomic_output, refuse_overwriting_inputs


@dataclass
class Summary:
    read: int = 0
    scored: int = 0
    rejected: int = 0
    per_model: Counter[str] = field(default_factory=Counter)
    output: str | None = None

    def describe(self) -> str:
        models = ", ".join(f"{model} {count}" for model, count in sorted(self.per_model.items()))
        text = f"records read {self.read}, scored {self.scored}, rejected {self.rejected}"
        if models:
            text += f"; {models}"
        if self.output:
            text += f"; written to {self.output}"
        return text


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
) -> Summary:
    """Score every record of `inputs`, writing `fmt` to `output` (or stdout)."""
    if output is not None:
        refuse_overwriting_inputs(output, inputs)
    summary = Summary(output=str(output) if output is not None else None)
    rows: list[tuple[str, Recommendation]] = []
    records = read_inputs(inputs, warn=report, stdin=stdin)

    with contextlib.ExitStack() as stack:
        stream = stack.enter_context(atomic_output(output)) if output is not None else (stdout or sys.stdout)
        writer = BatchWriter(stream, fmt, trace=trace) if fmt != "table" else None
        for record in records:
            summary.read += 1
            error: AdvisorError | None = record.error
            if error is None:
                assert record.profile is not None
                try:
                    rec = engine.recommend(record.profile)
                except ProfileError as exc:
                    exc.file, exc.line = record.file, record.line_of(exc.key) or record.line
                    error = exc
            if error is not None:
                summary.rejected += 1
                report(error.located())
                continue
            summary.scored += 1
            summary.per_model[rec.department_model.id] += 1
            if writer is not None:
                writer.write(record.source, rec)
            else:
                rows.append((record.source, rec))
        if writer is not None:
            writer.close()
        else:
            from rich.console import Console

            from advisor.render.table import batch_table

            console = Console(file=stream) if output is not None else Console(file=stdout) if stdout else Console()
            if rows:
                console.print(batch_table(rows))
    return summary
