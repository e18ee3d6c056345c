"""Answers in a founder's own words, read into a profile field's value and echoed back.

One reader for every place a person types a value: the questionnaire, `--answers`, `--set`
and CSV or JSON cells (there only the forms that cannot be misread: no ranges, no currency).
It is driven by the profile model's field kinds and units (advisor/profile.py), and knows
the words of English, Russian and Ukrainian at once, so a Russian answer in an English
session still reads:

- numbers as people write them: `85 000`, `1,5`, `1 200,5`, `2.5k`, `1,5 млн`, `300 тыс.`;
- approximations: `~300`, `about 300`, `около 300`, `близько 300` (the number is taken);
- ranges: `200-300`, `от 200 до 300` (the middle is taken, and said);
- durations into days: `2 weeks`, `3 месяца`, `пів року` (a month is 30 days, a year 365);
- currencies by sign, code or word: `€850`, `85 000 ₽`, `300 руб`, `грн`, `dollars`;
- shares: `35%` or `35` (a number above 1 is a percent), `0.35` (from 0 to 1, a fraction;
  `1` alone is all of them, 100%), `half`, `половина`.

No terminal code here: a problem is a `Unreadable` naming a catalogue key and its values,
which the caller words in its language. `echo` is the value as the reader shows it back,
in the language's number format, and it reads back to the same value (a property test).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from advisor.profile import FIELDS, MAX_MAGNITUDE, FieldSpec, parse_number

# Decimals an echo shows; a reading is rounded to them, so what is shown is what is stored.
NUMBER_DIGITS = 2
SHARE_DIGITS = 4  # of the fraction: 12.35%

def _words(table: dict[Any, str]) -> dict[str, Any]:
    """{value: "word word ..."} as {word: value}: the tables below, one line per meaning."""
    return {word: value for value, words in table.items() for word in words.split()}


# Words that say a number is rough ("about 300", "300 or so"): the number is taken.
_APPROX = ("~", "≈", "about", "approx.", "approx", "approximately", "around", "roughly", "some", "circa", "ca.",
           "около", "примерно", "приблизительно", "где-то", "порядка", "почти",
           "близько", "приблизно", "десь", "майже", "біля", "or so")
_HALF = {"half", "a half", "половина", "половину", "пол", "пів", "половина всех", "половина усіх"}
# Multipliers as people write them after a number.
_MULTIPLIERS = _words({
    1e3: "k к thousand thousands тыс тысяч тысячи тысяча тыщ тис тисяч тисячі тисяча",
    1e6: "m mln million millions млн миллион миллиона миллионов мільйон мільйона мільйонів мільйони",
    1e9: "bn billion млрд",
})
# Days in a unit of time; a month is taken as 30 days, a year as 365.
_DURATIONS = _words({
    1: "day days d д дн день дня дней днів дні доба",
    7: "week weeks wk wks w нед неделя недели недель неделю тиж тиждень тижні тижнів тижня",
    30: "month months mo mos m м мес месяц месяца месяцев міс місяць місяці місяців місяця",
    365: "year years yr yrs y г год года лет рік роки років року",
})
_HALF_DURATION = {"полгода": 180, "пол года": 180, "пів року": 180, "півроку": 180, "half a year": 180,
                  "half year": 180, "полмесяца": 15, "пів місяця": 15, "half a month": 15, "полтора месяца": 45,
                  "півтора місяці": 45, "полтора года": 547.5, "півтора року": 547.5}
_PERCENT_WORDS = ("%", "percent", "per cent", "pct", "процентов", "процента", "процент", "проц",
                  "відсотків", "відсотка", "відсоток", "відс")
# Currency signs and words; a three-letter code is read as itself.
_CURRENCY_WORDS = _words({
    "USD": "$ us$ dollar dollars bucks доллар доллара долларов доллары долар долара доларів долари",
    "EUR": "€ euro euros евро євро",
    "RUB": "₽ руб руб. р. рубль рубля рублей рубли rub roubles rubles",
    "UAH": "₴ грн грн. гривна гривны гривен гривня гривні гривень hryvnia",
    "GBP": "£ pounds фунтов фунтів",
    "PLN": "zł злотых злотих",
    "KZT": "₸ тенге",
    "GEL": "₾",
})
_SIGNS = "$€₽₴£₸₾"
_RANGE = re.compile(r"^(?:от|від|from|between)?\s*(?P<a>.+?)\s*"
                    r"(?:-|–|—|\.\.\.?|…|\bto\b|\bдо\b|\band\b|\bи\b|\bі\b)\s*(?P<b>.+)$")
_NUMBER = re.compile(r"[+-]?\d[\d\s\u00a0\u202f\u2009',.]*")
_WORD_SPLIT = re.compile(r"(?<=\d)(?=[^\d\s.,'\u00a0\u202f\u2009%])|(?<=[^\d\s.,'\u00a0\u202f\u2009+-])(?=\d)")


class Unreadable(ValueError):
    """A value the reader cannot use: `key` names the catalogue text (error.<key>), `values` fill it."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)  # the catalogue key; read_cell words it in English
        self.key = key
        self.values = values

    def english(self) -> str:
        from advisor.i18n import tr

        return tr(f"error.{self.key}", "en", **self.values)


