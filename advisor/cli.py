"""The `advisor` command line: parse, call the core, render. Nothing else lives here.

Heavy modules (the engine, pydantic models, rich) are imported inside the commands
that need them, so `advisor --help` stays fast.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from advisor import __version__
from advisor.errors import AdvisorError, ExitStatus

app = typer.Typer(
    name="advisor",
    help="Which sales-department model, inside/outside mix and sales technologies fit a company, "
    "and why, from five practitioners' documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

RulesOption = Annotated[
    Optional[Path],
    typer.Option("--rules", help="Rule-base folder: a complete one, or one that extends the built-in rules.", show_default=False),
]


class Language(str, Enum):
    en = "en"
    ru = "ru"
    uk = "uk"


LangOption = Annotated[
    Optional[Language],
    typer.Option("--lang", help="Language of the text: en, ru or uk (default: from the locale, LANG; else en).", show_default=False),
]


def _language(lang: Language | None) -> str:
    from advisor.i18n import detect_language

    return detect_language(lang.value if lang else None)


class RecommendFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class ScoreFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"


def _stderr(message: str) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")


def _fail(error: AdvisorError) -> typer.Exit:
    _stderr(f"advisor: {error.located()}" if error.file is None else error.located())
    return typer.Exit(int(error.exit_status))


def _engine(rules: Path | None):  # -> Engine; imported lazily
    from advisor.engine import load_engine

    engine = load_engine(rules)
    _started()
    return engine


_COLLECTOR = gc.get_threshold()


def _started() -> None:
    """Start-up is over: what it built lives until exit, so the collector may leave it be and run as usual."""
    gc.freeze()
    gc.set_threshold(*_COLLECTOR)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"advisor {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """advisor: explainable sales-model advice."""


@app.command()
def recommend(
    profile: Annotated[
        str, typer.Argument(metavar="PROFILE", help="A profile YAML (or one-row CSV/JSON) file, or - for stdin.")
    ],
    format: Annotated[RecommendFormat, typer.Option("--format", "-f", help="Output format.")] = RecommendFormat.text,
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """Recommend a department model, an inside/outside mix and a checklist for one profile."""
    try:
        engine = _engine(rules)
        record = _load_profile(profile, engine)
        rec = engine.recommend(record.profile)
    except AdvisorError as exc:
        raise _fail(exc) from None

    if format is RecommendFormat.json:
        import json

        typer.echo(json.dumps(rec.to_dict(), ensure_ascii=False, indent=2))
    elif format is RecommendFormat.markdown:
        from advisor.render.markdown import render_markdown

        typer.echo(render_markdown(rec, source=record.source, lang=_language(lang)))
    else:
        from rich.console import Console

        from advisor.render.text import render_recommendation

        # emoji=False: our texts hold no :emoji: codes, and a client's text must not turn into one
        render_recommendation(rec, Console(emoji=False), source=record.source, lang=_language(lang))


@app.command()
def score(
    inputs: Annotated[
        list[str],
        typer.Argument(metavar="INPUT...", help="Profile YAML files, folders of them, CSV (header = field names), JSONL, or - for stdin."),
    ],
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="Output format.")] = ScoreFormat.table,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.")
    ] = None,
    trace: Annotated[
        bool, typer.Option("--trace/--no-trace", help="In JSON and JSONL output, include the facts the rules compared and every rule's outcome (fired, not_fired, unknown).")
    ] = True,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop at the first bad record (no output file is written).")
    ] = False,
    report_dir: Annotated[
        Optional[Path], typer.Option("--report-dir", help="Also write an HTML report per profile and a sortable index.html here.", show_default=False)
    ] = None,
    jobs: Annotated[
        Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes scoring CSV and JSON Lines rows for csv/json/jsonl output without --report-dir (default: one per CPU, up to 8, when the input is over 256 KB; 1: one process). The output is the same whatever the number.", show_default=False)
    ] = None,
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """Score many profiles; bad records are reported on stderr and the rest are still scored."""
    from advisor.batch import score_batch

    try:
        engine = _engine(rules)
        reports = None
        if report_dir is not None:
            from advisor.report.write import ReportFolder

            reports = ReportFolder(report_dir, engine, _language(lang))
        with _progress_bar(enabled=_show_progress(format, output)) as progress, _reader_gone():
            summary = score_batch(
                engine, inputs, fmt=format.value, output=output, trace=trace, report=_stderr,
                fail_fast=fail_fast, progress=progress, on_scored=reports.add if reports else None, jobs=jobs,
            )
        if reports is not None and not summary.stopped_early:
            _stderr(f"reports: {len(reports.rows)} in {report_dir}; open {reports.finish()}")
    except AdvisorError as exc:
        raise _fail(exc) from None
    _stderr(summary.describe())
    raise typer.Exit(int(ExitStatus.BAD_RECORDS if summary.rejected else ExitStatus.OK))


@contextlib.contextmanager
def _reader_gone():
    """`advisor score big.csv | head` ends quietly with 0 when the reader stops reading.

    click would turn the broken pipe into exit 1, which here means "records were rejected".
    """
    try:
        yield
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush has somewhere to go
        raise typer.Exit(int(ExitStatus.OK)) from None


def _load_profile(item: str, engine):
    from advisor.engine import load_checked_profile

    return load_checked_profile(item, engine)


@app.command()
def ask(
    lang: LangOption = None,
    out: Annotated[
        Optional[str], typer.Option("--out", "-o", help="Where to save the profile (default: profiles/<company>.yaml).", show_default=False)
    ] = None,
    answers: Annotated[
        Optional[str], typer.Option("--answers", help="Run unattended: a YAML file of field: value answers.", show_default=False)
    ] = None,
    from_profile: Annotated[
        Optional[str], typer.Option("--from", help="Pre-fill from a profile (e.g. one made by `advisor derive`); ask only what is missing.", show_default=False)
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the questionnaire stopped with Ctrl-C.")] = False,
    rules: RulesOption = None,
) -> None:
    """Answer questions about the company in the terminal (en, ru, uk); get a saved profile and the advice."""
    from rich.console import Console

    from advisor.ask.command import run_ask

    try:
        status = run_ask(
            lang=_language(lang), out=out, answers_file=answers, from_file=from_profile, resume=resume,
            rules=str(rules) if rules else None, console=Console(highlight=False),
            interactive=sys.stdin.isatty(),
        )
    except AdvisorError as exc:
        raise _fail(exc) from None
    raise typer.Exit(status)


class DerivePreset(str, Enum):
    auto = "auto"
    bitrix24 = "bitrix24"
    amocrm = "amocrm"
    hubspot = "hubspot"
    pipedrive = "pipedrive"
    salesforce = "salesforce"
    orders = "orders"
    generic = "generic"


@app.command()
def derive(
    export: Annotated[str, typer.Argument(metavar="EXPORT", help="A CRM deals export or an order-line export: CSV, CSV.GZ or XLSX.")],
    preset: Annotated[DerivePreset, typer.Option("--preset", help="The export's layout; auto detects it from the header.")] = DerivePreset.auto,
    maps: Annotated[
        Optional[list[str]], typer.Option("--map", help="role=column, e.g. created='Date created' (roles: id, created, closed, stage, won_flag, closed_flag, amount, quantity, unit_price, client, currency).", show_default=False)
    ] = None,
    currency: Annotated[Optional[str], typer.Option("--currency", help="Currency of the amounts (ISO code), if the export does not say.", show_default=False)] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="The profile's name (default: the file's name).", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the profile YAML here (atomically) instead of stdout.", show_default=False)] = None,
) -> None:
    """Measure a profile from a CRM or order export: each figure with where it came from; the rest left unknown."""
    from advisor.derive.command import run_derive
    from advisor.rulebase.loader import load_rule_base

    try:
        status = run_derive(
            export, preset_name=preset.value, maps=maps or [], currency=currency, name=name, output=output,
            say=_stderr, write_stdout=lambda text: sys.stdout.write(text), rates=load_rule_base().meta.currency.usd_per_unit,
        )
    except AdvisorError as exc:
        raise _fail(exc) from None
    raise typer.Exit(status)


@app.command()
def report(
    profile: Annotated[str, typer.Argument(metavar="PROFILE", help="A profile YAML (or one-row CSV/JSON) file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="report.html (self-contained) or report.md.")],
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """A client report: model, staffing plan, inside/outside split, roadmap, checklist, reasons, what would change it."""
    from advisor.report.write import format_of, report_text, write_report
    from advisor.writers import refuse_overwriting_inputs

    try:
        fmt = format_of(output)
        refuse_overwriting_inputs(output, [profile])
        engine = _engine(rules)
        record = _load_profile(profile, engine)
        text, _ = report_text(engine, record.profile, source=record.source, lang=_language(lang), fmt=fmt)
        write_report(output, text)
    except AdvisorError as exc:
        raise _fail(exc) from None
    _stderr(f"report written to {output}")


@app.command()
def explain(
    profile: Annotated[str, typer.Argument(metavar="PROFILE", help="A profile file, or - for stdin.")],
    set_: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="Scenario: field=value (repeat, or a,b=...; field= makes it unknown)."),
    ] = None,
    fix: Annotated[Optional[list[str]], typer.Option("--fix", help="A field the search must not change.")] = None,
    format: Annotated[RecommendFormat, typer.Option("--format", "-f", help="Output format.")] = RecommendFormat.text,
    rules: RulesOption = None,
) -> None:
    """Why this model, why not the others, and the smallest changes that would change the advice."""
    from advisor.explain import explain as build, parse_assignments, parse_fixed

    try:
        engine = _engine(rules)
        scenario = parse_assignments(set_ or [])
        fixed = parse_fixed(fix or [])
        record = _load_profile(profile, engine)
        explanation = build(engine, record.profile, scenario=scenario, fixed=fixed)
    except AdvisorError as exc:
        raise _fail(exc) from None
    if format is RecommendFormat.json:
        import json

        typer.echo(json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2))
    elif format is RecommendFormat.markdown:
        from advisor.render.explanation import render_explanation_markdown

        typer.echo(render_explanation_markdown(explanation))
    else:
        from rich.console import Console

        from advisor.render.explanation import render_explanation

        render_explanation(explanation, Console(emoji=False))


@app.command()
def compare(
    profiles: Annotated[list[str], typer.Argument(metavar="PROFILE...", help="Profile files to set side by side.")],
    set_: Annotated[
        Optional[list[str]], typer.Option("--set", help="field=value applied to every profile.")
    ] = None,
    scenario: Annotated[
        Optional[list[str]],
        typer.Option("--scenario", help="A column per profile with these changes: 'a=1,b=2' (repeatable)."),
    ] = None,
    format: Annotated[RecommendFormat, typer.Option("--format", "-f", help="Output format.")] = RecommendFormat.text,
    rules: RulesOption = None,
) -> None:
    """Profiles (or one profile under several scenarios) side by side: model, scores, mix, checklist."""
    from advisor.compare import build_comparison
    from advisor.explain import parse_assignments

    try:
        engine = _engine(rules)
        common = parse_assignments(set_ or [])
        scenarios = [parse_assignments([s]) for s in scenario or []]
        columns = build_comparison(engine, [(p, _load_profile(p, engine).profile) for p in profiles], common, scenarios)
    except AdvisorError as exc:
        raise _fail(exc) from None
    from advisor.render.comparison import render_comparison, comparison_markdown

    if format is RecommendFormat.json:
        import json

        typer.echo(json.dumps([c.to_dict() for c in columns], ensure_ascii=False, indent=2))
    elif format is RecommendFormat.markdown:
        typer.echo(comparison_markdown(columns))
    else:
        from rich.console import Console

        render_comparison(columns, Console(emoji=False))


rules_app = typer.Typer(help="Rule bases as code: check them, test them, measure their coverage.",
                        no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("check")
def rules_check(
    directory: Annotated[
        Optional[Path], typer.Argument(metavar="[DIR]", help="Rule-base folder (default: the built-in one).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Validate a rule base and warn about rules that can never fire, duplicates and gaps."""
    from advisor.rulebase.analysis import analyse
    from advisor.rulebase.loader import load_rule_base

    try:
        rule_base = load_rule_base(directory)
    except AdvisorError as exc:
        typer.echo(f"{exc.located()}", err=True)
        raise typer.Exit(int(ExitStatus.BAD_RECORDS)) from None
    findings = analyse(rule_base)
    for finding in findings:
        typer.echo(finding.located())
    rules = len(rule_base.department_model.rules) + len(rule_base.sales_mix.rules)
    extends = f" (extends {rule_base.extends})" if rule_base.extends else ""
    typer.echo(f"{rule_base.label}{extends}: {rules} rules, {len(rule_base.technologies.technologies)} technologies, "
               f"{len(findings)} warning(s)")
    raise typer.Exit(int(ExitStatus.BAD_RECORDS if findings and strict else ExitStatus.OK))


