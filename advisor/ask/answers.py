"""Typed answers turned into profile values, with the reason in the founder's language when not.

Shares are asked in percent (35 or 35%) and stored as fractions (0.35). Numbers take
spaces or commas as people type them (`1 200`, `0,5`). Choices take their number, their
value or the start of their label. "I don't know" leaves the field unknown.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from advisor.ask.questions import Question
from advisor.i18n import Translator
from advisor.profile import NO_WORDS, UNKNOWN_MARKERS, YES_WORDS, parse_number

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


def _number(text: str, t: Translator) -> float:
    try:
        return parse_number(text)
    except ValueError:
        raise AnswerProblem(t("error.number", value=repr(text))) from None


def _bounded(question: Question, value: float, t: Translator) -> float:
    spec = question.spec
    if spec.minimum is not None:
        if spec.exclusive_minimum and value <= spec.minimum:
            raise AnswerProblem(t("error.above", min=f"{spec.minimum:g}"))
        if value < spec.minimum:
            raise AnswerProblem(t("error.at_least", min=f"{spec.minimum:g}"))
    if spec.maximum is not None and value > spec.maximum:
        raise AnswerProblem(t("error.at_most", max=f"{spec.maximum:g}"))
    return value


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
    text = text.strip()
    if text.lower() in DONT_KNOW:
        if question.field == "name":
            raise AnswerProblem(t("ask.name_required"))
        return UNKNOWN
    spec = question.spec
    if not text:
        raise AnswerProblem(t("ask.answer_required"))
    if spec.kind == "text":
        return " ".join(text.split())
    if question.choices:
        return _choice(question, text, t)
    if spec.kind == "boolean":
        lowered = text.lower()
        if lowered in YES:
            return True
        if lowered in NO:
            return False
        raise AnswerProblem(t("error.yes_no"))
    if spec.kind == "currency":
        code = text.upper()
        if code not in currencies:
            raise AnswerProblem(t("error.currency", value=text, known=", ".join(sorted(currencies))))
        return code
    if spec.kind == "country":
        code = text.upper()
        if len(code) != 2 or not code.isalpha() or not code.isascii():
            raise AnswerProblem(t("error.country", value=text))
        return code
    if spec.kind == "share":
        number = _number(text.removesuffix("%").strip(), t)
        if not 0 <= number <= 100:
            raise AnswerProblem(t("error.share", value=text))
        if 0 < number < 1 and not text.endswith("%"):
            # "0.35" is far likelier a fraction than 0.35 percent: ask rather than guess
            raise AnswerProblem(t("error.share_fraction", percent=f"{number * 100:g}"))
        return round(number / 100, 6)
    number = _number(text, t)
    if spec.kind == "integer":
        if not number.is_integer():
            raise AnswerProblem(t("error.whole", value=text))
        return int(_bounded(question, number, t))
    return _bounded(question, number, t)


def show_value(question: Question, value: Any, t: Translator) -> str:
    """An answer as the founder typed it: 35%, yes, a choice's label."""
    if value is UNKNOWN or value is None:
        return t("ask.dont_know")
    if question.spec.kind == "share":
        return f"{value * 100:g}%"
    if question.choices:
        return choice_label(question, value, t)
    if isinstance(value, bool):
        return t("trace.yes" if value else "trace.no")
    if isinstance(value, float):
        return f"{value:,.10g}".replace(",", " ")
    return str(value)


def to_answer_text(question: Question, value: Any) -> str:
    """A stored value back as it would be typed (for defaults): 0.35 -> '35'."""
    if question.spec.kind == "share":
        return f"{value * 100:g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else str(value)
    return str(value)
