"""What the HTML and Markdown reports show, as plain texts and numbers in the report's language:
the templates (advisor/report/templates/) lay them out and escape every one of them.

Wording comes from the content layer (ReportContent, plan_text) and the wording layer (advisor/wording);
this module only picks and orders it, once for both formats."""

from __future__ import annotations

from typing import Any

from advisor.wording.notes import model_notes
from advisor.wording.verdict import ask_next_lines, ask_next_title, verdict_lines
from advisor.report.content import ReportContent
from advisor.rulebase.schema import TECHNOLOGY_GROUPS

# A section with at most this many items is printed on one page (CSS `break-inside: avoid`):
# it never leaves more than about a third of the page before it empty.
SHORT = 8


class Part(dict):
    """A part of the report whose keys a template reads as attributes (`row.how`): found on the
    first lookup, where a plain dict makes Jinja try an attribute and catch the error first."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def people(count: int | None) -> str:
    return "?" if count is None else str(count)


def summary_text(content: ReportContent) -> str:
    t, rec = content.t, content.recommendation
    total = content.plan.total if content.plan else None
    if not rec.sales_mix.applies:  # no split to advise: say so instead of the shares
        return t("report.summary_text_at_premises", model=t(f"model_short.{rec.department_model.id}"),
                 people=total if total is not None else t("report.people_unknown"), items=len(rec.applied_technologies))
    return t("report.summary_text", model=t(f"model_short.{rec.department_model.id}"),
             people=total if total is not None else t("report.people_unknown"),
             inside=t.percent(rec.sales_mix.inside_share), outside=t.percent(rec.sales_mix.outside_share),
             items=len(rec.applied_technologies))


# A rule's citation as a report shows it (document, what it says, our reasoning) depends on its source and
# the language alone: worded once per run, by the source (kept in the entry, so its id is not reused).
_CITED: dict[tuple[int, str], tuple[Any, str, str, str | None]] = {}


def _reason(trace: Any, effect: str, content: ReportContent) -> dict[str, Any]:
    source, t = trace.source, content.t
    cited = _CITED.get((id(source), t.lang))
    if cited is None or cited[0] is not source:
        if len(_CITED) >= 4096:  # rule bases loaded one after another (tests): only the last ones stay
            _CITED.clear()
        cite = t.citation(source)  # the anchors of a ramp, the one part that reads the trace, are not shown
        cited = _CITED[(id(source), t.lang)] = (source, cite.document, cite.says, cite.reasoning or None)
    return Part({"effect": effect, "rule": trace.rule, "why": t.why(trace), "document": cited[1],
                 "says": cited[2], "reasoning": cited[3]})


def _staffing(content: ReportContent) -> dict[str, Any] | None:
    t, plan, lang = content.t, content.plan, content.lang
    if plan is None:
        return None
    head = plan.by_role().get("head_of_sales")
    rows = [Part({
        "role": content.role_title(need.role), "people": people(need.count),
        "how": content.basis(need),
        "method": t(f"staff.method.{need.method}") if need.basis is not None else None,
        "peak": t("report.peak", extra=need.peak_extra) if need.peak_extra else None,
    }) for need in plan.roles]
    return Part({
        "top": ((content.role_title("head_of_sales"), people(head.count)) if head is not None else (t("report.owner"), "")),
        "boxes": [(content.role_title(r.role), people(r.count)) for r in plan.roles if r.role != "head_of_sales"],
        "rows": rows, "total": people(plan.total),
        "owner_leads": t("staff.owner_leads") if head is None and plan.total is not None else None,
        "distrusted": (t("report.distrusted", fields=t.fields(plan.distrusted))
                       if plan.distrusted else None),
    })


def _economics(content: ReportContent) -> dict[str, Any] | None:
    from advisor.report.plan_text import economics_rows, variant_lines, verdict

    t, eco = content.t, content.economics
    if content.plan is None:
        return None
    if eco is None:
        return Part({"missing": t("report.no_economics", fields=t.fields(content.economics_needs()) or "?")})
    out: dict[str, Any] = Part({"missing": None, "rows": economics_rows(content), "affordable": eco.affordable,
                           "verdict": verdict(content), "variant": None})
    if eco.variant is not None:
        title, steps, team, closing = variant_lines(content)
        out["variant"] = Part({"title": title, "steps": steps, "people": team, "closing": closing})
    return out


def _path(content: ReportContent) -> dict[str, Any] | None:
    from advisor.report.plan_text import path_intro, path_rows

    t, path, eco = content.t, content.path, content.economics
    if path is None:
        return None
    head = [t("report.month"), t("report.hires"), t("report.headcount_short"), t("report.productive")]
    if eco is not None:
        head += [t("report.payroll_short"), t("report.revenue_short")]
    money = [v for m in path.months for v in (m.payroll, m.revenue) if v is not None]
    return Part({
        "intro": path_intro(content), "head": head, "rows": path_rows(content),
        "months": [m.month for m in path.months], "people": [m.people for m in path.months],
        "payroll": [m.payroll for m in path.months] if eco else None,
        "revenue": [m.revenue for m in path.months] if eco else None,
        "labels": {"title": t("report.path_chart"), "people": t("report.headcount_short"),
                   "payroll": t("report.payroll_short"), "revenue": t("report.revenue_short"),
                   "month": t("report.month"), "money_top": content.money(max(money, default=0))},
    })


def _roadmap(content: ReportContent) -> dict[str, Any] | None:
    from advisor.report.plan_text import team_change

    t, roadmap, staffing, lang = content.t, content.roadmap, content.staffing, content.lang
    if roadmap is None or staffing is None or content.plan is None:
        return None
    stages = {s.stage: s for s in staffing.stages}
    source = staffing.stages_source
    return Part({
        "head": (t("report.stage_now", stage=roadmap.current_stage) if roadmap.current_stage
                 else t("report.stage_unknown")) + " · " + t("report.stage_target", stage=roadmap.target_stage),
        "steps": [Part({"stage": s.stage, "title": stages[s.stage].title.get(lang), "step": stages[s.stage].step.get(lang),
                        "done": s.done}) for s in roadmap.steps],
        "done": t("report.done"),
        "hire": t("report.hire", roles=", ".join(f"{content.role_title(r.role)} {people(r.count)}"
                                                 for r in content.plan.roles)),
        "change": team_change(content),
        "document": source.document, "says": source.says.get(lang),
        "kpis": [(content.role_title(r.role), ", ".join(staffing.roles[r.role].kpis.get(lang)))
                 for r in content.plan.roles],
    })


def _checklist(content: ReportContent) -> dict[str, Any]:
    t, rec, lang = content.t, content.recommendation, content.lang
    groups = []
    for group in TECHNOLOGY_GROUPS:
        items = [i.title.get(lang) or i.title["en"] for i in rec.applied_technologies if i.group == group]
        if items:
            groups.append((t(f"group.{group}"), items))
    possible = [(i.title.get(lang) or i.title["en"], t("rec.depends_on", fields=t.fields(i.trace.unknown_fields())))
                for i in rec.possible_technologies]
    return Part({"groups": groups, "possible_title": t("rec.possible"), "possible": possible})


def _reasons(content: ReportContent) -> dict[str, Any]:
    t, rec, lang = content.t, content.recommendation, content.lang
    model, mix = rec.department_model, rec.sales_mix
    return Part({
        "model": [_reason(r, "+" + t.points(r.earned(r.effect["points"][model.id])), content) for r in model.reasons],
        "nothing_fired": t("rec.nothing_fired"),
        "not_applicable_title": t("rec.mix") + t("rec.mix_not_applicable"),
        "not_applicable": [_reason(r, "—", content) for r in mix.not_applicable_reasons],
        "inside_title": t("rec.inside", share=t.percent(mix.inside_share)),
        "mix_start": t("rec.mix_start", share=t.percent(mix.base_inside_share)),
        "mix": [_reason(r, t.signed_percent(r.earned(r.effect["inside_shift"])), content) for r in mix.reasons],
        "hybrid": t("rec.hybrid") if mix.hybrid else None,
        "hybrid_reasons": [_reason(r, t("rec.hybrid_tag"), content) for r in mix.hybrid_reasons],
    })


def _changes(content: ReportContent) -> dict[str, Any]:
    t, exp = content.t, content.explanation
    changes = [t("report.change_to", model=t(f"model_short.{c.to}"), changes=content.change_text(c.changes))
               for c in exp.counterfactuals]
    impacts = [t("report.unknown_impact", field=t.field(i.field),
                 outcomes="; ".join(f"{content.describe_value(i.field, v)} → {t(f'model_short.{m}')}" for v, m in i.outcomes))
               for i in exp.unknown_impacts]
    return Part({"changes": changes, "impacts": impacts, "none": t("report.no_change")})


def _tiers(t: Any, tiers: list[Any]) -> str:
    """`< 1,000 500, < 10,000 200, ≥ 10,000 50`: each tier's figure after the amounts it holds for."""
    bounds = [f"< {t.figure(tier.below)}" for tier in tiers[:-1]]
    bounds.append(f"≥ {t.figure(tiers[-2].below)}" if len(tiers) > 1 else "")
    return ", ".join(f"{bound} {t.figure(tier.value)}".strip() for bound, tier in zip(bounds, tiers))