@rules_app.command("init")
def rules_init(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="A new (or empty) folder.")],
) -> None:
    """Write a starting rule base that extends the built-in one, with comments and a test."""
    from advisor.rulebase.init import init_rule_base

    try:
        written = init_rule_base(directory)
    except AdvisorError as exc:
        raise _fail(exc) from None
    for path in written:
        typer.echo(f"wrote {path}")
    typer.echo(f"next: advisor rules check {directory} && advisor rules test {directory}")


@rules_app.command("diff")
def rules_diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The rule-base folder before.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The rule-base folder after.")],
    profiles: Annotated[
        list[str], typer.Option("--profiles", help="Profiles to compare on (files, folders, CSV, JSONL, -).")
    ],
) -> None:
    """Which profiles' recommendations change between two rule bases, and the rules that explain it."""
    from advisor.engine import Engine
    from advisor.readers import read_inputs
    from advisor.rulebase.diff import diff_rule_bases
    from advisor.rulebase.loader import load_rule_base

    try:
        before, after = Engine(load_rule_base(old)), Engine(load_rule_base(new))
        changes, compared, rejected = diff_rule_bases(before, after, read_inputs(profiles, warn=_stderr), _stderr)
    except AdvisorError as exc:
        raise _fail(exc) from None
    for change in changes:
        typer.echo("\n".join(change.describe()))
    models = sum(c.model_changed for c in changes)
    typer.echo(f"{before.rule_base.label} -> {after.rule_base.label}: {compared} profiles compared, "
               f"{len(changes)} changed ({models} change department model)")
    raise typer.Exit(int(ExitStatus.BAD_RECORDS if rejected else ExitStatus.OK))


