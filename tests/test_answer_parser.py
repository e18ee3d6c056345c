"""advisor.answer_parser: numbers in a founder's words, the echo, and the one rule for shares everywhere."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.answer_parser import Unreadable, echo_value, read_answers, read_value
from advisor.errors import ProfileError
from advisor.profile import FIELDS, validate_profile

NUMERIC = [name for name, spec in FIELDS.items() if spec.kind in ("integer", "number", "share")]


@pytest.mark.parametrize(
    ("field", "text", "value", "currency", "note"),
    [
        ("leads_per_month", "~300", 300, None, "approximate"),
        ("leads_per_month", "about 300", 300, None, "approximate"),
        ("leads_per_month", "около 300", 300, None, "approximate"),
        ("leads_per_month", "близько 300", 300, None, "approximate"),
        ("leads_per_month", "200-300", 250, None, "range"),
        ("leads_per_month", "от 200 до 300", 250, None, "range"),
        ("leads_per_month", "1,5 тыс. в месяц", 1500, None, None),
        ("leads_per_month", "70 a week", 300, None, "period"),
        ("average_deal_size", "85 000 ₽", 85000, "RUB", "currency"),
        ("average_deal_size", "1,5 млн", 1_500_000, None, None),
        ("average_deal_size", "2.5k", 2500, None, None),
        ("average_deal_size", "300 тыс. руб", 300_000, "RUB", "currency"),
        ("average_deal_size", "40 тис. грн", 40_000, "UAH", "currency"),
        ("average_deal_size", "€850", 850, "EUR", "currency"),
        ("average_deal_size", "$1,200", 1200, "USD", "currency"),
        ("average_deal_size", "850 dollars", 850, "USD", "currency"),
        ("average_deal_size", "1,5-2 млн ₽", 1_750_000, "RUB", "range"),
        ("sales_cycle_days", "2 weeks", 14, None, "duration"),
        ("sales_cycle_days", "3 месяца", 90, None, "duration"),
        ("sales_cycle_days", "пів року", 180, None, "duration"),
        ("sales_cycle_days", "2-3 weeks", 17.5, None, "range"),
        ("sales_cycle_days", "2m", 60, None, "duration"),  # of days, m is months, not millions
        ("close_rate", "35", 0.35, None, None),
        ("close_rate", "35%", 0.35, None, None),
        ("close_rate", "35 процентов", 0.35, None, None),
        ("close_rate", "0.35", 0.35, None, "fraction"),
        ("close_rate", "1", 1.0, None, "all"),
        ("close_rate", "0,5%", 0.005, None, None),
        ("close_rate", "half", 0.5, None, "words"),
        ("close_rate", "половина", 0.5, None, "words"),
        ("sales_team_size", "3 человека", 3, None, None),
        ("sales_team_size", "2-5", 4, None, "range"),
        ("seasonality_peak_ratio", "2x", 2, None, None),
    ],
)
def test_words_become_values_in_the_fields_unit(field, text, value, currency, note):
    reading = read_value(FIELDS[field], text)
    assert reading.value == pytest.approx(value) and reading.currency == currency
    assert note is None or note in reading.notes


@pytest.mark.parametrize(
    ("field", "text", "key"),
    [
        ("leads_per_month", "lots", "number"),
        ("leads_per_month", "300 €", "currency_here"),  # a currency only goes with money
        ("leads_per_month", "-5", "at_least"),
        ("sales_team_size", "2.5", "whole"),
        ("close_rate", "150", "share"),
        ("sales_cycle_days", "2 parsecs", "number"),
        ("average_deal_size", "0", "above"),
    ],
)
def test_what_cannot_be_read_names_why(field, text, key):
    with pytest.raises(Unreadable) as caught:
        read_value(FIELDS[field], text)
    assert caught.value.key == key


def test_cells_take_only_what_cannot_be_misread():
    profile = validate_profile({"name": "x", "leads_per_month": "~300", "average_deal_size": "85 000",
                                "sales_cycle_days": "2 weeks", "repeat_sales_share": "половина", "close_rate": "35"})
    assert (profile.leads_per_month, profile.average_deal_size, profile.sales_cycle_days) == (300, 85000, 14)
    assert (profile.repeat_sales_share, profile.close_rate) == (0.5, 0.35)
    for cell, message in (("200-300", "a range; a file takes one number"),
                          ("€850", "it names a currency (EUR)"), ("lots", "expected a number, got 'lots'")):
        with pytest.raises(ProfileError) as caught:
            validate_profile({"name": "x", "average_deal_size": cell})
        assert message in caught.value.located()


def test_typed_answers_set_the_currency_an_amount_names_and_refuse_two():
    assert read_answers({"average_deal_size": "€850", "leads_per_month": "200-300"}) == {
        "average_deal_size": 850, "currency": "EUR", "leads_per_month": 250}
    with pytest.raises(Unreadable) as caught:
        read_answers({"average_deal_size": "€850", "currency": "RUB"})
    assert caught.value.english() == "average_deal_size is given in EUR, but the currency is RUB; give one currency"


def test_set_reads_words_as_ask_does_and_a_share_above_1_is_a_percent(cli):
    from conftest import PROFILES

    done = cli("explain", str(PROFILES / "online-store.yaml"), "--set", "close_rate=35",
               "--set", "average_deal_size=€850", "--set", "sales_cycle_days=2 weeks", "-f", "json")
    assert done.exit_code == 0, done.stderr
    import json

    assert json.loads(done.stdout)["department_model"]["id"]
    refused = cli("explain", str(PROFILES / "online-store.yaml"), "--set", "close_rate=350")
    assert refused.exit_code == 2 and "a share is 0-1, or a percent up to 100%, got 350" in refused.stderr


# ---- the echo reads back to the value ----------------------------------------------------
APPROX = st.sampled_from(["", "~", "about ", "около ", "близько ", "≈"])
SCALE = st.sampled_from(["", "k", " тыс.", " тис.", " млн", " thousand"])
MONEY = st.sampled_from(["", " ₽", " руб", " грн", "€", "$", " dollars", " EUR"])
DAYS = st.sampled_from(["", " days", " weeks", " месяца", " тижні", " years"])
PERCENT = st.sampled_from(["", "%", " %", " процентов"])


@st.composite
def numbers(draw) -> str:
    whole = draw(st.integers(0, 999_999))
    grouped = draw(st.sampled_from(["{:,}", "{:,}".replace(",", " "), "{}"])).format(whole)
    if draw(st.booleans()):
        grouped = grouped.replace(",", " ") if draw(st.booleans()) else grouped.replace(",", "\u00a0")
    if draw(st.booleans()):
        grouped += draw(st.sampled_from([".", ","])) + str(draw(st.integers(0, 999)))
    return grouped


@st.composite
def answers(draw) -> tuple[str, str]:
    field = draw(st.sampled_from(NUMERIC))
    spec = FIELDS[field]
    text = draw(APPROX) + draw(numbers())
    if draw(st.booleans()):
        text += draw(st.sampled_from(["-", " to ", " - "])) + draw(numbers())
    if spec.kind == "share":
        text += draw(st.sampled_from(["", "%", " %", " процентов"]))
    elif spec.unit == "days":
        text += draw(DAYS)
    else:
        text += draw(SCALE)
        if spec.unit == "currency":
            text += draw(MONEY)
    return field, text


@settings(max_examples=400, deadline=None)
@given(answers(), st.sampled_from(["en", "ru", "uk"]))
def test_every_accepted_answer_echoes_a_number_that_reads_back_to_the_same_value(case, lang):
    field, text = case
    spec = FIELDS[field]
    try:
        reading = read_value(spec, text)
    except Unreadable:
        return  # refused, and said why (tested above)
    currency = reading.currency or ("USD" if spec.unit == "currency" else None)
    shown = echo_value(spec, reading.value, lang, currency)
    again = read_value(spec, shown)
    assert again.value == reading.value, (text, shown)
    assert again.currency in (None, currency)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(NUMERIC), st.text(alphabet="0123456789 ,.-~%kм$€₽тыс", max_size=14),
       st.sampled_from(["en", "ru", "uk"]))
def test_any_text_is_read_or_refused_never_a_crash_and_the_echo_reads_back(field, text, lang):
    spec = FIELDS[field]
    try:
        reading = read_value(spec, text)
    except Unreadable:
        return
    shown = echo_value(spec, reading.value, lang, reading.currency or "USD")
    assert read_value(spec, shown).value == reading.value, (text, shown)


def test_answers_file_reads_words_as_ask_does(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("name: Words\nleads_per_month: about 300\naverage_deal_size: 85 000 ₽\n"
                                     "sales_cycle_days: 2 weeks\ndeals_per_month: 20-30\nclose_rate: 35\n",
                                     encoding="utf-8")
    done = cli("ask", "--answers", "a.yaml", "--out", "o.yaml")
    assert done.exit_code == 0, done.stderr
    import yaml

    saved = yaml.safe_load((tmp_path / "o.yaml").read_text(encoding="utf-8"))
    assert (saved["leads_per_month"], saved["average_deal_size"], saved["currency"]) == (300, 85000, "RUB")
    assert (saved["sales_cycle_days"], saved["deals_per_month"], saved["close_rate"]) == (14, 25, 0.35)


def test_csv_and_json_cells_in_words_are_read_and_a_range_is_refused_located(cli, tmp_path):
    data = tmp_path / "c.csv"
    data.write_text("name,leads_per_month,sales_cycle_days,repeat_sales_share\nA,~300,2 weeks,половина\n"
                    "B,200-300,,\n", encoding="utf-8")
    done = cli("score", str(data), "-f", "json")
    assert done.exit_code == 1
    import json

    assert [r["name"] for r in json.loads(done.stdout) if "header" not in r] == ["A"]  # lean records: a header first
    assert f"{data}:3: leads_per_month: expected a number, got '200-300': a range; a file takes one number" \
        in done.stderr
