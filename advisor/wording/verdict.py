"""How sure the advice is, in words: one place that every renderer asks.

The sentences for a department-model decision (standing, confidence, close call or tie,
what to build now and grow into) and the unknown answers worth finding out next.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from advisor.recommendation import ModelDecision
from advisor.wording import Wording


def verdict_lines(model: ModelDecision, t: Wording) -> list[str]:
    """The decision's standing and certainty: a tie or close call always names both models."""
    name = t(f"model_short.{model.id}")
    other = t(f"model_short.{model.runner_up}")
    lines = []
    if model.started:  # a fact decides what to build now; the evidence, what to grow into
        lines.append(t("verdict.starting_point"))
        nxt = model.next
        if nxt is not None:
            line = t("verdict.next", model=t(f"model_short.{nxt.id}"), confidence=t(f"confidence.{nxt.confidence}"),
                     trigger=nxt.grow_into.trigger.get(t.lang) if nxt.grow_into is not None else "")
            if nxt.grow_into is not None:
                line += " " + t("verdict.next_reasoning", reasoning=nxt.grow_into.reasoning)
            lines.append(line)
    elif max(model.scores.values()) <= 0 and model.margin == 0:
        lines.append(t("rec.nothing_fired"))
    elif model.margin == 0:
        lines.append(t("verdict.tie", model=name, other=other))
    elif model.close_call:
        lines.append(t("verdict.close_call", model=name, other=other, margin=t.points(model.margin)))
    else:
        margin = round(model.margin, 2)  # the number shown picks the word form: 1 point, 2 points, 1.5 points
        lines.append(t("rec.ahead", other=other, margin=t.points(model.margin), count=margin))
    lines.append(t(f"verdict.confidence.{model.confidence}"))
    return lines


def ask_next_lines(impacts: Sequence[Any], t: Wording, top: int = 3) -> list[str]:
    """The unknown answers that matter most, in words (explain.rank_unknowns' order)."""
    return [t(f"verdict.ask.{impact.changes_model}", field=t.field(impact.field)) for impact in impacts[:top]]


def ask_next_title(model: ModelDecision, t: Wording) -> str:
    """With a starting point the answers decide the model to grow into, not today's."""
    return t("verdict.ask_next_started" if model.started else "verdict.ask_next")