@rules_app.command("test")
def rules_test(
    directory: Annotated[
        Optional[Path], typer.Argument(metavar="[DIR]", help="Rule-base folder (default: the built-in one).")
    ] = None,
    min_coverage: Annotated[
        float, typer.Option("--min-coverage", help="Fail under this percent of rules seen both firing and not.")
    ] = 0.0,
) -> None:
    """Run the rule base's tests (DIR/tests/*.yaml) and report rule coverage."""
    from advisor.rulebase.loader import builtin_rules_dir
    from advisor.rulebase.testing import run_tests

    try:
        engine = _engine(directory)
        folder = (directory or builtin_rules_dir()) / "tests"
        report = run_tests(engine, folder) if folder.is_dir() else None
    except AdvisorError as exc:
        raise _fail(exc) from None
    if report is None or not report.results:
        _stderr(f"advisor: no rule tests ran: put cases in {folder}/*.yaml")
        raise typer.Exit(int(ExitStatus.BAD_RECORDS))
    for result in report.results:
        if result.failures:
            for failure in result.failures:
                typer.echo(f"FAIL {result.where}: {result.case.name}: {failure}")
    untested = report.untested
    half = [c.rule for c in report.coverage.values() if c.fired and not c.covered]
    passed = len(report.results) - len(report.failed)
    typer.echo(f"{passed} passed, {len(report.failed)} failed")
    typer.echo(f"rule coverage: {len(report.coverage) - len(untested)} of {len(report.coverage)} rules fired by a test; "
               f"{report.coverage_percent:.1f}% seen both firing and not")
    if untested:
        typer.echo(f"rules no test fires: {', '.join(untested)}")
    if half:
        typer.echo(f"rules no test sees not firing: {', '.join(half)}")
    ok = not report.failed and not untested and report.coverage_percent >= min_coverage
    if report.coverage_percent < min_coverage:
        typer.echo(f"coverage {report.coverage_percent:.1f}% is under --min-coverage {min_coverage:g}%")
    raise typer.Exit(int(ExitStatus.OK if ok else ExitStatus.BAD_RECORDS))


