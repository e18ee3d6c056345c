"""A comparison's texts: each column's cells, in sections, in one language."""

from __future__ import annotations

from dataclasses import dataclass

from advisor.compare import Column, technology_differences
from advisor.rulebase.schema import DEPARTMENT_MODELS
from advisor.wording import Wording


@dataclass(frozen=True)
class Section:
    title: str
    rows: list[tuple[str, list[str]]]  # a row's label and one cell per column


def column_heading(column: Column, w: Wording) -> str:
    """The profile's name and, for a scenario column, its changes in words."""
    name = column.recommendation.profile.name
    return f"{name} ({w.changes(column.changes)})" if column.changes else name


def model_cell(column: Column, w: Wording) -> str:
    """The model, and a tie or close call with the runner-up named, or the model to grow into."""
    model = column.recommendation.department_model
    text = w.model_short(model.id)
    if model.next is not None:
        return w("compare.now_then", model=text, next=w.model_short(model.next.id))
    if model.margin == 0:
        return w("compare.tie", model=text, other=w.model_short(model.runner_up))
    if model.close_call:
        return w("compare.close", model=text, other=w.model_short(model.runner_up))
    return text


def score_cell(column: Column, outcome: str, w: Wording) -> str:
    """Points, with the range the unknown answers leave open when it is wider."""
    model = column.recommendation.department_model
    score, low, high = model.scores[outcome], model.score_low[outcome], model.score_high[outcome]
    shown = w.points(score)
    if high - low > 1e-9:
        shown += f" ({w.points(low)}–{w.points(high)})"
    return shown


def mix_cell(column: Column, w: Wording) -> str:
    mix = column.recommendation.sales_mix
    if not mix.applies:
        return w("compare.mix_na")
    return f"{w.percent(mix.inside_share)} / {w.percent(mix.outside_share)}"


def sections(columns: list[Column], w: Wording) -> list[Section]:
    """The model, the points per model, the mix and the checklist, each a headed section; the
    checklist items that apply in some columns only under a heading of their own."""
    recs = [c.recommendation for c in columns]
    out = [
        Section(w("md.department_model"), [
            (w("compare.model"), [model_cell(c, w) for c in columns]),
            (w("compare.confidence"), [w.confidence(r.department_model.confidence) for r in recs]),
        ]),
        Section(w("rec.scores"), [(w.model_short(m), [score_cell(c, m, w) for c in columns]) for m in DEPARTMENT_MODELS]),
        Section(w("md.mix_title"), [
            (w("md.mix_title"), [mix_cell(c, w) for c in columns]),
            (w("rec.hybrid_tag"), [w.yes_no(r.sales_mix.hybrid) for r in recs]),
        ]),
        Section(w("rec.checklist"), [
            (w("compare.items"), [w.figure(len(r.applied_technologies)) for r in recs]),
            (w("compare.unknown"), [w.figure(len(r.unknown_fields)) for r in recs]),
        ]),
    ]
    differences = technology_differences(columns)
    if differences:
        titles = {t.id: w.title(t) for t in recs[0].technologies}
        out.append(Section(w("compare.differ"), [(titles.get(tech, tech), ["✓" if x else "" for x in where])
                                                 for tech, where in differences]))
    return out


def rule_base_line(column: Column, w: Wording, full: bool = False) -> str:
    rec = column.recommendation
    sha = f"`{rec.rule_base_sha256}`" if full else rec.rule_base_sha256[:12]
    return w("rec.rule_base", name=rec.rule_base_name, version=rec.rule_base_version, sha=sha)


def differences_text(columns: list[Column], w: Wording) -> str:
    """'The checklists are the same in every column.' when nothing differs, else ''."""
    return w("compare.same") if len(columns) > 1 and not technology_differences(columns) else ""


