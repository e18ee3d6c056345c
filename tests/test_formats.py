"""Numbers, shares, money and plurals as each language's reader writes them (CLDR via Babel)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.i18n.formats import fixed, money, number, percent, plural_category

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "1,234.5"), ("ru", f"1{NBSP}234,5"), ("uk", f"1{NBSP}234,5")],
)
def test_number_uses_the_language_grouping_and_decimal_sign(lang: str, expected: str) -> None:
    assert number(1234.5, lang) == expected


def test_fixed_keeps_its_decimals_and_number_drops_trailing_zeros() -> None:
    assert fixed(1.5, "ru") == "1,50"
    assert number(2.0, "ru") == "2"


@pytest.mark.parametrize(("lang", "expected"), [("en", "35%"), ("ru", f"35{NBSP}%"), ("uk", "35%")])
def test_percent_reads_a_share_of_one(lang: str, expected: str) -> None:
    assert percent(0.35, lang) == expected


def test_percent_with_a_decimal() -> None:
    assert percent(0.355, "ru", digits=1) == f"35,5{NBSP}%"


def test_money_places_the_sign_or_the_code_as_the_language_does() -> None:
    assert money(52200, "USD", "en") == "$52,200"
    assert money(52200, "USD", "ru") == f"52{NBSP}200{NBSP}$"
    assert money(85000, "RUB", "en") == f"85,000{NBSP}RUB"
    assert money(85000, "RUB", "ru") == f"85{NBSP}000{NBSP}₽"


@pytest.mark.parametrize(
    ("lang", "count", "category"),
    [("en", 1, "one"), ("en", 2, "other"), ("ru", 1, "one"), ("ru", 3, "few"), ("ru", 5, "many"),
     ("ru", 21, "one"), ("ru", 11, "many"), ("ru", 1.5, "other"), ("uk", 22, "few"), ("uk", 2.0, "few")],
)
def test_plural_category_follows_cldr(lang: str, count: float, category: str) -> None:
    assert plural_category(lang, count) == category


@given(st.lists(st.sampled_from([0.0, -0.0, 0.004, -0.004, 0.35, 1.5, 1234.5, -1234.5, 0.125])
                | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9), min_size=1),
       st.sampled_from(["en", "ru", "uk"]), st.integers(0, 2))
def test_remembered_figures_are_babels_whatever_came_before(values: list[float], lang: str, digits: int) -> None:
    # number, percent and plural_category remember Babel's answers (a batch's warnings repeat figures):
    # a remembered one must be what Babel says of this very value, -0.0 included ("-0", never "0")
    from babel.numbers import format_decimal, format_percent

    from advisor.i18n.formats import LOCALES, _locale

    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    for value in values + values[::-1]:
        assert number(value, lang, digits=digits) == format_decimal(round(value, digits), format=pattern, locale=LOCALES[lang])
        assert percent(value, lang) == format_percent(value, format=_locale(lang).percent_formats[None].pattern,
                                                      locale=LOCALES[lang])
        assert plural_category(lang, value) == str(_locale(lang).plural_form(
            int(abs(value)) if abs(value).is_integer() else abs(value)))
