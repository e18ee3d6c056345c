"""score: many profiles, with a progress bar for a person watching."""

# No `from __future__ import annotations`: typer would evaluate each annotation's text on every run (see app.py).

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from advisor.cli.app import (
    LangOption, ScoreFormat, RulesOption, app, engine_from, env, fail, language_of, say,
)
from advisor.errors import AdvisorError, ExitStatus


class RecordShape(str, Enum):
    lean = "lean"
    full = "full"


@app.command()
def score(
    inputs: Annotated[
        list[str],
        typer.Argument(metavar="INPUT...", help="Profile YAML files, folders of them, CSV (header = field names), JSONL, or - for stdin."),
    ],
    format: Annotated[
        Optional[ScoreFormat], typer.Option("--format", "-f", help="Output format (default: from --output's suffix, .csv, .json, .jsonl or .ndjson; otherwise table).", show_default=False)
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.")
    ] = None,
    trace: Annotated[
        bool, typer.Option("--trace/--no-trace", help="In JSON and JSONL output, include the facts the rules compared and every rule's outcome (fired, not_fired, unknown).")
    ] = True,
    records: Annotated[
        RecordShape, typer.Option("--records", help="Shape of JSON and JSONL records: lean (a header first says what the rule base fixes; each record names rules by their index in it and traces every rule's outcome as one letter) or full (each record whole: rule ids, the why of every reason, its document).")
    ] = RecordShape.lean,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop at the first bad record (no output file is written).")
    ] = False,
    report_dir: Annotated[
        Optional[Path], typer.Option("--report-dir", help="Also write an HTML report per profile and a sortable index.html here.", show_default=False)
    ] = None,
    jobs: Annotated[
        Optional[int], typer.Option("--jobs", "-j", min=1, max=64, help="Processes (at most 64) scoring CSV and JSON Lines rows for csv/json/jsonl output without --report-dir (default: one, which scores CSV rows as columns; one per CPU, up to 8, for JSON Lines inputs over 256 KB and for --records full), or writing the reports of --report-dir (N from 32 profiles; default: one per CPU, up to 8, from 300 profiles, and one process for fewer). The output is the same whatever the number.", show_default=False)
    ] = None,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Score many profiles; bad records are reported on stderr and the rest are still scored."""
    from advisor.batch import score_batch

    format = format or format_of(output)
    try:
        engine = engine_from(rules)
        language = language_of(lang)
        reports = None
        if report_dir is not None:
            from advisor.report.write import ReportFolder

            reports = ReportFolder(report_dir, engine, language, jobs=1 if fail_fast else jobs)
        try:
            with ProgressBar(enabled=show_progress(format, output)) as progress:
                summary = score_batch(
                    engine, inputs, fmt=format.value, output=output, trace=trace, report=say,
                    fail_fast=fail_fast, progress=progress, stdin=env().stdin, stdout=env().stdout, on_scored=reports.add if reports else None, jobs=jobs, records=records.value,
                    lang=language,
                )
            if reports is not None and not summary.stopped_early:
                from advisor.i18n import tr

                say(tr("score.reports", language, count=len(reports.rows), folder=report_dir, index=reports.finish()))
        finally:
            if reports is not None:
                reports.close()
    except AdvisorError as exc:
        raise fail(exc) from None
    from advisor.wording import wording
    from advisor.wording.batch import summary_text

    say(summary_text(summary, wording(language)))
    raise typer.Exit(int(ExitStatus.BAD_RECORDS if summary.rejected else ExitStatus.OK))


# An output file's suffix names its format when --format is not given: `-o scores.jsonl` writes
# JSON Lines, not a table in a file named .jsonl. A compressed suffix is not looked through:
# the output is never compressed.
SUFFIX_FORMATS = {".csv": ScoreFormat.csv, ".json": ScoreFormat.json, ".jsonl": ScoreFormat.jsonl, ".ndjson": ScoreFormat.jsonl}


def format_of(output: Path | None) -> ScoreFormat:
    """The format --output's suffix names, or the table (for stdout, -, and any other suffix)."""
    if output is None:
        return ScoreFormat.table
    return SUFFIX_FORMATS.get(output.suffix.lower(), ScoreFormat.table)


def show_progress(format: ScoreFormat, output: Path | None) -> bool:
    """A bar only for a person watching stderr, and never over results printed to the same terminal."""
    import os

    if os.environ.get("CI") or not env().stderr_isatty:
        return False
    return output is not None or format is ScoreFormat.table or not env().stdout_isatty


class ProgressBar:
    """Context manager yielding a callback(records_read), or None when no bar is shown.

    The bar (and rich's refresh thread) starts at the first call, so worker processes
    forked before any record is read never inherit a running thread.
    """

    EVERY = 250  # records between redraws: a redraw costs more than scoring a record

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.progress = None

    def __enter__(self):
        if not self.enabled:
            return None
        task = None

        def update(count: int) -> None:
            nonlocal task
            if count % self.EVERY == 0:
                if self.progress is None:
                    task = self._start()
                self.progress.update(task, completed=count)

        return update

    def _start(self):
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("scoring: {task.completed:,} records read"),
            TimeElapsedColumn(),
            console=env().console(stderr=True),
            transient=True,
        )
        self.progress.start()
        return self.progress.add_task("score", total=None)

    def __exit__(self, *exc_info) -> None:
        if self.progress is not None:
            self.progress.stop()