def _show_progress(format: ScoreFormat, output: Path | None) -> bool:
    """A bar only for a person watching stderr, and never over results printed to the same terminal."""
    import os

    if os.environ.get("CI") or not sys.stderr.isatty():
        return False
    return output is not None or format is ScoreFormat.table or not sys.stdout.isatty()


class _progress_bar:
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
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("scoring: {task.completed:,} records read"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.progress.start()
        return self.progress.add_task("score", total=None)

    def __exit__(self, *exc_info) -> None:
        if self.progress is not None:
            self.progress.stop()


@app.command()
def fields(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table (as in the README).")] = False,
) -> None:
    """List the profile fields: name, type, unit and meaning (the CSV header and YAML keys)."""
    if markdown:
        from advisor.docs import fields_markdown

        typer.echo(fields_markdown())
        return
    from rich.console import Console
    from rich.table import Table

    from advisor.profile import FIELDS

    table = Table("field", "type", "unit / range", "meaning")
    table.columns[0].no_wrap = True
    for spec in FIELDS.values():
        kind = spec.kind + (f": {' | '.join(spec.choices)}" if spec.choices else "")
        bounds = spec.unit
        if spec.kind == "share":
            bounds = "0-1 or '35%'"
        elif spec.minimum is not None or spec.maximum is not None:
            low = "" if spec.minimum is None else (">" if spec.exclusive_minimum else ">=") + f"{spec.minimum:g}"
            high = "" if spec.maximum is None else f"<={spec.maximum:g}"
            bounds = f"{spec.unit} {low} {high}".strip()
        table.add_row(spec.name + (" *" if spec.required else ""), kind, bounds, spec.help)
    console = Console()
    console.print(table)
    console.print("* required. Every other field may be left out: it is then unknown, never zero.")


def main() -> None:
    """Console-script entry point: a broken pipe or Ctrl-C ends quietly, never with a traceback."""
    # Start-up creates a few hundred thousand objects that live until exit (modules, models,
    # the rule base); collecting while it does is wasted work, so the collector waits for
    # many more allocations than usual until _started() (commands that load no rule base keep
    # the high threshold: they still collect, less often). Freezing everything at the end
    # spares the interpreter's last collection, which would walk every object just to exit.
    # Together: about 40 ms of a 220 ms `advisor recommend`.
    gc.set_threshold(100_000, 50, 100)
    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(int(ExitStatus.OK))
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        gc.freeze()
