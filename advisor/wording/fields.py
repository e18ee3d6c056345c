"""The profile contract in words, for `advisor fields`: each field's key, label, type, unit and meaning."""

from __future__ import annotations

from typing import Any

from advisor.wording import Wording


def meaning(spec: Any, w: Wording) -> str:
    """What a field means: the profile model's help in English, the questionnaire's help in ru and uk."""
    if w.lang == "en":
        return spec.help
    from advisor.ask.questions import load_questions

    helps = {q.field: q.help.get(w.lang) for q in load_questions()}
    return helps.get(spec.name) or spec.help


def kind_text(spec: Any, w: Wording) -> str:
    text = w(f"fields.kind.{spec.kind}")
    if spec.choices:
        text += ": " + " | ".join(spec.choices)
    return text


def bounds_text(spec: Any, w: Wording) -> str:
    unit = w(f"fields.unit.{spec.unit}") if spec.unit else ""
    if spec.kind == "share":
        return w("fields.share_range")
    if spec.minimum is None and spec.maximum is None:
        return unit
    low = "" if spec.minimum is None else ("> " if spec.exclusive_minimum else "≥ ") + w.figure(spec.minimum)
    high = "" if spec.maximum is None else "≤ " + w.figure(spec.maximum)
    return " ".join(x for x in (unit, low, high) if x)