@dataclass(frozen=True)
class Reading:
    """What an answer was read as: the value in the field's unit, and how it was read."""

    value: Any
    currency: str | None = None  # named by the answer (a sign, a code or a word)
    notes: tuple[str, ...] = ()  # how it was read: "approximate", "range", "fraction", "duration", "words"
    low: float | None = None  # a range's ends
    high: float | None = None


def read_value(spec: FieldSpec, text: str, *, currencies: Collection[str] | None = None,
               strict: bool = False) -> Reading:
    """`text` as a value of the field `spec`; Unreadable when it is not one.

    strict: a file's cell, read without anyone to confirm: ranges and currencies are refused.
    """
    if spec.kind not in ("integer", "number", "share"):
        raise ValueError(f"{spec.name} is a {spec.kind} field; read_value reads numbers")
    try:
        return _read(spec, text, currencies, strict)
    except Unreadable as problem:
        if problem.key == "number":
            problem.values = {"value": repr(text.strip())}  # the answer as typed, not as taken apart
        raise


def _read(spec: FieldSpec, text: str, currencies: Collection[str] | None, strict: bool) -> Reading:
    kind = spec.kind
    raw = " ".join(text.split()).strip()
    lowered = raw.lower()
    notes: list[str] = []
    for word in sorted(_APPROX, key=len, reverse=True):  # "about 300", "300 or so"
        if lowered.startswith(word) and (not word[-1].isalpha() or lowered[len(word):len(word) + 1] in (" ", "")):
            lowered = lowered[len(word):].strip()
            notes.append("approximate")
            break
        if lowered.endswith(" " + word):
            lowered = lowered[: -len(word)].strip()
            notes.append("approximate")
            break
    lowered = lowered.rstrip("?!").strip()
    if not lowered:
        raise Unreadable("number", value=repr(text))
    currency, lowered = _currency_of(lowered, currencies)
    if currency is not None:
        if spec.unit != "currency":
            raise Unreadable("currency_here", value=text)
        if strict:
            raise Unreadable("currency_in_cell", value=text, currency=currency)
        notes.append("currency")
    percent = False
    if kind == "share":
        for word in sorted(_PERCENT_WORDS, key=len, reverse=True):
            if lowered.endswith(word):
                lowered, percent = lowered[: -len(word)].strip(), True
                break
    days = spec.unit == "days"
    if days and lowered in _HALF_DURATION:
        value = float(_HALF_DURATION[lowered])
        notes.append("duration")
        return _finish(spec, value, notes, currency)
    if lowered in _HALF:
        if kind != "share":
            raise Unreadable("number", value=repr(text))
        return _finish(spec, 0.5, [*notes, "words"], currency)

    low = high = None
    match = _RANGE.match(lowered) if not lowered.startswith("-") else None
    if match and _looks_like_number(match.group("a")) and _looks_like_number(match.group("b")):
        if strict:
            raise Unreadable("range_in_cell", value=text)
        b_value, b_unit, b_scale = _quantity(match.group("b"), spec, days)
        a_value, _, _ = _quantity(match.group("a"), spec, days, unit=b_unit, scale=b_scale)  # "2-3 weeks", "1,5-2 млн"
        low, high = sorted((a_value, b_value))
        value = (low + high) / 2
        notes.append("range")
    else:
        value, unit, _ = _quantity(lowered, spec, days)
        if unit == -1.0:
            notes.append("period")
        elif unit is not None and unit != 1:
            notes.append("duration")
    if kind == "share":
        if percent or value > 1:
            if not 0 <= value <= 100:
                raise Unreadable("share", value=text)
            value = value / 100
            low, high = (low / 100, high / 100) if low is not None and high is not None else (None, None)
        elif value < 0:
            raise Unreadable("share", value=text)
        elif 0 < value < 1:
            notes.append("fraction")
        elif value == 1:
            notes.append("all")
    return _finish(spec, value, notes, currency, low, high)


