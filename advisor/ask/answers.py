"""Typed answers turned into profile values, with the reason in the founder's language when not.

Numbers are read by advisor.answer_parser, the reader every input shares: `about 300`,
`85 000 ₽`, `2 weeks`, `200-300`; shares are asked in percent (35 or 35%; a number from 0
to 1 is a fraction, as everywhere) and stored as fractions (0.35). Choices take their
number, their value or the start of their label. "I don't know" leaves the field unknown.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from advisor.answer_parser import Reading, Unreadable, currency_code, echo_value, read_value
from advisor.ask.questions import Question
from advisor.wording import Wording as Translator
from advisor.profile import NO_WORDS, UNKNOWN_MARKERS, YES_WORDS

DONT_KNOW = frozenset(UNKNOWN_MARKERS - {""}) | {"don't know", "dont know", "idk", "не знаю", "незнаю"}
BACK = "<"
# the profile's words plus the one-letter answers people type at a prompt
YES = YES_WORDS | {"д", "т", "+"}
NO = NO_WORDS | {"н", "і"}


class AnswerProblem(ValueError):
    """An answer that cannot be used; the message is in the questionnaire's language."""


class Unknown:
    """The answer "I don't know": the field stays unknown."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()


def choice_label(question: Question, value: Any, t: Translator) -> str:
    return t(f"choice.{question.field}.{value}")


def _choice(question: Question, text: str, t: Translator) -> Any:
    values = question.choice_values
    lowered = text.lower()
    if lowered.isdigit() and 1 <= int(lowered) <= len(values):
        return values[int(lowered) - 1]
    for value in values:
        if lowered == str(value).lower():
            return value
    # the start of a label in any language: "кон" -> consultative
    matches = [
        v for v in values
        if any(tr_label.lower().startswith(lowered) for tr_label in _labels(question, v))
    ]
    if len(matches) == 1:
        return matches[0]
    if all(isinstance(v, int) for v in values):
        raise AnswerProblem(t("error.choice_number", count=len(values)))
    raise AnswerProblem(t("error.choice", count=len(values), choices=", ".join(str(v) for v in values)))


def _labels(question: Question, value: Any) -> list[str]:
    from advisor.i18n import LANGUAGES, tr

    return [tr(f"choice.{question.field}.{value}", lang) for lang in LANGUAGES]


def parse_answer(question: Question, text: str, t: Translator, currencies: Collection[str] = ()) -> Any:
    """The profile value for `text`, UNKNOWN for "I don't know", or AnswerProblem."""
    return interpret(question, text, t, currencies)[0]


def interpret(question: Question, text: str, t: Translator,
              currencies: Collection[str] = ()) -> tuple[Any, Reading | None]:
    """The profile value for `text` and, for a number, how it was read (for the echo); or AnswerProblem."""
    text = text.strip()
    if text.lower() in DONT_KNOW:
        if question.field == "name":
            raise AnswerProblem(t("ask.name_required"))
        return UNKNOWN, None
    spec = question.spec
    if not text:
        raise AnswerProblem(t("ask.answer_required"))
    if spec.kind == "text":
        return " ".join(text.split()), None
    if question.choices:
        return _choice(question, text, t), None
    if spec.kind == "boolean":
        lowered = text.lower()
        if lowered in YES:
            return True, None
        if lowered in NO:
            return False, None
        raise AnswerProblem(t("error.yes_no"))
    if spec.kind == "currency":
        code = currency_code(text) or text.upper()
        if code not in currencies:
            raise AnswerProblem(t("error.currency", value=text, known=", ".join(sorted(currencies))))
        return code, None
    if spec.kind == "country":
        code = text.upper()
        if len(code) != 2 or not code.isalpha() or not code.isascii():
            raise AnswerProblem(t("error.country", value=text))
        return code, None
    try:
        reading = read_value(spec, text, currencies=None)
    except Unreadable as problem:
        raise AnswerProblem(t(f"error.{problem.key}", **problem.values)) from None
    if reading.currency is not None and reading.currency not in currencies:
        raise AnswerProblem(t("error.currency", value=reading.currency, known=", ".join(sorted(currencies))))
    return reading.value, reading


def echo(question: Question, reading: Reading, t: Translator, currency: str | None) -> str:
    """How a number was read, said back: "→ 300 leads a month (the middle of 200–300)"."""
    spec, lang = question.spec, t.lang
    shown = echo_value(spec, reading.value, lang, reading.currency or currency)
    key = "echo.share" if spec.kind == "share" else f"echo.{spec.name}"
    line = t(key, shown=shown, n=reading.value) if _has(key) else shown
    notes = []
    if "range" in reading.notes and reading.low is not None and reading.high is not None:
        notes.append(t("ask.note.range", low=echo_value(spec, reading.low, lang),
                       high=echo_value(spec, reading.high, lang)))
    for note in ("fraction", "all", "period"):
        if note in reading.notes:
            notes.append(t(f"ask.note.{note}"))
    if "duration" in reading.notes and reading.value % 30 == 0 and reading.value % 365:
        notes.append(t("ask.note.duration"))
    if reading.currency:
        notes.append(t("ask.note.currency", currency=reading.currency))
    return "→ " + line + (f" ({'; '.join(notes)})" if notes else "")


def _has(key: str) -> bool:
    from advisor.i18n import has_text

    return has_text(key)


def show_value(question: Question, value: Any, t: Translator) -> str:
    """An answer as the founder is shown it: 35%, 1,200, yes, a choice's label (in the language's formats)."""
    if value is UNKNOWN or value is None:
        return t("ask.dont_know")
    if question.choices:
        return choice_label(question, value, t)
    if isinstance(value, bool):
        return t("trace.yes" if value else "trace.no")
    if question.spec.kind in ("share", "number", "integer") and isinstance(value, (int, float)):
        return echo_value(question.spec, value, t.lang)
    return str(value)


def to_answer_text(question: Question, value: Any) -> str:
    """A stored value back as it would be typed (for defaults): 0.35 -> '35'."""
    if question.spec.kind == "share":
        return f"{value * 100:g}%"  # with the sign: 0.5% must not read back as the fraction 0.5
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else str(value)
    return str(value)
