"""The report as Markdown: the same content as the HTML, tables instead of charts."""

from __future__ import annotations

from advisor.report.content import ReportContent
from advisor.render.markdown import citation_markdown, markdown_code, markdown_text, notes_markdown, reason_markdown
from advisor.report.html import summary_text
from advisor.rulebase.schema import TECHNOLOGY_GROUPS


def render_report_markdown(content: ReportContent) -> str:
    t, rec, lang = content.t, content.recommendation, content.lang
    model, mix = rec.department_model, rec.sales_mix
    out = [f"# {t('report.title', name=markdown_text(rec.profile.name))}", ""]
    out += [" · ".join(x for x in (markdown_code(content.source) if content.source else "", content.date.isoformat()) if x), ""]
    if content.checks:
        out += [f"## {t('report.warnings')}", ""]
        out += [f"- ⚠ {t.field(c.fields[0])}: {c.text(lang)}" for c in content.checks] + [""]
    out += [f"## {t('report.summary')}", "", f"**{t(f'model.{model.id}')}**", "", summary_text(content), ""]
    from advisor.wording.verdict import ask_next_lines, ask_next_title, verdict_lines

    out += [line for verdict in verdict_lines(model, t) for line in (verdict, "")]
    asks = ask_next_lines(rec.ask_next, t)
    if asks:
        out += [f"**{ask_next_title(model, t)}**", ""] + [f"1. {line}" for line in asks] + [""]
    out += [f"### {t('report.scores')}", "", t("md.model_points"), "|---|---:|"]
    out += [f"| {t(f'model_short.{m}')} | {t.points(s)} |" for m, s in sorted(model.scores.items(), key=lambda kv: -kv[1])]
    out += ["", f"### {t('report.mix')}", "",
            f"{t('rec.inside', share=t.percent(mix.inside_share))} · {t('rec.outside', share=t.percent(mix.outside_share))}"
            if mix.applies else t("rec.mix") + t("rec.mix_not_applicable"), ""]
    out += [f"- `{r.rule}`:{citation_markdown(r.source, t, r)}" for r in mix.not_applicable_reasons]
    if content.plan is not None:
        out += [f"## {t('report.staffing')}", "", f"| {t('report.role')} | {t('report.people')} | {t('report.how')} |",
                "|---|---:|---|"]
        for need in content.plan.roles:
            how = content.basis(need)
            if need.basis is not None:
                how += f" ({t(f'staff.method.{need.method}')})"
            if need.peak_extra:
                how += "; " + t("report.peak", extra=need.peak_extra)
            out.append(f"| {content.role_title(need.role)} | {'?' if need.count is None else need.count} | {how} |")
        total = content.plan.total
        out += [f"| **{t('report.total')}** | **{'?' if total is None else total}** | |", ""]
        if "head_of_sales" not in content.plan.by_role() and total is not None:
            out += [t("staff.owner_leads"), ""]
        if content.plan.distrusted:
            out += [t("report.distrusted", fields=t.fields(content.plan.distrusted)), ""]
        out += _plan_sections(content)
    if content.roadmap is not None and content.staffing is not None:
        from advisor.report.plan_text import team_change

        roadmap, stages = content.roadmap, {s.stage: s for s in content.staffing.stages}
        out += [f"## {t('report.roadmap')}", ""]
        out += [(t("report.stage_now", stage=roadmap.current_stage) if roadmap.current_stage else t("report.stage_unknown"))
                + " · " + t("report.stage_target", stage=roadmap.target_stage), ""]
        for step in roadmap.steps:
            stage = stages[step.stage]
            mark = "x" if step.done else " "
            out.append(f"- [{mark}] **{step.stage}. {stage.title.get(lang)}**: {stage.step.get(lang)}")
        roles = ", ".join(f"{content.role_title(r.role)} {'?' if r.count is None else r.count}" for r in content.plan.roles)
        change = team_change(content)
        out.append(f"- [ ] **{t('report.hire', roles=roles)}**" + (f" ({change})" if change else ""))
        out += ["", f"### {t('report.kpis')}", ""]
        out += [f"- **{content.role_title(r.role)}**: {', '.join(content.staffing.roles[r.role].kpis.get(lang))}"
                for r in content.plan.roles]
        out.append("")
    out += notes_markdown(rec, t)
    out += [f"## {t('report.checklist')}", ""]
    for group in TECHNOLOGY_GROUPS:
        items = [i for i in rec.applied_technologies if i.group == group]
        if items:
            out += [f"### {t(f'group.{group}')}", ""] + [f"- [ ] {i.title.get(lang) or i.title['en']}" for i in items] + [""]
    out += [f"## {t('report.reasons')}", ""]
    out += [reason_markdown(r, t, "+" + t.points(r.earned(r.effect["points"][model.id]))) for r in model.reasons]
    out += [reason_markdown(r, t, t.signed_percent(r.earned(r.effect["inside_shift"]))) for r in mix.reasons]
    out += ["", f"## {t('report.change')}", ""]
    changes = [t("report.change_to", model=t(f"model_short.{c.to}"), changes=content.change_text(c.changes))
               for c in content.explanation.counterfactuals]
    out += [f"- {c}" for c in changes] or [t("report.no_change")]
    out += ["", f"## {t('report.unknown')}", ""]
    out += [f"- {t.field(f)}" for f in rec.unknown_fields] or [t("report.unknown_none")]
    out += ["", t("report.footer", name=rec.rule_base_name, version=rec.rule_base_version, sha=rec.rule_base_sha256,
                  date=content.date.isoformat()), ""]
    return "\n".join(out)


# ---- the plan's economics and path (issue 16) ---------------------------------------------------
def _plan_sections(content: ReportContent) -> list[str]:
    from advisor.report.plan_text import economics_rows, path_intro, path_rows, variant_lines, verdict

    t, eco, out = content.t, content.economics, []
    out += [f"## {t('report.economics')}", ""]
    if eco is None:
        out += [t("report.no_economics", fields=t.fields(content.economics_needs()) or "?"), ""]
    else:
        out += ["| | |", "|---|---:|"] + [f"| {label} | {value} |" for label, value in economics_rows(content)] + [""]
        out += [verdict(content) if eco.affordable else f"**{verdict(content)}**", ""]
        if eco.variant is not None:
            title, steps, people, closing = variant_lines(content)
            out += [f"### {title}", ""] + ([f"- {s}" for s in steps] + [""] if steps else []) + [people, ""]
            if closing:
                out += [f"**{closing}**", ""]
    if content.path is not None:
        out += [f"## {t('report.path')}", ""] + [line for x in path_intro(content) for line in (x, "")]
        head = [t("report.month"), t("report.hires"), t("report.headcount_short"), t("report.productive")]
        if eco is not None:
            head += [t("report.payroll_short"), t("report.revenue_short")]
        out += ["| " + " | ".join(head) + " |", "|" + "|".join("---" if i == 1 else "---:" for i in range(len(head))) + "|"]
        out += ["| " + " | ".join(row) + " |" for row in path_rows(content)] + [""]
    return out
