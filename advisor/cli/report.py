"""report: a client report in one file."""

# No `from __future__ import annotations`: typer would evaluate each annotation's text on every run (see app.py).

from pathlib import Path
from typing import Annotated

import typer

from advisor.cli.app import (
    LangOption, RulesOption, app, engine_from, fail, language_of, load_profile, say,
)
from advisor.errors import AdvisorError


@app.command()
def report(
    profile: Annotated[str, typer.Argument(metavar="PROFILE", help="A profile YAML (or one-row CSV/JSON) file.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="report.html (self-contained), report.md, or plan.json (the whole content as data).")],
    lang: LangOption = None,
    rules: RulesOption = None,
) -> None:
    """A client report: model, staffing plan, inside/outside split, roadmap, checklist, reasons, what would change it."""
    from advisor.report.write import format_of, report_text, write_report
    from advisor.writers import refuse_overwriting_inputs

    try:
        fmt = format_of(output)
        refuse_overwriting_inputs(output, [profile])
        engine = engine_from(rules)
        record = load_profile(profile, engine)
        text, _ = report_text(engine, record.profile, source=record.source, lang=language_of(lang), fmt=fmt)
        write_report(output, text)
    except AdvisorError as exc:
        raise fail(exc) from None
    say(f"report written to {output}")