# The norms table depends on the rule base's staffing file and the language alone: worked out once per run
# (score --report-dir repeats it in every report; ~0.15 ms of a report's rendering). The file is kept in
# the entry, so its id cannot be reused by another while the entry lives.
_NORMS: dict[tuple[int, str], tuple[Any, list[tuple[str, str, str, bool]]]] = {}


def _norms(content: ReportContent) -> list[tuple[str, str, str, bool]]:
    """(what, value, source, whether the value is a number to right-align)."""
    staffing = content.staffing
    if staffing is None:
        return []
    key = (id(staffing), content.lang)
    kept = _NORMS.get(key)
    if kept is None or kept[0] is not staffing:
        if len(_NORMS) >= 16:  # rule bases loaded one after another (tests): only the last few stay
            _NORMS.clear()
        kept = _NORMS[key] = (staffing, _norm_rows(content))
    return kept[1]


def _norm_rows(content: ReportContent) -> list[tuple[str, str, str, bool]]:
    t, staffing = content.t, content.staffing
    assert staffing is not None
    rows = []
    norms = staffing.norms
    for name in type(norms).model_fields:
        norm = getattr(norms, name)
        value = _tiers(t, norm.tiers) if hasattr(norm, "tiers") else t.figure(norm.value)
        source = norm.source.benchmark or ""
        if norm.source.reasoning is not None:
            source = f"{source} {t('source.reasoning', text=norm.source.reasoning.get(content.lang))}".strip()
        rows.append((norm.unit.get(content.lang), value, source, True))
    # ramp-up months, the cost levels and the assumed margins, with where they come from (issue 16)
    ramp = ", ".join(f"{content.role_title(r)} {t.figure(v)}" for r, v in staffing.ramp_months.values.items())
    levels = "; ".join(f"{code}: {t.money(level.wage, level.currency)}" for code, level in staffing.costs.levels.items())
    margins = ", ".join(f"{t(f'choice.offering.{k}')} {t.percent(v)}"
                        for k, v in staffing.assumed_gross_margin.values.items())
    rows += [(t("report.ramp_norm"), ramp, staffing.ramp_months.source.benchmark or "", False),
             (t("report.wage_norm", overhead=t.figure(staffing.costs.overhead)), levels,
              " ".join([staffing.costs.source.benchmark or ""] + [f"{c}: {lv.says}." for c, lv in staffing.costs.levels.items()]), False),
             (t("report.margin_norm"), margins, staffing.assumed_gross_margin.source.benchmark or "", False)]
    return rows


