"""rules: rule bases as code (check, init, diff, test)."""

# No `from __future__ import annotations`: typer would evaluate each annotation's text on every run (see app.py).

from pathlib import Path
from typing import Annotated, Optional

import typer

from advisor.cli.app import (
    LangOption, app, engine_from, fail, language_of, out, say,
)
from advisor.cli.help import AdvisorGroup, AdvisorTyper
from advisor.errors import AdvisorError, ExitStatus, RuleBaseErrors


rules_app = AdvisorTyper(help="Rule bases as code: check them, test them, measure their coverage.",
                         no_args_is_help=True, cls=AdvisorGroup, rich_markup_mode=None)
app.add_typer(rules_app, name="rules")


@rules_app.command("check")
def rules_check(
    directory: Annotated[
        Optional[Path], typer.Argument(metavar="DIR", help="Rule-base folder (default: the built-in one).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    lang: LangOption = None,
) -> None:
    """Validate a rule base (every error, located) and warn about rules that can never fire, duplicates and gaps."""
    from advisor.rulebase.analysis import analyse
    from advisor.rulebase.loader import load_rule_base

    try:
        rule_base = load_rule_base(directory)
    except AdvisorError as exc:
        errors = exc if isinstance(exc, RuleBaseErrors) else RuleBaseErrors([exc])
        for line in errors.lines():
            say(line)
        say(f"{directory or 'the built-in rule base'}: {errors.summary()}")
        raise typer.Exit(int(ExitStatus.BAD_RECORDS)) from None
    findings = analyse(rule_base)
    for finding in findings:
        out(finding.located())
    from advisor.wording import wording

    w = wording(language_of(lang))
    rules = len(rule_base.department_model.rules) + len(rule_base.sales_mix.rules)
    extends = w("rules.extends", base=rule_base.extends) if rule_base.extends else ""
    out(w("rules.check_summary", label=rule_base.label, extends=extends, rules=rules,
          technologies=len(rule_base.technologies.technologies), warnings=len(findings)))
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
        raise fail(exc) from None
    for path in written:
        out(f"wrote {path}")
    out(f"next: advisor rules check {directory} && advisor rules test {directory}")


@rules_app.command("diff")
def rules_diff(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The rule-base folder before.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The rule-base folder after.")],
    profiles: Annotated[
        list[str], typer.Option("--profiles", help="Profiles to compare on (files, folders, CSV, JSONL, -).")
    ],
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when any profile's advice changed (as git diff --exit-code).")
    ] = False,
) -> None:
    """Which profiles' recommendations change between two rule bases (model, confidence, scores, margin, mix,
    checklist), and the rules that explain it."""
    from advisor.engine import Engine
    from advisor.readers import read_inputs
    from advisor.rulebase.diff import diff_rule_bases
    from advisor.rulebase.loader import load_rule_base

    try:
        before, after = Engine(load_rule_base(old)), Engine(load_rule_base(new))
        changes, compared, rejected = diff_rule_bases(before, after, read_inputs(profiles, warn=say), say)
    except AdvisorError as exc:
        raise fail(exc) from None
    for change in changes:
        out("\n".join(change.describe()))
    models = sum(c.model_changed for c in changes)
    confidence = sum(c.confidence_changed for c in changes)
    out(f"{before.rule_base.label} -> {after.rule_base.label}: {compared} profiles compared, "
               f"{len(changes)} changed ({models} change department model, {confidence} change confidence)")
    raise typer.Exit(int(ExitStatus.BAD_RECORDS if rejected or (exit_code and changes) else ExitStatus.OK))


@rules_app.command("test")
def rules_test(
    directory: Annotated[
        Optional[Path], typer.Argument(metavar="DIR", help="Rule-base folder (default: the built-in one).")
    ] = None,
    min_coverage: Annotated[
        float, typer.Option("--min-coverage", help="Fail under this percent of rules seen both firing and not.")
    ] = 0.0,
    lang: LangOption = None,
) -> None:
    """Run the rule base's tests (DIR/tests/*.yaml) and report rule coverage."""
    from advisor.rulebase.loader import builtin_rules_dir
    from advisor.rulebase.testing import run_tests

    try:
        engine = engine_from(directory)
        folder = (directory or builtin_rules_dir()) / "tests"
        report = run_tests(engine, folder) if folder.is_dir() else None
    except AdvisorError as exc:
        raise fail(exc) from None
    if report is None or not report.results:
        say(f"advisor: no rule tests ran: put cases in {folder}/*.yaml")
        raise typer.Exit(int(ExitStatus.BAD_RECORDS))
    for result in report.results:
        if result.failures:
            for failure in result.failures:
                out(f"FAIL {result.where}: {result.case.name}: {failure}")
    from advisor.i18n.formats import percent
    from advisor.wording import wording

    w = wording(language_of(lang))
    untested = report.untested
    half = [c.rule for c in report.coverage.values() if c.fired and not c.covered]
    passed = len(report.results) - len(report.failed)
    covered = percent(report.coverage_percent / 100, w.lang, digits=1)
    out(w("rules.test_result", passed=w.figure(passed), failed=w.figure(len(report.failed))))
    out(w("rules.coverage", fired=w.figure(len(report.coverage) - len(untested)), total=w.figure(len(report.coverage)),
          percent=covered))
    if untested:
        out(w("rules.untested", rules=", ".join(untested)))
    if half:
        out(w("rules.half", rules=", ".join(half)))
    ok = not report.failed and not untested and report.coverage_percent >= min_coverage
    if report.coverage_percent < min_coverage:
        out(w("rules.under", percent=covered, min=percent(min_coverage / 100, w.lang, digits=1)))
    raise typer.Exit(int(ExitStatus.OK if ok else ExitStatus.BAD_RECORDS))
