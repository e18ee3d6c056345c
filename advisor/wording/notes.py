"""The pros, cons and risks of the recommended model and the runner-up, in words, each point with its citation."""

from __future__ import annotations

from typing import Any

from advisor.rulebase.schema import MODEL_NOTE_KINDS
from advisor.wording import Wording

Point = tuple[str, str]  # the text in the language asked, and its citation (a document or a named source)


def model_notes(rec: Any, t: Wording) -> list[tuple[str, list[tuple[str, list[Point]]]]]:
    """[(heading, [(kind label, [(text, citation), ...]), ...]), ...], the recommended model first."""
    sections = []
    for model, notes in rec.model_notes.items():
        role = "notes.recommended" if model == rec.department_model.id else "notes.runner_up"
        kinds = [(t(f"notes.{kind}"), [(p.text.get(t.lang), p.source.citation)
                                       for p in getattr(notes, kind)])
                 for kind in MODEL_NOTE_KINDS]
        sections.append((t(role, model=t(f"model_short.{model}")), kinds))
    return sections


def notes_markdown(rec: Any, t: Wording, level: str = "##") -> list[str]:
    """The notes as Markdown lines: a heading, then per model its strengths, weaknesses and risks, cited."""
    sections = model_notes(rec, t)
    if not sections:
        return []
    out = [f"{level} {t('notes.title')}", ""]
    for heading, kinds in sections:
        out += [f"{level}# {heading}", ""]
        for label, points in kinds:
            out += [f"**{label}**", ""] + [f"- {text}  \n  *{cite}*" for text, cite in points] + [""]
    return out
