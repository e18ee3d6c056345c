"""ask: the founders' questionnaire."""

# No `from __future__ import annotations`: typer would evaluate each annotation's text on every run (see app.py).

import os
from enum import Enum
from typing import Annotated, Optional

import typer

from advisor.cli.app import (
    LangOption, RulesOption, app, env, fail, language_of,
)
from advisor.errors import AdvisorError


class FormFormat(str, Enum):
    json = "json"
    yaml = "yaml"


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
    all_questions: Annotated[bool, typer.Option("--all", help="Ask every question in the fixed order (default: the ones that matter most first, with an offer to finish once the advice is firm).")] = False,
    plain: Annotated[bool, typer.Option("--plain", help="Plain numbered text without colour or cursor tricks, for screen readers (also when ACCESSIBLE or NO_COLOR is set).")] = False,
    print_questions: Annotated[bool, typer.Option("--print-questions", help="Print the questions, their help and choices in the chosen language, and stop.")] = False,
    form_format: Annotated[FormFormat, typer.Option("--format", "-f", help="With --print-questions: json or yaml.")] = FormFormat.yaml,
) -> None:
    """Answer questions about the company in the terminal (en, ru, uk); get a saved profile and the advice."""
    if print_questions:
        from advisor.ask.form import render_form

        env().out(render_form(language_of(lang), form_format.value))
        raise typer.Exit(0)
    from advisor.ask.command import run_ask

    plain = plain or bool(os.environ.get("ACCESSIBLE") or os.environ.get("NO_COLOR"))
    if plain:
        env().colour = False
    try:
        status = run_ask(
            lang=language_of(lang), out=out, answers_file=answers, from_file=from_profile, resume=resume,
            rules=str(rules) if rules else None, console=env().console(highlight=False),
            interactive=bool(env().stdin_isatty), lang_given=lang is not None,
            all_questions=all_questions, plain=plain,
        )
    except AdvisorError as exc:
        raise fail(exc) from None
    raise typer.Exit(status)
