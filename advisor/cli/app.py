"""The typer application and what its commands share: options, the rule-base load, errors to one line."""

# No `from __future__ import annotations` here nor in any module that declares commands: typer reads each
# parameter's annotation with get_type_hints, which would evaluate its text again on every run (each
# `Annotated[..., typer.Option(...)]` rebuilt; about 2.7 M of `advisor recommend`'s instructions).

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from advisor import __version__
from advisor.cli import collector
from advisor.cli.help import AdvisorGroup, AdvisorTyper
from advisor.errors import AdvisorError


class AdvisorApp(AdvisorGroup):
    # Each command's module, imported when the command runs (or help lists them), in help's order.
    lazy = {"recommend": "single", "explain": "single", "compare": "single", "score": "batch", "ask": "ask",
            "derive": "derive", "report": "report", "fields": "fields", "rules": "rules"}


app = AdvisorTyper(
    name="advisor",
    cls=AdvisorApp,
    help="Which sales-department model, inside/outside mix and sales technologies fit a company, "
    "and why, from five practitioners' documents.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
AdvisorApp.typer_app = app

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


def language_of(lang: Language | None) -> str:
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


def env():  # -> Environment of the run in progress
    from advisor.cli.environment import current

    return current()


def say(message: str) -> None:
    """One line on stderr: control characters escaped, long values cut."""
    env().say(message)


def out(text: str) -> None:
    """A result on stdout."""
    env().out(text)


def fail(error: AdvisorError) -> typer.Exit:
    say(f"advisor: {error.located()}" if error.file is None else error.located())
    return typer.Exit(int(error.exit_status))


def engine_from(rules: Path | None):  # -> Engine; imported lazily
    from advisor.engine import load_engine

    engine = load_engine(rules)
    collector.started()
    return engine


def _version(value: bool) -> None:
    if value:
        out(f"advisor {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """advisor: explainable sales-model advice."""


def load_profile(item: str, engine):
    from advisor.engine import load_checked_profile

    return load_checked_profile(item, engine)
