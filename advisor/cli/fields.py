"""fields: the profile contract, listed."""

from __future__ import annotations

from typing import Annotated

import typer

from advisor.cli.app import app, env, out


@app.command()
def fields(
    markdown: Annotated[bool, typer.Option("--markdown", help="Print a Markdown table (as in the README).")] = False,
) -> None:
    """List the profile fields: name, type, unit and meaning (the CSV header and YAML keys)."""
    if markdown:
        from advisor.docs import fields_markdown

        out(fields_markdown())
        return
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
    console = env().console()
    console.print(table)
    console.print("* required. Every other field may be left out: it is then unknown, never zero.")
