"""Real plurals in en/ru/uk: CLDR cardinal categories, and no "(s)"-style placeholders in the
plan's, the report's and the checks' texts."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.i18n import catalogue, plural_category, tr


@pytest.mark.parametrize(("lang", "number", "category"), [
    ("en", 1, "one"), ("en", 0, "other"), ("en", 2, "other"), ("en", 1.5, "other"),
    ("ru", 1, "one"), ("ru", 21, "one"), ("ru", 11, "many"), ("ru", 2, "few"), ("ru", 24, "few"),
    ("ru", 12, "many"), ("ru", 5, "many"), ("ru", 0, "many"), ("ru", 0.31, "other"),
    ("uk", 101, "one"), ("uk", 112, "many"), ("uk", 3, "few"),
])
def test_plural_categories_follow_cldr(lang, number, category):
    assert plural_category(lang, number) == category


@pytest.mark.parametrize(("lang", "count", "text"), [
    ("en", 1, "1 person more than the 3 selling today"), ("en", 2, "2 people more than the 3 selling today"),
    ("ru", 1, "на 1 человека больше"), ("ru", 3, "на 3 человека больше"), ("ru", 5, "на 5 человек больше"),
    ("ru", 21, "на 21 человека больше"), ("uk", 1, "на 1 особу більше"), ("uk", 4, "на 4 особи більше"),
    ("uk", 11, "на 11 осіб більше"),
])
def test_counts_take_the_right_word(lang, count, text):
    assert tr("report.to_add", lang, count=count, team=3).startswith(text)


def test_a_figure_already_shown_as_text_still_picks_its_form():
    assert tr("report.peak", "en", extra="1") == "+1 temporary or outsourced seat in the peak month"
    assert "2,100 won deals a month" in tr("staff.measured", "en", deals="2,100", team="14", per="150", new="", through="",
                                            load="14")


def test_the_plan_texts_have_no_optional_plural_endings():
    optional = re.compile(r"\w\((s|а|ов|ів|и|ей|ы)\)")
    for key, texts in catalogue().items():
        if key.startswith(("staff.", "report.", "check.")):
            for lang, text in texts.items():
                assert not optional.search(text), (key, lang)


@given(st.lists(st.tuples(st.sampled_from(["en", "ru", "uk"]),
                          st.floats(min_value=-1e6, max_value=1e6, allow_nan=False) | st.sampled_from([1.0, 2.0, 5.0, 21.0, 1.5])),
                min_size=1, max_size=20))
def test_plural_words_remembered_are_the_formatters_in_any_order(calls):
    # tr remembers the word form for a figure shown as text (a batch's warnings repeat them): whatever
    # came before, each text is what string formatting with the plural rules gives for this language
    from advisor.i18n import _Formatter
    from advisor.wording.numbers import figure

    keys = [key for key, texts in catalogue().items() if ":pl:" in texts["en"]][:5] + ["check.deals_over_leads"]
    for lang, value in calls:
        for key in keys:
            text = catalogue()[key].get(lang) or catalogue()[key]["en"]
            fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            values = {name: figure(value, lang) for name in fields}
            assert tr(key, lang, **values) == _Formatter(lang).format(text, **values)
