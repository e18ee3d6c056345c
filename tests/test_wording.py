"""The wording layer: numbers the language's way, shares in percent, labels for ids, layouts a
person can read (a bar without colour, compare for many profiles), and JSON left alone."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from advisor.i18n import formats
from advisor.recommendation import LeafTrace, Note, Share
from advisor.wording import wording
from advisor.wording.numbers import count, money, percent, points
from conftest import PROFILES, ROOT, run_advisor


@given(st.integers(-10**12, 10**12), st.sampled_from(["en", "ru", "uk"]))
def test_whole_counts_are_grouped_as_cldr_groups_them_without_loading_babel(value, lang):
    assert count(value, lang) == formats.number(value, lang, digits=0)


@given(st.floats(-1e9, 1e9, allow_nan=False), st.integers(0, 2))
def test_english_numbers_without_babel_are_babels(value, digits):
    from advisor.wording.numbers import number

    babel = formats.number(value, "en", digits=digits)
    assert number(value, "en", digits) == ("0" if babel == "-0" else babel)  # never a -0


@given(st.one_of(st.integers(-10**9, 10**9), st.floats(0, 1e9, allow_nan=False)),
       st.sampled_from(["USD", "EUR", "GBP", "CNY", "JPY", "INR", "BRL", "CAD", "AUD", "CHF", "PLN", "CZK", "UAH",
                        "RUB", "BYN", "KZT", "GEL", "MDL", "TRY"]))
def test_english_money_without_babel_is_babels(amount, currency):
    from advisor.wording import numbers

    slow = dict(numbers._EN_SIGNS)
    numbers._EN_SIGNS.clear()
    codes = set(numbers._EN_CODES)
    numbers._EN_CODES.clear()
    try:
        babel = money(amount, currency, "en")
    finally:
        numbers._EN_SIGNS.update(slow)
        numbers._EN_CODES.update(codes)
    assert money(amount, currency, "en") == babel


def test_every_built_in_currency_has_an_english_format_without_babel(engine):
    from advisor.wording.numbers import _EN_CODES, _EN_SIGNS

    assert set(engine.rates) <= set(_EN_SIGNS) | _EN_CODES


@given(st.one_of(st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False)))
def test_englishs_plural_rule_without_babel_is_babels(number):
    from advisor.i18n import plural_category

    assert plural_category("en", number) == formats.plural_category("en", number)


def test_english_text_loads_no_babel():
    code = ("import sys; from advisor.cli import run; "
            f"run(['recommend', {str(PROFILES / 'online-store.yaml')!r}]); "
            "print('babel' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "Three-level" in done.stdout and done.stderr.strip().endswith("False")


@pytest.mark.parametrize(("lang", "shown"), [
    ("en", ["2.5", "1,234.5", "35%", "$52,200", "85,000\u00a0RUB"]),
    ("ru", ["2,5", "1\u00a0234,5", "35\u00a0%", "52\u00a0200\u00a0$", "85\u00a0000\u00a0₽"]),
    ("uk", ["2,5", "1\u00a0234,5", "35%", "52\u00a0200\u00a0USD", "85\u00a0000\u00a0RUB"]),
])
def test_numbers_shares_and_money_are_written_the_languages_way(lang, shown):
    assert [points(2.5, lang), points(1234.5, lang), percent(0.35, lang), money(52200, "USD", lang),
            money(85000, "RUB", lang)] == shown


def test_a_condition_names_the_field_by_its_label_and_shows_a_share_in_percent():
    leaf = LeafTrace("repeat_sales_share", "at_least", [0.2, 0.5], 0.55, 1.0)
    assert leaf.describe() == "repeat_sales_share = 0.55 ≥ 0.2…0.5"  # JSON's machine form, unchanged
    assert wording("en").condition(leaf) == "repeat sales share = 55% ≥ 20…50%"
    assert wording("ru").condition(leaf) == "доля повторных продаж = 55\u00a0% ≥ 20…50\u00a0%"
    unknown = LeafTrace("close_rate", "gte", 0.3, None, None)
    assert wording("uk").condition(unknown) == "конверсія в успішні угоди: невідомо (правилу потрібно ≥ 30%)"


def test_a_condition_worded_before_is_worded_again_for_a_value_equal_but_of_another_type():
    # conditions are kept per run by what they read (score --report-dir words the same ones in every
    # report); True == 1 and hash alike, but one is "yes" and the other "1"
    w = wording("en")
    as_flag = LeafTrace("sales_team_size", "eq", True, True, True)
    as_number = LeafTrace("sales_team_size", "eq", 1, 1, True)
    assert w.condition(as_flag) == w.condition(as_flag) == "sales team size = yes"
    assert w.condition(as_number) == "sales team size = 1"
    assert wording("ru").condition(as_number) != w.condition(as_number)  # and the language is part of it


def test_a_note_formats_its_numbers_and_shares_in_the_language_asked():
    note = Note("staff.through", share=Share(0.4))
    assert str(note) == " × 0.4 through a seller"  # JSON's English, numbers as format_value writes them
    assert wording("en").note(note) == " × 40% through a seller"
    assert wording("ru").note(note) == " × 40\u00a0% через продавца"


def test_the_plural_form_follows_a_number_written_the_languages_way():
    assert wording("ru")("explain.points", points="1\u00a0001") == "1\u00a0001 балл"
    assert wording("ru")("explain.points", points="2,5") == "2,5 балла"
    assert wording("uk")("explain.points", points="11") == "11 балів"
    assert wording("en")("explain.points", points="1,001") == "1,001 points"


def test_json_output_never_loads_babel():
    code = ("import sys; from advisor.cli import run; "
            f"run(['recommend', {str(PROFILES / 'online-store.yaml')!r}, '-f', 'json', '--lang', 'ru']); "
            "print('babel' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert json.loads(done.stdout)["department_model"]["id"] == "three_level"
    assert done.stderr.strip().endswith("False")


def test_without_colour_the_mix_bar_shows_its_share():
    done = run_advisor("recommend", str(PROFILES / "online-store.yaml"))  # a pipe: no colour
    remote = re.findall(r"(▓+)(░*)", done.stdout)
    assert remote and len(remote[0][0]) == 48 and remote[0][1] == ""  # 100% remote
    other = run_advisor("recommend", str(PROFILES / "regional-distributor.yaml")).stdout
    inside, outside = re.findall(r"(▓+)(░+)", other)[0]
    assert len(inside) == round(48 * 0.4) and len(inside) + len(outside) == 48


def test_wrapped_lines_keep_their_indent():
    text = run_advisor("recommend", str(PROFILES / "early-idea.yaml"), "--lang", "uk").stdout
    lines = text.splitlines()
    item = next(i for i, line in enumerate(lines) if "(regional_development_plan;" in line)
    assert lines[item].startswith("│     [?] ") and lines[item + 1].startswith("│     ") and "[?]" not in lines[item + 1]


def test_compare_of_every_example_profile_is_laid_out_for_many(cli):
    paths = sorted(str(p) for p in PROFILES.glob("*.yaml"))
    text = run_advisor("compare", *paths, "--lang", "ru").stdout
    assert "Сравнение" in text and "Пункты чек-листа, которые различаются" in text
    names = [json.loads(cli("recommend", p, "-f", "json").stdout)["name"] for p in paths]
    flat = re.sub(r"[│┃]", " ", text)
    for name in names:  # each name whole, or wrapped at a space: never cut inside a word
        for word in name.split():
            assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", flat), word
    assert "unknown" not in text and "_" not in re.sub(r"profiles/[\w-]+\.yaml", "", text)


def test_explain_and_compare_speak_the_language_asked_and_json_stays_machine_data(cli):
    profile = str(PROFILES / "smb-saas.yaml")
    english = json.loads(cli("explain", profile, "-f", "json").stdout)
    assert json.loads(cli("explain", profile, "-f", "json", "--lang", "uk").stdout) == english
    text = cli("explain", profile, "--lang", "uk").stdout
    assert "чому не інші" in text and "why" not in text
    compare = cli("compare", profile, "--scenario", "repeat_sales_share=20%", "--lang", "uk").stdout
    assert "Порівняння" in compare and "ShiftPlanner (частка" in compare and "20%)" in compare  # the scenario's column
    assert "repeat_sales_share" not in compare