def report_view(content: ReportContent) -> dict[str, Any]:
    """Everything either report shows, keyed by the part of the report that shows it."""
    t, rec, lang = content.t, content.recommendation, content.lang
    model, mix = rec.department_model, rec.sales_mix
    order = sorted(model.scores, key=lambda m: -model.scores[m])
    return {
        "t": t, "lang": lang, "short": SHORT,
        "title": t("report.title", name=rec.profile.name),
        "source": content.source, "date": content.date.isoformat(),
        "model": t(f"model.{model.id}"), "summary": summary_text(content),
        "confidence": "open" if model.close_call else model.confidence,
        "verdict": verdict_lines(model, t),
        "ask_next_title": ask_next_title(model, t), "ask_next": ask_next_lines(rec.ask_next, t),
        "scores": [Part({"label": t(f"model_short.{m}"), "score": model.scores[m], "points": t.points(model.scores[m]),
                         "winner": m == model.id, "range": (model.score_low[m], model.score_high[m])}) for m in order],
        "mix": Part({"applies": mix.applies, "inside": mix.inside_share,
                     "inside_label": t("rec.inside", share=t.percent(mix.inside_share)),
                     "outside_label": t("rec.outside", share=t.percent(mix.outside_share)),
                     "not_applicable": t("rec.mix") + t("rec.mix_not_applicable"),
                     "not_applicable_reasons": [_reason(r, "—", content) for r in mix.not_applicable_reasons]}),
        "checks": [(t.field(c.fields[0]), c.text(lang)) for c in content.checks],
        "staffing": _staffing(content), "economics": _economics(content), "path": _path(content),
        "roadmap": _roadmap(content), "notes": model_notes(rec, t), "checklist": _checklist(content),
        "reasons": _reasons(content), "changes": _changes(content),
        "unknown": [t.field(f) for f in rec.unknown_fields],
        "norms": _norms(content),
        "footer": t("report.footer", name=rec.rule_base_name, version=rec.rule_base_version, sha=rec.rule_base_sha256,
                    date=content.date.isoformat()),
    }