def _looks_like_number(part: str) -> bool:
    return bool(re.search(r"\d", part))


def _quantity(text: str, spec: FieldSpec, days: bool, unit: float | None = None,
              scale: float | None = None) -> tuple[float, float | None, float | None]:
    """A number with its multiplier (`2.5k`, `1,5 млн`), its unit of time for days (`3 месяца`), and
    for a monthly figure its period (`50 a week`); with the unit and multiplier it was read in.

    `unit` and `scale` come from a range's other end: "2-3 weeks", "1,5-2 млн".
    """
    text = _WORD_SPLIT.sub(" ", text.strip())
    match = _NUMBER.match(text)
    if not match:
        raise Unreadable("number", value=repr(text))
    number_text, rest = match.group().strip(), text[match.end():].strip()
    number_text = number_text.rstrip(",.' ")  # a trailing separator is not part of the number
    try:
        value = parse_number(number_text)
    except ValueError:
        raise Unreadable("number", value=repr(text)) from None
    words = [w.strip(".,;") for w in rest.replace("/", " ").split()]
    words = [w for w in words if w]
    if words and words[0] in _MULTIPLIERS and not (days and words[0] in _DURATIONS):  # "2 m" of days: months
        scale = _MULTIPLIERS[words.pop(0)]
    if scale is not None:
        value *= scale
    period = None
    for word in words:
        if days and word in _DURATIONS:
            unit = _DURATIONS[word]
        elif spec.unit.endswith("/month") and word in _PERIODS:
            period = _PERIODS[word]
        elif word not in _UNIT_WORDS:
            raise Unreadable("number", value=repr(text))
    if days and unit is not None:
        value *= unit
    if period is not None and period != 1:
        value *= period
        unit = -1.0  # read in another period: said in the echo
    return value, unit, scale


# Per-month figures given for another period: the factor to a month (30 days).
_PERIODS = {"day": 30, "daily": 30, "день": 30, "сутки": 30, "добу": 30, "week": 30 / 7, "weekly": 30 / 7,
            "неделю": 30 / 7, "неделя": 30 / 7, "тиждень": 30 / 7, "year": 1 / 12, "yearly": 1 / 12,
            "annually": 1 / 12, "год": 1 / 12, "рік": 1 / 12, "month": 1, "monthly": 1, "mo": 1, "месяц": 1,
            "мес": 1, "місяць": 1, "міс": 1, "quarter": 1 / 3, "квартал": 1 / 3}
# Words a founder may write after a number that say what it counts ("300 leads a month").
_UNIT_WORDS = frozenset(
    "a an per in on each every за в на у of times x × раз раза разів рази "
    "lead leads request requests inquiries лид лида лидов заявка заявки заявок обращение обращения обращений "
    "лід ліда лідів ліди звернення звернень "
    "deal deals order orders sale sales сделка сделки сделок заказ заказа заказов продажа продажи продаж "
    "угода угоди угод замовлення замовлень "
    "people person persons seller sellers человек чел человека людей люди продавец продавца продавцов "
    "осіб особи особа людина людини продавець продавці продавців "
    "client clients customer customers клиент клиента клиентов клієнт клієнта клієнтів".split()
)


def _currency_of(text: str, currencies: Collection[str] | None) -> tuple[str | None, str]:
    """The currency an answer names, and the answer without it."""
    found: str | None = None
    for sign in _SIGNS:
        if sign in text:
            found = _CURRENCY_WORDS[sign]
            text = text.replace("us$", "").replace(sign, " ")
            break
    words = text.split()
    kept = []
    for word in words:
        bare = word.strip(",;")
        code = _CURRENCY_WORDS.get(bare) or _CURRENCY_WORDS.get(bare.rstrip("."))
        if code is None and bare.upper() in _ISO_LIKE and (currencies is None or bare.upper() in currencies):
            code = bare.upper()
        if code is not None and found in (None, code):
            found = code
            continue
        kept.append(word)
    return found, " ".join(kept).strip()


# Codes read as a currency without a sign or a word: the rule base's rates table names the
# ones it can convert, and an answer naming another is refused there with that list.
_ISO_LIKE = frozenset({"USD", "EUR", "RUB", "UAH", "GBP", "PLN", "KZT", "GEL", "CHF", "CNY", "JPY", "CAD", "AUD",
                       "SEK", "NOK", "DKK", "CZK", "HUF", "RON", "BGN", "TRY", "BYN", "MDL", "AMD", "AZN", "UZS",
                       "KGS", "TJS", "ILS", "AED", "INR", "BRL", "MXN"})


