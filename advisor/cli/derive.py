"""derive: a profile measured from a CRM or order export."""

# No `from __future__ import annotations`: typer would evaluate each annotation's text on every run (see app.py).

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from advisor.cli.app import (
    LangOption, app, env, fail, language_of, say,
)
from advisor.errors import AdvisorError


class DerivePreset(str, Enum):
    auto = "auto"
    bitrix24 = "bitrix24"
    amocrm = "amocrm"
    hubspot = "hubspot"
    pipedrive = "pipedrive"
    salesforce = "salesforce"
    orders = "orders"
    olist = "olist"
    generic = "generic"


@app.command()
def derive(
    exports: Annotated[list[str], typer.Argument(metavar="EXPORT", help="A CRM deals export or an order-line export (CSV, CSV.GZ or XLSX); or two: a leads file, then a deals file, joined on a key column.")],
    preset: Annotated[DerivePreset, typer.Option("--preset", help="The export's layout; auto detects it from the header.")] = DerivePreset.auto,
    maps: Annotated[
        Optional[list[str]], typer.Option("--map", help="role=column, e.g. created='Date created' (roles: id, created, closed, stage, won_flag, closed_flag, amount, quantity, unit_price, client, currency, owner, qualifier, closer, key, company).", show_default=False)
    ] = None,
    currency: Annotated[Optional[str], typer.Option("--currency", help="Currency of the amounts (ISO code); without it or a currency column the deal size is left unknown.", show_default=False)] = None,
    all_won: Annotated[bool, typer.Option("--all-won", help="Every row of the (deals) file is a won deal.")] = False,
    name: Annotated[Optional[str], typer.Option("--name", help="The profile's name (default: the company column's one value, else the file's name).", show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the profile YAML here (atomically) instead of stdout.", show_default=False)] = None,
    lang: LangOption = None,
) -> None:
    """Measure a profile from a CRM or order export: each figure with where it came from; the rest left unknown."""
    from advisor.derive.command import run_derive
    from advisor.rulebase.loader import load_rule_base

    try:
        status = run_derive(
            exports, preset_name=preset.value, maps=maps or [], currency=currency, name=name, all_won=all_won,
            output=output, lang=language_of(lang), say=say, write_stdout=lambda text: env().stdout.write(text),
            rates=load_rule_base().meta.currency.usd_per_unit,
        )
    except AdvisorError as exc:
        raise fail(exc) from None
    raise typer.Exit(status)
