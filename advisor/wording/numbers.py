"""Numbers as a reader of each language writes them: points, figures, shares, money.

Every figure a person reads goes through here, and from here through CLDR's formats
(advisor.i18n.formats, Babel, imported on first use): "1 234,5" and "35 %" in Russian and
Ukrainian, "1,234.5" and "35%" in English. JSON never comes here.
"""

from __future__ import annotations

import math

from advisor.i18n import formats


def number(value: float, lang: str, digits: int) -> str:
    """CLDR's "#,##0.##" pattern; English's is Python's own, so English (and JSON's English
    warnings) never load Babel."""
    if lang == "en":
        text = f"{round(float(value), digits):,.{digits}f}"
        text = text.rstrip("0").rstrip(".") if digits else text
        return "0" if text == "-0" else text
    return formats.number(value, lang, digits=digits)


# CLDR's grouping sign of each language, for whole counts written without loading Babel
# (tests/test_wording.py holds them to Babel's).
_GROUP = {"en": ",", "ru": "\u00a0", "uk": "\u00a0"}


def count(value: int, lang: str) -> str:
    """A whole count: "10,000", "10 000"."""
    return f"{int(value):,}".replace(",", _GROUP.get(lang, ","))


def points(value: float, lang: str) -> str:
    """Points on a scale: two decimals at most (graded points are fractions), never a -0."""
    value = round(value + 0.0, 2) + 0.0
    return number(0.0 if value == 0 else value, lang, digits=2)


def signed_points(value: float, lang: str) -> str:
    return ("+" if value >= 0 else "−") + points(abs(value), lang)


def figure(value: float, lang: str) -> str:
    """A figure with the precision it needs: 2 100 / 13,3 / 0,2 / 0,04 (never a rounded 0 for a 0.2
    the arithmetic used)."""
    value = float(value)
    if value == 0:
        return "0"
    if value.is_integer():
        return count(int(value), lang)
    if abs(value) >= 100:
        return number(value, lang, digits=0)
    if abs(value) >= 1:
        return number(value, lang, digits=1)
    digits = max(1, -math.floor(math.log10(abs(value))) + 1)  # two significant digits below 1
    return number(value, lang, digits=digits)


def percent(share: float, lang: str) -> str:
    """A share of one in percent: "35%", "35 %"; a share under 1% keeps one decimal."""
    share = float(share)
    digits = 0 if share == 0 or abs(share) >= 0.01 else 1
    if lang == "en":
        return number(share * 100, lang, digits) + "%"
    return formats.percent(share, lang, digits=digits)


def signed_percent(shift: float, lang: str) -> str:
    """A shift of a share: "+15%", "−5 %"."""
    return ("+" if shift >= 0 else "−") + percent(abs(shift), lang)


def percent_range(low: float, high: float, lang: str, dash: str = "…") -> str:
    """Two shares as one range with one sign: "20…50%", "20…50 %"."""
    return number(low * 100, lang, digits=1) + dash + percent(high, lang)


# English's CLDR currency formats for the built-in rule base's currencies, so English text
# loads no Babel (tests/test_wording.py holds them to Babel's): a sign before the number, or
# the code after it. Any other currency goes through Babel.
_EN_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "CN¥", "JPY": "¥", "INR": "₹", "BRL": "R$", "CAD": "CA$",
             "AUD": "A$"}
_EN_CODES = {"CHF", "PLN", "CZK", "UAH", "RUB", "BYN", "KZT", "GEL", "MDL", "TRY"}


def money(amount: float, currency: str, lang: str) -> str:
    """An amount in whole units (cents below 10): "$52,200", "52 200 $", "85 000 RUB"."""
    cents = abs(amount) < 10 and not float(amount).is_integer()
    if lang == "en" and (currency in _EN_SIGNS or currency in _EN_CODES):
        digits = 2 if cents else 0
        shown = f"{abs(round(float(amount), digits)):,.{digits}f}"
        sign = "-" if round(float(amount), digits) < 0 else ""
        return f"{sign}{_EN_SIGNS[currency]}{shown}" if currency in _EN_SIGNS else f"{sign}{shown}\u00a0{currency}"
    if cents:
        sign = formats.money(0, currency, lang).replace("0", "\x00", 1)
        return sign.replace("\x00", formats.fixed(amount, lang, digits=2))
    return formats.money(amount, currency, lang)


def rate(value: float, lang: str) -> str:
    """An exchange rate with its significant digits: 0,0124."""
    value = float(value)
    if value == 0:
        return "0"
    digits = max(0, 3 - math.floor(math.log10(abs(value))) - 1)
    return number(value, lang, digits=min(digits, 8))
