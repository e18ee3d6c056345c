"""ask: the founders' questionnaire."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from advisor.cli.app import (
    LangOption, RulesOption, app, env, fail, language_of,
)
from advisor.errors import AdvisorError


@app.command()
def ask(
    lang: LangOption = None,
    out: Annotated[
        Optional[str], typer.Option("--output", "-o", "--out", help="Where to save the profile (default: profiles/<company>.yaml).", show_default=False)
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
    from advisor.ask.command import run_ask

    try:
        status = run_ask(
            lang=language_of(lang), out=out, answers_file=answers, from_file=from_profile, resume=resume,
            rules=str(rules) if rules else None, console=env().console(highlight=False),
            interactive=bool(env().stdin_isatty), lang_given=lang is not None,
        )
    except AdvisorError as exc:
        raise fail(exc) from None
    raise typer.Exit(status)
