"""The questionnaire's questions: data in questions.yaml, validated against the profile model."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import Field, RootModel, ValidationError, field_validator, model_validator

from advisor.profile import FIELD_NAMES, FIELDS, FieldSpec
from advisor.rulebase.schema import Condition, Localized, Strict
from advisor.suggest import did_you_mean

QUESTIONS_PATH = Path(__file__).with_name("questions.yaml")


class Choice(Strict):
    value: str | int
    description: Localized


class Question(Strict):
    """One profile field as the founder is asked about it."""

    field: str
    text: Localized
    help: Localized
    where: Localized | None = None  # where to find the figure (a CRM report, the accounts)
    unit: Localized | None = None
    default: str | int | float | bool | None = None  # in the questionnaire's units (percent for shares)
    when: Condition | None = None  # ask only when this holds; unknown still asks
    skip: Localized | None = None  # why it was not asked when `when` is false
    choices: list[Choice] = Field(default_factory=list)
    labels: bool = True  # False: show choices by their descriptions only (no jargon)

    @field_validator("field")
    @classmethod
    def _a_profile_field(cls, value: str) -> str:
        if value not in FIELDS:
            raise ValueError(f"'{value}' is not a profile field{did_you_mean(value, FIELD_NAMES)}")
        return value

    @model_validator(mode="after")
    def _fits_the_field(self) -> "Question":
        spec = self.spec
        if spec.kind == "choice" and sorted(str(c.value) for c in self.choices) != sorted(spec.choices):
            raise ValueError(f"choices of '{self.field}' must be exactly {', '.join(spec.choices)}")
        if spec.kind not in ("choice", "integer") and self.choices:
            raise ValueError(f"'{self.field}' is a {spec.kind} field and takes no choices")
        if self.when is not None and self.skip is None:
            raise ValueError(f"'{self.field}' has a `when` and needs a `skip` reason to show when it is not asked")
        return self

    @property
    def spec(self) -> FieldSpec:
        return FIELDS[self.field]

    @property
    def choice_values(self) -> list[Any]:
        return [c.value for c in self.choices]


class Questions(RootModel[list[Question]]):
    @model_validator(mode="after")
    def _one_question_per_field(self) -> "Questions":
        seen = [q.field for q in self.root]
        for name in FIELD_NAMES:
            if seen.count(name) != 1:
                raise ValueError(f"field '{name}' needs exactly one question, has {seen.count(name)}")
        return self


def texts_of(question: Question) -> list[tuple[str, Localized]]:
    """Every translatable text of a question, named for a test's message."""
    named = [("text", question.text), ("help", question.help), ("where", question.where),
             ("unit", question.unit), ("skip", question.skip)]
    named += [(f"choices.{c.value}.description", c.description) for c in question.choices]
    return [(name, text) for name, text in named if text is not None]


def load_questions(path: Path = QUESTIONS_PATH) -> list[Question]:
    from advisor.rulebase.loader import first_error, read_rule_file

    doc, _ = read_rule_file(path)
    try:
        return Questions.model_validate(doc.data).root
    except ValidationError as exc:
        raise first_error(doc, exc) from None


@cache
def builtin_questions() -> tuple[Question, ...]:
    return tuple(load_questions())
