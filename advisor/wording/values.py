"""Values, conditions and remarks in words: a field's value with its unit, a rule's comparison."""

from __future__ import annotations

from typing import Any

from advisor.i18n import has_text
from advisor.profile import FIELDS
from advisor.recommendation import Note, Share
from advisor.wording import numbers

_SYMBOLS = {"lt": "<", "lte": "≤", "gt": ">", "gte": "≥", "eq": "=", "at_least": "≥", "at_most": "≤"}
_RAMPS = ("at_least", "at_most")


def _kind(field: str) -> str:
    spec = FIELDS.get(field)
    return spec.kind if spec is not None else "number"


def value_text(w: Any, field: str, value: Any, currency: str | None = None) -> str:
    """A field's value for people: a share in percent, yes/no, a choice's label, a stage with its
    name, a deal size with its currency (USD, as the rules compare it, unless `currency` says)."""
    lang = w.lang
    if value is None:
        return w("ask.dont_know")
    if isinstance(value, bool):
        return w.yes_no(value)
    if field == "organization_stage" and has_text(f"choice.organization_stage.{value}"):
        return f"{int(value)} ({w(f'choice.organization_stage.{int(value)}')})"
    if isinstance(value, str):
        return w(f"choice.{field}.{value}") if has_text(f"choice.{field}.{value}") else value
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(w, field, v, currency) for v in value)
    kind = _kind(field)
    if kind == "share":
        return numbers.percent(value, lang)
    if field in ("average_deal_size", "monthly_cost_per_seller"):
        return numbers.money(value, currency or "USD", lang)
    return numbers.figure(value, lang)


def _threshold(w: Any, field: str, operator: str, threshold: Any, ratio: bool) -> str:
    lang = w.lang
    share = _kind(field) == "share" and not ratio
    money = field == "average_deal_size" and not ratio
    if operator in _RAMPS or operator == "between":
        low, high = threshold
        dash = "…" if operator in _RAMPS else "–"
        if share:
            return numbers.percent_range(low, high, lang, dash)
        if money:
            high_text = numbers.money(high, "USD", lang)
            return numbers.figure(low, lang) + dash + high_text if high_text[0].isdigit() else \
                numbers.money(low, "USD", lang) + dash + high_text
        return numbers.figure(low, lang) + dash + numbers.figure(high, lang)
    if isinstance(threshold, (list, tuple)):
        return ", ".join(value_text(w, field, v) for v in threshold)
    if ratio:
        return numbers.figure(threshold, lang)
    if field == "organization_stage" and not isinstance(threshold, bool):
        return numbers.figure(threshold, lang)
    return value_text(w, field, threshold)


# condition_text by what it reads of a leaf without a note: `score --report-dir` words the same comparisons
# in report after report (about 2 in 3 are seen before on generated profiles). Each value's type is part
# of the key: True == 1, but one reads "yes" and the other "1".
_CONDITIONS: dict[tuple, str] = {}
_CONDITIONS_LIMIT = 8192


def _keyed(value: Any) -> tuple:
    return (list, tuple(value)) if type(value) is list else (type(value), value)


def condition_text(w: Any, leaf: Any) -> str:
    """One comparison in words: 'repeat sales share = 55% ≥ 20…50% (25%)', 'close rate unknown (…)'."""
    if leaf.note != "" or not isinstance(leaf.note, str):
        return _condition_text(w, leaf)
    key = (w.lang, leaf.field, leaf.operator, leaf.per, _keyed(leaf.threshold), _keyed(leaf.actual), _keyed(leaf.result))
    try:
        return _CONDITIONS[key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key (none in the built-in rule base): worded each time
        return _condition_text(w, leaf)
    if len(_CONDITIONS) >= _CONDITIONS_LIMIT:
        _CONDITIONS.clear()
    text = _CONDITIONS[key] = _condition_text(w, leaf)
    return text


def _condition_text(w: Any, leaf: Any) -> str:
    lang = w.lang
    ratio = leaf.per is not None
    name = w.field(leaf.field) + (" / " + w.field(leaf.per) if ratio else "")
    threshold = _threshold(w, leaf.field, leaf.operator, leaf.threshold, ratio)
    op = leaf.operator
    symbol = w(f"trace.{op}") if op in ("in", "between") else _SYMBOLS[op]
    if leaf.result is None:
        return w("condition.unknown", field=name, op=symbol, threshold=threshold)
    actual = numbers.figure(float(leaf.actual), lang) if ratio else value_text(w, leaf.field, leaf.actual)
    if leaf.note:
        actual += f" ({note_text(w, leaf.note)})"
    partial = leaf.result is not True and leaf.result is not False and 0 < leaf.result < 1
    if partial:
        return f"{name} = {actual} {symbol} {threshold} ({numbers.percent(leaf.result, lang)})"
    if leaf.result is True or leaf.result >= 1:
        if op == "eq":
            return f"{name} = {actual}"
        if op == "in":
            return f"{name} = {actual} ({w('trace.one_of', values=threshold)})"
        return f"{name} = {actual} {symbol} {threshold}"
    return f"{name} = {actual}, {w('trace.needs')} {symbol} {threshold}"


def note_text(w: Any, note: Any) -> str:
    """A Note in words: its numbers in the language's format (a Share in percent), its notes nested."""
    if not isinstance(note, Note):
        return str(note)
    lang = w.lang
    values = {key: note_text(w, value) if isinstance(value, Note) else shown_value(key, value, lang)
              for key, value in note.values.items()}
    return w(note.key, **values)


def shown_value(key: str, value: Any, lang: str) -> Any:
    """A note's value (not a Note) as its text shows it: a Share in percent, numbers in the language's format."""
    if isinstance(value, Share):
        return numbers.percent(value, lang)
    if key == "rate":  # an exchange rate, given as the rule base writes it ("0.0124")
        return numbers.rate(float(value), lang)
    if isinstance(value, str) or isinstance(value, bool):
        return value
    return numbers.figure(value, lang)


def changes_text(w: Any, changes: dict[str, Any], before: Any = None, currency: str | None = None) -> str:
    parts = []
    for field, value in changes.items():
        if before is not None:
            parts.append(f"{w.field(field)}: {value_text(w, field, getattr(before, field), currency)} → "
                         f"{value_text(w, field, value, currency)}")
        else:
            parts.append(f"{w.field(field)} = {value_text(w, field, value, currency)}")
    return "; ".join(parts)
