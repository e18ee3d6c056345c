"""fields: the profile contract, listed."""

# No `from __future__ import annotations`: typer would evaluate each annotation's text on every run (see app.py).

from typing import Annotated

import typer

from advisor.cli.app import LangOption, app, env, language_of, out


@app.command()
def fields(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table (as in the README, in English).")] = False,
    lang: LangOption = None,
) -> None:
    """List the profile fields: name, type, unit and meaning (the CSV header and YAML keys)."""
    if markdown:
        from advisor.docs import fields_markdown

        out(fields_markdown())
        return
    from rich.table import Table

    from advisor.profile import FIELDS
    from advisor.wording import wording
    from advisor.wording.fields import bounds_text, kind_text, meaning

    w = wording(language_of(lang))
    table = Table(w("fields.field"), w("fields.label"), w("fields.type"), w("fields.unit"), w("fields.meaning"))
    table.columns[0].no_wrap = True
    table.columns[2].min_width = 15  # a choice value (remote_or_field) on one line
    table.columns[4].min_width = 32  # the meaning is the column people read; the others are short
    for spec in FIELDS.values():
        table.add_row(spec.name + (" *" if spec.required else ""), w.field(spec.name), kind_text(spec, w),
                      bounds_text(spec, w), meaning(spec, w))
    console = env().console()
    console.print(table)
    console.print(w("fields.required"))