def _finish(spec: FieldSpec, value: float, notes: list[str], currency: str | None,
            low: float | None = None, high: float | None = None) -> Reading:
    if abs(value) > MAX_MAGNITUDE:
        raise Unreadable("too_large", value=f"{value:.3g}")
    if spec.kind == "share":
        value = round(value, SHARE_DIGITS)
    elif spec.kind == "integer":
        if not float(value).is_integer():
            if "range" in notes or "duration" in notes:
                value = round(value)  # the middle of 2-5 people is 4 people, said so
            else:
                raise Unreadable("whole", value=_plain(value))
        value = int(value)
    else:
        value = round(value, NUMBER_DIGITS)
        value = float(value)
    _bounds(spec, value)
    return Reading(value, currency, tuple(dict.fromkeys(notes)), low, high)


def _plain(value: float) -> str:
    return f"{value:,.10g}"


def _bounds(spec: FieldSpec, value: float) -> None:
    if spec.kind == "share":
        if not 0 <= value <= 1:
            raise Unreadable("share", value=_plain(value * 100))
        return
    if spec.minimum is not None:
        if spec.exclusive_minimum and value <= spec.minimum:
            raise Unreadable("above", min=f"{spec.minimum:g}")
        if value < spec.minimum:
            raise Unreadable("at_least", min=f"{spec.minimum:g}")
    if spec.maximum is not None and value > spec.maximum:
        raise Unreadable("at_most", max=f"{spec.maximum:g}")


# ---- echo ------------------------------------------------------------------------------


def echo_value(spec: FieldSpec, value: Any, lang: str, currency: str | None = None) -> str:
    """The value as the founder is shown it back: `300`, `35%`, `€850`, `1 200,5` (reads back to `value`)."""
    from advisor.i18n import formats

    if spec.kind == "share":
        return formats.percent(value, lang, digits=SHARE_DIGITS - 2)
    if spec.unit == "currency" and currency:
        if float(value).is_integer():
            return formats.money(value, currency, lang)
        return f"{formats.number(value, lang, digits=NUMBER_DIGITS)}\u00a0{currency}"
    return formats.number(value, lang, digits=0 if spec.kind == "integer" else NUMBER_DIGITS)


def currency_code(text: str) -> str | None:
    """The currency a word or sign names (`€`, `руб`, `грн`, `dollars`, `usd`), else None."""
    lowered = text.strip().lower()
    if lowered.upper() in _ISO_LIKE:
        return lowered.upper()
    return _CURRENCY_WORDS.get(lowered) or _CURRENCY_WORDS.get(lowered.rstrip("."))


def read_cell(name: str, text: str) -> Any:
    """A file's cell in words (`~300`, `85 000`, `2 weeks`, `половина`), or ValueError in English.

    Called by the profile's validators only after the plain number reading failed, so plain
    numeric cells never come here.
    """
    try:
        return read_value(FIELDS[name], text, strict=True).value
    except Unreadable as problem:
        problem.args = (problem.english(),)
        raise


def read_answers(data: Mapping[str, Any], *, currencies: Collection[str] | None = None,
                 readings: dict[str, Reading] | None = None) -> dict[str, Any]:
    """Typed answers (`--answers`, `--set`): numbers in words read, a currency named by an amount set.

    Values that are not text, and text this reader cannot read, pass as they are: the profile's
    validation then says what is wrong with them, located. `readings` collects how each text
    was read, for the caller to say.
    """
    result = dict(data)
    named: dict[str, str] = {}
    for key, value in data.items():
        spec = FIELDS.get(key) if isinstance(key, str) else None
        if spec is None or spec.kind not in ("integer", "number", "share") or not isinstance(value, str):
            continue
        try:
            reading = read_value(spec, value, currencies=currencies)
        except Unreadable:
            continue
        result[key] = reading.value
        if readings is not None and (reading.notes or not _NUMBER.fullmatch(value.strip())):
            readings[key] = reading
        if reading.currency:
            named[key] = reading.currency
    codes = set(named.values())
    if len(codes) > 1:
        raise Unreadable("currencies_differ", fields=", ".join(f"{k}: {v}" for k, v in named.items()))
    if codes:
        code = codes.pop()
        given = result.get("currency")
        if isinstance(given, str) and given.strip() and given.strip().upper() != code:
            raise Unreadable("currency_conflict", currency=given.strip().upper(), named=code,
                             field=next(iter(named)))
        result["currency"] = code
    return result
