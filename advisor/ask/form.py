"""The questionnaire as a form: every question with its help and choices, in one language.

For consultants who send the questions ahead (`advisor ask --print-questions --format
json|yaml`); the answers come back as `advisor ask --answers FILE`.
"""

from __future__ import annotations

from typing import Any

from advisor.ask.questions import builtin_questions
from advisor.wording import Wording as Translator


def questions_form(lang: str) -> list[dict[str, Any]]:
    """The questions in the fixed order, each as the founder would see it."""
    t = Translator(lang)
    form = []
    for question in builtin_questions():
        spec = question.spec
        item: dict[str, Any] = {
            "field": question.field,
            "question": question.text.get(lang),
            "help": question.help.get(lang),
        }
        if question.where is not None:
            item["where"] = question.where.get(lang)
        if spec.kind == "share":
            item["unit"] = "%"
        elif question.unit is not None:
            item["unit"] = question.unit.get(lang)
        item["kind"] = spec.kind
        if question.choices:
            item["choices"] = [{"value": c.value, "label": t(f"choice.{question.field}.{c.value}"),
                                "description": c.description.get(lang)} for c in question.choices]
        elif spec.kind == "boolean":
            item["choices"] = [{"value": True, "label": t("trace.yes")}, {"value": False, "label": t("trace.no")}]
        if question.default is not None:
            item["default"] = question.default
        if question.skip is not None:
            item["asked_only_if"] = question.when.model_dump(exclude_none=True, by_alias=True) if question.when else None
            item["not_asked_when_false"] = question.skip.get(lang)
        form.append(item)
    return form


def render_form(lang: str, fmt: str) -> str:
    """The form as JSON or YAML text."""
    form = questions_form(lang)
    if fmt == "json":
        import json

        return json.dumps(form, ensure_ascii=False, indent=2) + "\n"
    import yaml

    return yaml.safe_dump(form, allow_unicode=True, sort_keys=False, width=100)
