"""The staffing plan's economics and path as lines and rows of text, shared by HTML and Markdown,
so both show the same figures (each as precise as the arithmetic that used it, in the report
language's number format, through advisor.wording)."""

from __future__ import annotations

from advisor.report.content import ReportContent


def team_change(content: ReportContent) -> str:
    """'3 people more than the 14 selling today', '2 people fewer ...', or '' when unknown."""
    t, roadmap = content.t, content.roadmap
    team = content.facts.get("sales_team_size")
    if roadmap is None or team is None or roadmap.people_to_add is None:
        return ""
    if roadmap.people_to_add:
        return t("report.to_add", count=roadmap.people_to_add, team=team)
    if roadmap.people_fewer:
        return t("report.fewer", count=roadmap.people_fewer, team=team)
    return t("report.same_size", team=team)


def economics_rows(content: ReportContent) -> list[tuple[str, str]]:
    t, eco = content.t, content.economics
    assert eco is not None and content.staffing is not None
    profile = content.recommendation.profile
    costs = eco.costs
    seller = costs.per_role["closer"]
    if costs.how == "profile":
        cost_how = t("report.cost_how.profile", cost=content.money(seller))
    elif costs.how == "currency":  # says which answers would replace the assumption, by their labels
        cost_how = t("costs.assumed_from_currency", level=costs.level, says=costs.says,
                     overhead=t.figure(content.staffing.costs.overhead), cost=content.money(seller),
                     cost_field=t.field("monthly_cost_per_seller").lower(), country_field=t.field("country").lower())
    else:
        cost_how = t(f"report.cost_how.{costs.how}", level=costs.level, says=costs.says,
                     overhead=t.figure(content.staffing.costs.overhead), cost=content.money(seller))
    rows = [
        (t("report.revenue", deals=t.figure(profile.deals_per_month), deal=content.money(profile.average_deal_size)),
         content.money(eco.monthly_revenue)),
        (t("report.gross_profit", margin=t.percent(eco.gross_margin),
           assumed=t("report.assumed") if eco.margin_assumed else ""), content.money(eco.gross_profit)),
        (t("report.payroll"), content.money(eco.monthly_sales_cost)),
        (t("report.cost_share"), "—" if eco.cost_of_sales_share is None else t.percent(eco.cost_of_sales_share)),
        (t("report.revenue_per_head"), content.money(eco.revenue_per_head)),
        (t("report.budget", share=t.percent(content.staffing.norms.max_payroll_share_of_gross_profit.value)),
         content.money(eco.budget)),
    ]
    for role, months in eco.payback_months.items():
        rows.append((t("report.payback", role=content.role_title(role), ramp=t.figure(content.staffing.ramp_months.values[role])),
                     t("report.payback_never") if months is None else t.figure(months)))
    rows.append((cost_how, ""))
    return rows


def verdict(content: ReportContent) -> str:
    """Whether the company can carry the plan's payroll, in a sentence."""
    t, eco = content.t, content.economics
    assert eco is not None and content.staffing is not None
    if eco.affordable:
        return t("report.affordable_yes")
    if eco.gross_profit <= 0:
        return t("report.affordable_no_profit")
    return t("report.affordable_no", share=t.percent(eco.monthly_sales_cost / eco.gross_profit),
             max=t.percent(content.staffing.norms.max_payroll_share_of_gross_profit.value))


def variant_lines(content: ReportContent) -> tuple[str, list[str], str, str]:
    """The variant's title, its steps (each with what it gives up), its people, and a closing warning."""
    t, eco = content.t, content.economics
    assert eco is not None and eco.variant is not None
    v = eco.variant
    if not v.cheaper:
        return t("report.variant"), [], t("report.no_variant"), ""
    roles = ", ".join(f"{content.role_title(r)} {n}" + (f" ({t('report.outsourced')})" if r in v.outsourced else "")
                      for r, n in v.people.items())
    people = f"{roles}: " + t("report.variant_people", total=v.total, payroll=content.money(v.payroll))
    return (t("report.variant"), [t(f"report.step.{s}") for s in v.steps], people,
            "" if v.affordable else t("report.variant_still"))


def path_intro(content: ReportContent) -> list[str]:
    t, path, staffing = content.t, content.path, content.staffing
    assert path is not None and staffing is not None and content.plan is not None
    lines = []
    if path.fewer:
        lines.append(t("report.reduction", count=path.fewer, total=content.plan.total))
    ramps = ", ".join(f"{content.role_title(r.role)} {t.figure(staffing.ramp_months.values[r.role])}"
                      for r in content.plan.roles)
    last = path.months[-1] if path.months else None
    lines.append(t("report.path_note", team=path.people_today, ramps=ramps,
                   attrition=t.percent(staffing.norms.annual_attrition.value),
                   leavers=t.figure(last.expected_leavers) if last else "0"))
    if path.peak_extra:
        seats = sum(path.peak_extra.values())
        lines.append(t("report.peak_path", extra=seats,
                       roles=", ".join(f"{content.role_title(r)} +{n}" for r, n in path.peak_extra.items())))
    return lines


def path_rows(content: ReportContent) -> list[list[str]]:
    t, path, eco = content.t, content.path, content.economics
    assert path is not None
    rows = []
    for m in path.months:
        hires = ", ".join(t("report.hire_in_month", count=n, role=content.role_title(r)) for r, n in m.hires.items())
        row = [t.figure(m.month), hires or "—", t.figure(m.people), t.figure(round(m.productive, 1))]
        if eco is not None:
            row += [content.money(m.payroll or 0), content.money(m.revenue or 0)]
        rows.append(row)
    return rows
