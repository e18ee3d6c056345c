"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network, printable.
The index page of `score --report-dir` has a small inline script that sorts its table."""

from __future__ import annotations

from html import escape
from typing import Any

from advisor.report import svg
from advisor.wording.notes import model_notes
from advisor.report.content import ReportContent
from advisor.rulebase.schema import TECHNOLOGY_GROUPS

CSS = """
:root { --ink:#1f2328; --muted:#59636e; --line:#d0d7de; --accent:#2e7d32; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0; background: #f6f8fa; }
main { max-width: 900px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.meta, .muted, footer { color: var(--muted); font-size: 13px; }
.summary { font-size: 17px; background: #eef6ee; border-left: 4px solid var(--accent); padding: 10px 14px; }
.grid { display: grid; grid-template-columns: 1fr; gap: 12px; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 13px system-ui, sans-serif; fill: var(--ink); } svg text.win { font-weight: 700; }
svg .org { fill: #fff; stroke: #5c7cba; stroke-width: 1.5; } svg .org.head { stroke: var(--accent); }
svg .org-count { font-weight: 700; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 5px 8px;
        border-bottom: 1px solid var(--line); vertical-align: top; } td.num, th.num { text-align: right; }
ul.checklist { list-style: none; padding-left: 4px; } ul.checklist li { margin: 3px 0; }
.verdict { margin: 4px 0; } .verdict.open { color: #9a6700; font-weight: 600; }
.reason { margin: 8px 0; } .reason code { background: #f0f2f4; padding: 0 4px; border-radius: 3px; }
.source { color: var(--muted); font-size: 13px; margin-left: 16px; }
ul.roadmap li.done { color: var(--muted); }
.flag { background: #fdf0e6; border-left: 4px solid #c2410c; padding: 8px 12px; }
.ok { background: #eef6ee; border-left: 4px solid var(--accent); padding: 8px 12px; }
.warning { color: #9a3412; }
#economics-table td.num, #path-table td, #path-table th { white-space: nowrap; } #path-table td:nth-child(2) { white-space: normal; }
/* Print: sections flow on from page to page (a section that must start a page leaves the one
   before half empty); only a heading is kept with what follows, and a chart or row kept whole. */
@media print { body { background: #fff; } main { padding: 0; max-width: none; }
  h2, h3, figcaption { break-after: avoid; } figure, tr, .reason, li { break-inside: avoid; }
  input[type=checkbox] { -webkit-appearance: checkbox; } }
"""


def _section(section_id: str, title: str, body: str) -> str:
    return f'<section id="{section_id}"><h2>{escape(title)}</h2>{body}</section>'


def _reason(trace: Any, effect: str, content: ReportContent) -> str:
    cite = content.t.citation(trace.source, trace)
    ours = f'<div class="source reasoning">{escape(cite.reasoning)}</div>' if cite.reasoning else ""
    return (f'<div class="reason"><b>{escape(effect)}</b> <code>{escape(trace.rule)}</code> '
            f'{escape(content.t.why(trace))}<div class="source"><i>{escape(cite.document)}</i>: '
            f'{escape(cite.says)}</div>{ours}</div>')


def _people(content: ReportContent, count: int | None) -> str:
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


def verdict_html(content: ReportContent) -> str:
    """How sure the advice is, a close call or tie with both models, and what to find out next."""
    from advisor.wording.verdict import ask_next_lines, ask_next_title, verdict_lines

    t, rec = content.t, content.recommendation
    model = rec.department_model
    level = "open" if model.close_call else model.confidence
    html = "".join(f'<p class="verdict {escape(level)}">{escape(line)}</p>' for line in verdict_lines(model, t))
    asks = ask_next_lines(content.recommendation.ask_next, t)
    if asks:
        html += (f'<p class="ask-next"><b>{escape(ask_next_title(rec.department_model, t))}</b></p><ol class="ask-next">'
                 + "".join(f"<li>{escape(line)}</li>" for line in asks) + "</ol>")
    return html


def _staffing(content: ReportContent) -> str:
    t, plan = content.t, content.plan
    if plan is None:
        return ""
    roles = [r for r in plan.roles if r.role != "head_of_sales"]
    head = plan.by_role().get("head_of_sales")
    top = ((content.role_title("head_of_sales"), _people(content, head.count)) if head is not None
           else (t("report.owner"), ""))
    chart = svg.org_chart(top, [(content.role_title(r.role), _people(content, r.count)) for r in roles])
    rows = []
    for need in plan.roles:
        how = escape(content.basis(need))
        if need.basis is not None:
            how += f' <span class="muted">({escape(t(f"staff.method.{need.method}"))})</span>'
        if need.peak_extra:
            how += "<br>" + escape(t("report.peak", extra=need.peak_extra))
        rows.append(f'<tr><td>{escape(content.role_title(need.role))}</td>'
                    f'<td class="num">{_people(content, need.count)}</td><td>{how}</td></tr>')
    rows.append(f'<tr><th>{escape(t("report.total"))}</th><th class="num">{_people(content, plan.total)}</th><td></td></tr>')
    table = (f'<table id="staffing-table"><thead><tr><th>{escape(t("report.role"))}</th><th class="num">'
             f'{escape(t("report.people"))}</th><th>{escape(t("report.how"))}</th></tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    notes = ""
    if head is None and plan.total is not None:
        notes += f'<p class="muted">{escape(t("staff.owner_leads"))}</p>'
    if plan.distrusted:
        fields = ", ".join(t.field(f) for f in plan.distrusted)
        notes += f'<p class="warning">{escape(t("report.distrusted", fields=fields))}</p>'
    return _section("org", t("report.org"), f'<figure id="org-chart">{chart}</figure>{table}{notes}')


# ---- the plan's economics, path and the checks of the answers (issue 16) ------------------------
def _economics(content: ReportContent) -> str:
    from advisor.report.plan_text import economics_rows, variant_lines, verdict

    t, eco = content.t, content.economics
    if content.plan is None:
        return ""
    if eco is None:
        body = f'<p>{escape(t("report.no_economics", fields=t.fields(content.economics_needs()) or "?"))}</p>'
        return _section("economics", t("report.economics"), body)
    rows = "".join(f'<tr><td>{escape(label)}</td><td class="num">{escape(value)}</td></tr>'
                   for label, value in economics_rows(content))
    said = f'<p class="{"ok" if eco.affordable else "flag"}">{escape(verdict(content))}</p>'
    body = f'<table id="economics-table"><tbody>{rows}</tbody></table>{said}'
    if eco.variant is not None:
        title, steps, people, closing = variant_lines(content)
        items = "".join(f"<li>{escape(s)}</li>" for s in steps)
        body += (f'<div id="variant"><h3>{escape(title)}</h3>' + (f"<ul>{items}</ul>" if items else "")
                 + f'<p>{escape(people)}</p>' + (f'<p class="flag">{escape(closing)}</p>' if closing else "") + "</div>")
    return _section("economics", t("report.economics"), body)


def _path(content: ReportContent) -> str:
    from advisor.report.plan_text import path_intro, path_rows

    t, path = content.t, content.path
    if path is None:
        return ""
    eco = content.economics
    months = [m.month for m in path.months]
    labels = {"title": t("report.path_chart"), "people": t("report.headcount_short"), "payroll": t("report.payroll_short"),
              "revenue": t("report.revenue_short"), "month": t("report.month"),
              "money_top": content.money(max([v for m in path.months for v in (m.payroll, m.revenue) if v is not None], default=0))}
    chart = svg.path_chart(months, [m.people for m in path.months],
                           [m.payroll for m in path.months] if eco else None,
                           [m.revenue for m in path.months] if eco else None, labels)
    head = [t("report.month"), t("report.hires"), t("report.headcount_short"), t("report.productive")]
    if eco:
        head += [t("report.payroll_short"), t("report.revenue_short")]
    th = "".join(f'<th{" class=num" if i != 1 else ""}>{escape(h)}</th>' for i, h in enumerate(head))
    rows = "".join("<tr>" + "".join(f'<td{" class=num" if i != 1 else ""}>{escape(c)}</td>' for i, c in enumerate(row))
                   + "</tr>" for row in path_rows(content))
    intro = "".join(f"<p>{escape(line)}</p>" for line in path_intro(content))
    body = (f'{intro}<figure id="path-chart"><figcaption>{escape(t("report.path_chart"))}</figcaption>{chart}</figure>'
            f'<table id="path-table"><thead><tr>{th}</tr></thead><tbody>{rows}</tbody></table>')
    return _section("path", t("report.path"), body)


def _checks(content: ReportContent) -> str:
    if not content.checks:
        return ""
    items = "".join(f'<li class="warning">{escape(content.t.field(c.fields[0]))}: {escape(c.text(content.lang))}</li>'
                    for c in content.checks)
    return _section("checks", content.t("report.warnings"), f"<ul>{items}</ul>")


def _roadmap(content: ReportContent) -> str:
    t, roadmap, staffing = content.t, content.roadmap, content.staffing
    if roadmap is None or staffing is None or content.plan is None:
        return ""
    lang = content.lang
    stages = {s.stage: s for s in staffing.stages}
    head = (t("report.stage_now", stage=roadmap.current_stage) if roadmap.current_stage
            else t("report.stage_unknown")) + " · " + t("report.stage_target", stage=roadmap.target_stage)
    items = []
    for step in roadmap.steps:
        stage = stages[step.stage]
        done = f' <span class="muted">({escape(t("report.done"))})</span>' if step.done else ""
        items.append(f'<li class="{"done" if step.done else "todo"}"><b>{step.stage}. {escape(stage.title.get(lang))}</b>'
                     f'{done}: {escape(stage.step.get(lang))}</li>')
    from advisor.report.plan_text import team_change

    roles = ", ".join(f"{content.role_title(r.role)} {_people(content, r.count)}" for r in content.plan.roles)
    hire = t("report.hire", roles=roles)
    change = team_change(content)
    if change:
        hire += " (" + change + ")"
    items.append(f'<li class="todo"><b>{escape(hire)}</b></li>')
    kpis = "".join(
        f'<tr><td>{escape(content.role_title(r.role))}</td><td>{escape(", ".join(staffing.roles[r.role].kpis.get(lang)))}</td></tr>'
        for r in content.plan.roles)
    source = staffing.stages_source
    body = (f'<p>{escape(head)}</p><ul class="roadmap">{"".join(items)}</ul>'
            f'<p class="source"><i>{escape(source.document)}</i>: {escape(source.says.get(lang))}</p>'
            f'<h3>{escape(t("report.kpis"))}</h3><table id="kpi-table"><tbody>{kpis}</tbody></table>')
    return _section("roadmap", t("report.roadmap"), body)


def _checklist(content: ReportContent) -> str:
    t, rec, lang = content.t, content.recommendation, content.lang
    parts = []
    for group in TECHNOLOGY_GROUPS:
        items = [i for i in rec.applied_technologies if i.group == group]
        if items:
            lis = "".join(f'<li><label><input type="checkbox"> {escape(i.title.get(lang) or i.title["en"])}</label></li>'
                          for i in items)
            parts.append(f'<h3>{escape(t(f"group.{group}"))}</h3><ul class="checklist">{lis}</ul>')
    if rec.possible_technologies:
        lis = "".join(
            f'<li><label><input type="checkbox"> {escape(i.title.get(lang) or i.title["en"])}</label> '
            f'<span class="muted">({escape(t("rec.depends_on", fields=t.fields(i.trace.unknown_fields())))})</span></li>'
            for i in rec.possible_technologies)
        parts.append(f'<h3>{escape(t("rec.possible"))}</h3><ul class="checklist">{lis}</ul>')
    return _section("checklist", t("report.checklist"), "".join(parts))


def _reasons(content: ReportContent) -> str:
    t, rec = content.t, content.recommendation
    model, mix = rec.department_model, rec.sales_mix
    body = [f'<h3>{escape(t(f"model.{model.id}"))}</h3>']
    body += [_reason(r, "+" + t.points(r.earned(r.effect['points'][model.id])), content) for r in model.reasons]
    if not model.reasons:
        body.append(f'<p>{escape(t("rec.nothing_fired"))}</p>')
    if not mix.applies:
        body.append(f'<h3>{escape(t("rec.mix") + t("rec.mix_not_applicable"))}</h3>')
        body += [_reason(r, "—", content) for r in mix.not_applicable_reasons]
    body.append(f'<h3>{escape(t("rec.inside", share=t.percent(mix.inside_share)))}</h3>')
    body.append(f'<p class="muted">{escape(t("rec.mix_start", share=t.percent(mix.base_inside_share)))}</p>')
    body += [_reason(r, t.signed_percent(r.earned(r.effect['inside_shift'])), content) for r in mix.reasons]
    if mix.hybrid:
        body.append(f'<p><b>{escape(t("rec.hybrid"))}</b></p>')
        body += [_reason(r, t("rec.hybrid_tag"), content) for r in mix.hybrid_reasons]
    return _section("reasons", t("report.reasons"), "".join(body))


def _notes(content: ReportContent) -> str:
    """Strengths, weaknesses and risks of the recommended model and the runner-up, each point cited."""
    sections = model_notes(content.recommendation, content.t)
    if not sections:
        return ""
    body = []
    for heading, kinds in sections:
        body.append(f"<h3>{escape(heading)}</h3>")
        for label, notes in kinds:
            items = "".join(f'<li>{escape(text)}<div class="source"><i>{escape(cite)}</i></div></li>'
                            for text, cite in notes)
            body.append(f"<p><b>{escape(label)}</b></p><ul>{items}</ul>")
    return _section("model-notes", content.t("notes.title"), "".join(body))


def _changes(content: ReportContent) -> str:
    t, exp = content.t, content.explanation
    items = [f'<li>{escape(t("report.change_to", model=t(f"model_short.{c.to}"), changes=content.change_text(c.changes)))}</li>'
             for c in exp.counterfactuals]
    for impact in exp.unknown_impacts:
        outcomes = "; ".join(f"{content.describe_value(impact.field, v)} → {t(f'model_short.{m}')}"
                             for v, m in impact.outcomes)
        items.append(f'<li>{escape(t("report.unknown_impact", field=t.field(impact.field), outcomes=outcomes))}</li>')
    body = f'<ul>{"".join(items)}</ul>' if items else f'<p>{escape(t("report.no_change"))}</p>'
    return _section("change", t("report.change"), body)


def _unknown(content: ReportContent) -> str:
    t, rec = content.t, content.recommendation
    if not rec.unknown_fields:
        return _section("unknown", t("report.unknown"), f'<p>{escape(t("report.unknown_none"))}</p>')
    items = "".join(f"<li>{escape(t.field(f))}</li>" for f in rec.unknown_fields)
    return _section("unknown", t("report.unknown"), f'<ul>{items}</ul><p class="muted">{escape(t("rec.unknown_note"))}</p>')


def _norms(content: ReportContent) -> str:
    if content.staffing is None:
        return ""
    norms = content.staffing.norms
    rows = []
    for name in type(norms).model_fields:
        norm = getattr(norms, name)
        w = content.t
        value = ", ".join(f"{'< ' + w.figure(tier.below) if tier.below else '≥'} {w.figure(tier.value)}"
                          for tier in norm.tiers) if hasattr(norm, "tiers") else w.figure(norm.value)
        rows.append(f'<tr><td>{escape(norm.unit.get(content.lang))}</td><td class="num">{escape(value)}</td>'
                    f'<td>{escape(norm.source.benchmark or "")}</td></tr>')
    rows += _cost_sources(content)
    return _section("norms", content.t("report.sources"), f'<table id="norms-table"><tbody>{"".join(rows)}</tbody></table>')


def _cost_sources(content: ReportContent) -> list[str]:
    """Ramp-up months, the cost levels and the assumed margins, with where they come from (issue 16)."""
    t, staffing = content.t, content.staffing
    assert staffing is not None
    ramp = ", ".join(f"{content.role_title(r)} {t.figure(v)}" for r, v in staffing.ramp_months.values.items())
    levels = "; ".join(f"{code}: {t.money(level.wage, level.currency)}" for code, level in staffing.costs.levels.items())
    margins = ", ".join(f"{t(f'choice.offering.{k}')} {t.percent(v)}"
                        for k, v in staffing.assumed_gross_margin.values.items())
    cited = [(t("report.ramp_norm"), ramp, staffing.ramp_months.source.benchmark or ""),
             (t("report.wage_norm", overhead=t.figure(staffing.costs.overhead)), levels,
              " ".join([staffing.costs.source.benchmark or ""] + [f"{c}: {lv.says}." for c, lv in staffing.costs.levels.items()])),
             (t("report.margin_norm"), margins, staffing.assumed_gross_margin.source.benchmark or "")]
    return [f'<tr><td>{escape(a)}</td><td>{escape(b)}</td><td>{escape(c)}</td></tr>' for a, b, c in cited]


def render_html(content: ReportContent) -> str:
    t, rec = content.t, content.recommendation
    model = rec.department_model
    order = sorted(model.scores, key=lambda m: -model.scores[m])
    scores = [(t(f"model_short.{m}"), model.scores[m], m == model.id) for m in order]
    ranges = [(model.score_low[m], model.score_high[m]) for m in order]
    mix = rec.sales_mix
    charts = (f'<div class="grid"><figure id="score-chart"><figcaption>{escape(t("report.scores"))}</figcaption>'
              f'{svg.score_chart(scores, ranges=ranges, shown=[t.points(s) for _, s, _ in scores])}'
              f'<p class="muted">{escape(t("report.score_ranges_note"))}</p></figure>'
              + (f'<figure id="mix-chart"><figcaption>{escape(t("report.mix"))}</figcaption>'
                 f'{svg.mix_chart(mix.inside_share, t("rec.inside", share=t.percent(mix.inside_share)), t("rec.outside", share=t.percent(mix.outside_share)))}'
                 f'</figure>' if mix.applies else "")  # a sale at the premises has no split to chart
              + '</div>')
    title = t("report.title", name=rec.profile.name)
    meta = " · ".join(x for x in (content.source or "", content.date.isoformat()) if x)
    footer = t("report.footer", name=rec.rule_base_name, version=rec.rule_base_version, sha=rec.rule_base_sha256,
               date=content.date.isoformat())
    body = "".join([
        f"<h1>{escape(title)}</h1><p class=\"meta\">{escape(meta)}</p>",
        _section("summary", t("report.summary"),
                 f'<p class="summary"><b>{escape(t(f"model.{model.id}"))}</b><br>{escape(summary_text(content))}</p>'
                 f'{verdict_html(content)}{charts}'),
        _checks(content), _staffing(content), _economics(content), _path(content), _roadmap(content), _notes(content),
        _checklist(content), _reasons(content), _changes(content),
        _unknown(content), _norms(content),
        f"<footer><p>{escape(footer)}</p></footer>",
    ])
    return (f'<!doctype html>\n<html lang="{content.lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>\n")


SORT_SCRIPT = """
document.querySelectorAll('#index-table th').forEach(function (th, column) {
  th.addEventListener('click', function () {
    var body = document.querySelector('#index-table tbody');
    var rows = Array.prototype.slice.call(body.rows);
    var up = th.getAttribute('aria-sort') !== 'ascending';
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute('data-value'), y = b.cells[column].getAttribute('data-value');
      var nx = parseFloat(x), ny = parseFloat(y);
      var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return up ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    document.querySelectorAll('#index-table th').forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', up ? 'ascending' : 'descending');
  });
});
document.body.setAttribute('data-sortable', 'ready');
"""


def render_index(rows: list[dict[str, Any]], t: Any) -> str:
    """rows: name, href, model, model_label, inside, headcount, items, unknown."""
    head = [("report.company", "name"), ("report.model", "model_label"), ("report.inside", "inside"),
            ("report.headcount", "headcount"), ("report.items", "items"), ("report.unknowns", "unknown")]
    th = "".join(f'<th scope="col">{escape(t(key))}</th>' for key, _ in head)
    body = []
    for row in rows:
        cells = [f'<td data-value="{escape(row["name"])}"><a href="{escape(row["href"])}">{escape(row["name"])}</a></td>',
                 f'<td data-value="{escape(row["model_label"])}">{escape(row["model_label"])}</td>',
                 f'<td class="num" data-value="{row["inside"]:.4f}">{escape(t.percent(row["inside"]))}</td>',
                 f'<td class="num" data-value="{-1 if row["headcount"] is None else row["headcount"]}">'
                 f'{"?" if row["headcount"] is None else row["headcount"]}</td>',
                 f'<td class="num" data-value="{row["items"]}">{row["items"]}</td>',
                 f'<td class="num" data-value="{row["unknown"]}">{row["unknown"]}</td>']
        body.append(f"<tr>{''.join(cells)}</tr>")
    title = t("report.index_title")
    return (f'<!doctype html>\n<html lang="{t.lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f'<style>{CSS} th {{ cursor: pointer; }}</style></head><body><main><h1>{escape(title)}</h1>'
            f'<p class="muted">{escape(t("report.index_hint"))}</p>'
            f'<table id="index-table"><thead><tr>{th}</tr></thead><tbody>{"".join(body)}</tbody></table>'
            f"</main><script>{SORT_SCRIPT}</script></body></html>\n")
