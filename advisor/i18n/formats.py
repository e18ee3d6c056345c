"""Numbers, shares, money and plural forms as a reader of each language writes them.

CLDR's data through Babel: "1 234,5" and "35 %" in Russian and Ukrainian, "1,234.5" and "35%"
in English, and each language's cardinal plural rules. Babel is imported on first use, so a
command that prints JSON never pays for it.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

# The CLDR locale behind each interface language.
LOCALES = {"en": "en", "ru": "ru", "uk": "uk"}


@cache
def _locale(lang: str) -> Any:
    from babel import Locale

    return Locale.parse(LOCALES.get(lang, "en"))


def number(value: float, lang: str, *, digits: int = 2) -> str:
    """`value` with the language's grouping and decimal sign, at most `digits` decimals."""
    rounded = round(float(value), digits)
    if rounded == 0:  # 0.0 and -0.0 are one key to a cache: not remembered
        return _decimal(rounded, lang, digits)
    return _remembered(rounded, lang, digits)


def _decimal(rounded: float, lang: str, digits: int) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(rounded, format=pattern, locale=_locale(lang))


# Babel's format_decimal costs ~25 us; a batch's warnings in Russian or Ukrainian show
# the same rounded figures over and over (a figure above 100 shows no decimals): bounded.
_remembered = lru_cache(maxsize=4096)(_decimal)


def fixed(value: float, lang: str, *, digits: int = 2) -> str:
    """`value` with exactly `digits` decimals (points on a scale: "1,50")."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(round(float(value), digits), format=pattern, locale=_locale(lang))


def percent(share: float, lang: str, *, digits: int = 0) -> str:
    """A share of one (0.35) as a person reads it: "35%" in English, "35 %" in Russian."""
    share = float(share)
    if share == 0:  # 0.0 and -0.0 are one key to a cache: not remembered
        return _percent(share, lang, digits)
    return _remembered_percent(share, lang, digits)


def _percent(share: float, lang: str, digits: int) -> str:
    from babel.numbers import format_percent

    pattern = _locale(lang).percent_formats[None].pattern  # "#,##0%", "#,##0\u00a0%"
    if digits > 0:
        pattern = pattern.replace("0%", "0." + "#" * digits + "%").replace("0\u00a0%", "0." + "#" * digits + "\u00a0%")
    return format_percent(share, format=pattern, locale=_locale(lang))


# Babel's format_percent costs ~100 us: a batch's warnings quote the same close rates again and again
_remembered_percent = lru_cache(maxsize=4096)(_percent)


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
    return _category(lang, abs(float(count)))


@lru_cache(maxsize=4096)  # Babel's rule costs ~10 us; a batch's warnings ask it of the same figures again and again
def _category(lang: str, value: float) -> str:
    return str(_locale(lang).plural_form(int(value) if value.is_integer() else value))
