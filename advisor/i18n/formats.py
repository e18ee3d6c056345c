"""Numbers, shares, money and plural forms as a reader of each language writes them.

CLDR's data through Babel: "1 234,5" and "35 %" in Russian and Ukrainian, "1,234.5" and "35%"
in English, and each language's cardinal plural rules. Babel is imported on first use, so a
command that prints JSON never pays for it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

# The CLDR locale behind each interface language.
LOCALES = {"en": "en", "ru": "ru", "uk": "uk"}


@cache
def _locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(LOCALES.get(lang, "en"))


def number(value: float, lang: str, *, digits: int = 2) -> str:
    """`value` with the language's grouping and decimal sign, at most `digits` decimals."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(round(float(value), digits), format=pattern, locale=_locale(lang))


def fixed(value: float, lang: str, *, digits: int = 2) -> str:
    """`value` with exactly `digits` decimals (points on a scale: "1,50")."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(round(float(value), digits), format=pattern, locale=_locale(lang))


def percent(share: float, lang: str, *, digits: int = 0) -> str:
    """A share of one (0.35) as a person reads it: "35%" in English, "35 %" in Russian."""
    from babel.numbers import format_percent

    pattern = _locale(lang).percent_formats[None].pattern  # "#,##0%", "#,##0\u00a0%"
    if digits > 0:
        pattern = pattern.replace("0%", "0." + "#" * digits + "%").replace("0\u00a0%", "0." + "#" * digits + "\u00a0%")
    return format_percent(float(share), format=pattern, locale=_locale(lang))


def money(amount: float, currency: str, lang: str) -> str:
    """An amount in whole units of `currency`: "$52,200", "52 200 $", "85 000 RUB".

    Where the language has a sign for the currency, its CLDR pattern places it; where it has
    only the code, the code follows the number, as a reader of any of the three writes it.
    """
    from babel.numbers import format_currency, get_currency_symbol

    locale = _locale(lang)
    whole = round(float(amount))
    if get_currency_symbol(currency, locale=locale).isalpha():
        return f"{number(whole, lang, digits=0)}\u00a0{currency}"
    pattern = locale.currency_formats["standard"].pattern.split(";")[0].replace(".00", "")
    return format_currency(whole, currency, format=pattern, locale=locale, currency_digits=False)


def plural_category(lang: str, count: float) -> str:
    """The CLDR cardinal plural category of `count` in `lang`: one, few, many or other."""
    value = abs(float(count))
    return str(_locale(lang).plural_form(int(value) if value.is_integer() else value))
