"""The report's whole content as data (`advisor report PROFILE -o plan.json`): what the HTML and
Markdown show, in numbers and in the report's language, for a spreadsheet."""

from __future__ import annotations

from typing import Any

from advisor.report.content import ReportContent

FORMAT_VERSION = 1


def _source(source: Any, lang: str) -> dict[str, Any]:
    return {"document": source.document, "says": source.says.get(lang), "benchmark": source.benchmark}


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def staffing_data(content: ReportContent) -> dict[str, Any]:
    """roles, total_people, people_today, the economics, the affordable variant and the path."""
    t, plan, lang = content.t, content.plan, content.lang
    if plan is None:
        return {}
    roles = [{
        "id": need.role, "title": content.role_title(need.role), "people": need.count, "method": need.method,
        "how": content.basis(need),
        "needs": need.needs, "peak_extra": need.peak_extra,
        "sources": [_source(s, lang) for s in need.sources],
    } for need in plan.roles]
    roadmap = content.roadmap
    out: dict[str, Any] = {
        "model": plan.model, "roles": roles, "total_people": plan.total,
        "people_today": content.facts.get("sales_team_size"),
        "people_to_add": roadmap.people_to_add if roadmap else None,
        "people_fewer": roadmap.people_fewer if roadmap else None,
        "distrusted_fields": plan.distrusted,
    }
    eco = content.economics
    out.update({"currency": content.recommendation.profile.currency, "monthly_revenue": None, "gross_margin": None,
                "gross_margin_assumed": None, "gross_profit": None, "monthly_sales_cost": None,
                "cost_of_sales_share": None, "revenue_per_head": None, "payroll_budget": None, "affordable": None,
                "cost_basis": None, "payback_months": {}, "affordable_variant": None,
                "economics_needs": content.economics_needs() if eco is None else []})
    if eco is not None:
        out.update({
            "monthly_revenue": _rounded(eco.monthly_revenue), "gross_margin": eco.gross_margin,
            "gross_margin_assumed": eco.margin_assumed, "gross_profit": _rounded(eco.gross_profit),
            "monthly_sales_cost": _rounded(eco.monthly_sales_cost),
            "cost_of_sales_share": _rounded(eco.cost_of_sales_share, 4),  # null when there is no revenue
            "revenue_per_head": _rounded(eco.revenue_per_head), "payroll_budget": _rounded(eco.budget),
            "affordable": eco.affordable,
            "cost_basis": {"how": eco.costs.how, "level": eco.costs.level, "says": eco.costs.says,
                           "monthly_cost_per_role": {r: _rounded(c) for r, c in eco.costs.per_role.items()}},
            "payback_months": {r: _rounded(m, 1) for r, m in eco.payback_months.items()},
        })
        if eco.variant is not None:
            v = eco.variant
            out["affordable_variant"] = {
                "steps": [{"id": s, "text": t(f"report.step.{s}")} for s in v.steps],
                "roles": [{"id": r, "title": content.role_title(r), "people": n, "outsourced": r in v.outsourced}
                          for r, n in v.people.items()],
                "total_people": v.total, "monthly_sales_cost": _rounded(v.payroll), "affordable": v.affordable,
                "cheaper": v.cheaper,
            }
    path = content.path
    out["path"] = [] if path is None else [{
        "month": m.month, "hires": m.hires, "people": m.people, "productive": round(m.productive, 2),
        "payroll": _rounded(m.payroll), "revenue": _rounded(m.revenue), "expected_leavers": round(m.expected_leavers, 2),
    } for m in path.months]
    out["reductions"] = path.reductions if path else {}
    out["peak_extra"] = path.peak_extra if path else {}
    return out


def report_data(content: ReportContent) -> dict[str, Any]:
    t, rec, lang = content.t, content.recommendation, content.lang
    exp = content.explanation
    data: dict[str, Any] = {
        "format": "advisor-report", "version": FORMAT_VERSION, "lang": lang, "source": content.source,
        "date": content.date.isoformat(), "name": rec.profile.name,
        "summary": t(f"model.{rec.department_model.id}"),
        "recommendation": rec.to_dict(),
        "changes": [{"to": c.to, "changes": c.changes, "text": t("report.change_to", model=t(f"model_short.{c.to}"),
                                                                  changes=content.change_text(c.changes))}
                    for c in exp.counterfactuals],
        "checks": [c.to_dict(lang) for c in content.checks],
    }
    data.update(staffing_data(content))
    if content.roadmap is not None and content.staffing is not None:
        stages = {s.stage: s for s in content.staffing.stages}
        data["roadmap"] = {
            "current_stage": content.roadmap.current_stage, "target_stage": content.roadmap.target_stage,
            "steps": [{"stage": s.stage, "title": stages[s.stage].title.get(lang), "step": stages[s.stage].step.get(lang),
                       "done": s.done} for s in content.roadmap.steps],
        }
    return data
