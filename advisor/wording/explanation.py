"""An explanation's texts: why this model, why not the others, what would change it, which answers matter."""

from __future__ import annotations

from typing import Any

from advisor.explain import Explanation
from advisor.wording import Wording

STATUS_STYLES = {"fired": "green", "partial": "green", "not_fired": "red", "unknown": "yellow"}


def points_text(value: float, w: Wording) -> str:
    """'6.68 points', '1 балл', '2,5 бала'."""
    shown = w.points(value)
    return w("explain.points", points=shown)


def head_line(exp: Explanation, w: Wording) -> str:
    model = exp.recommendation.department_model
    return points_text(model.scores[model.id], w) + ". "


def scenario_line(exp: Explanation, w: Wording) -> str:
    return w("explain.scenario", changes=w.changes(exp.scenario)) if exp.scenario else ""


def why_not_heading(why: Any, w: Wording) -> str:
    """'two-level, contact centre: 2.86 points, 3.82 behind'."""
    return w("explain.behind", model=w.model_short(why.model), score=points_text(why.score, w), gap=w.points(why.gap))


def rule_effect(trace: Any, model: str, w: Wording) -> str:
    """'+1 fired', '+0.5 of 1 partly', '+2 did not fire'."""
    full = trace.effect["points"][model]
    if trace.status == "partial":
        shown = w("explain.of", earned=w.points(trace.earned(full)), full=w.points(full))
    else:
        shown = "+" + w.points(full)
    return f"{shown} {w(f'explain.status.{trace.status}')}"


def counterfactual_line(change: Any, w: Wording) -> str:
    return w("explain.if_start" if change.starting_point else "explain.if", changes=w.changes(change.changes))


def fixed_line(exp: Explanation, w: Wording) -> str:
    return w("explain.fixed", fields=w.fields(exp.fixed)) if exp.fixed else ""


def impact_lines(exp: Explanation, w: Wording) -> list[str]:
    """Each unknown answer and what knowing it could do to the advice."""
    lines = []
    for impact in exp.unknown_impacts:
        name = w.field(impact.field)
        if impact.outcomes:
            shown = "; ".join(f"{w.value(impact.field, v)} → {w.model_short(m)}" for v, m in impact.outcomes[:6])
            more = w("explain.more", count=len(impact.outcomes) - 6) if len(impact.outcomes) > 6 else ""
            lines.append(w("explain.impact_changes", field=name, values=shown, more=more))
        elif impact.with_others:
            lines.append(w("explain.impact_with_others", field=name, points=points_text(impact.narrows, w)))
        else:
            lines.append(w("explain.impact_no", field=name))
    return lines
