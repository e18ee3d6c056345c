"""An explanation (why, why not, what would change it) as rich text or Markdown: layout only,
every text from advisor.wording in the language asked."""

from __future__ import annotations

from typing import Any

from advisor.explain import Explanation
from advisor.render.markdown import markdown_text, reason_markdown
from advisor.render.text import indented, kit_of, reason_body
from advisor.wording import wording
from advisor.wording.explanation import (
    STATUS_STYLES, counterfactual_line, fixed_line, head_line, impact_lines, points_text, rule_effect, scenario_line,
    why_not_heading,
)
from advisor.wording.verdict import verdict_lines


def render_explanation(exp: Explanation, console: Any, lang: str = "en") -> None:
    """The explanation on `console` (a rich Console, or a PlainConsole: the same characters)."""
    w = wording(lang)
    k = kit_of(console)
    rec = exp.recommendation
    model = rec.department_model
    head = k.Text()
    head.append(f"{rec.profile.name}: ", style="bold")
    head.append(w.model(model.id), style="bold green")
    if exp.scenario:
        head.append("\n" + scenario_line(exp, w), style="magenta")
    head.append("\n" + head_line(exp, w) + " ".join(verdict_lines(model, w)), style="dim")

    reasons = k.Table.grid(padding=(0, 1))
    reasons.add_column(justify="right", no_wrap=True)
    reasons.add_column()
    for trace in model.reasons:
        reasons.add_row(k.Text("+" + w.points(trace.earned(trace.effect["points"][model.id])), style="green"),
                        reason_body(trace, w, k))
    console.print(k.Panel(k.Group(head, k.Text(w("explain.reason_codes"), style="bold"), reasons), border_style="green",
                        title=w("explain.why_title"), title_align="left"))

    parts: list = []
    for why in exp.why_not:
        parts.append(k.Text(why_not_heading(why, w), style="bold"))
        grid = k.Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for trace in why.rules:
            grid.add_row(k.Text(f"  {rule_effect(trace, why.model, w)}", style=STATUS_STYLES[trace.status]),
                         k.Text(f"{trace.rule}  {w.why(trace)}"))
        parts.append(grid)
    console.print(k.Panel(k.Group(*parts), border_style="yellow", title=w("explain.why_not_title"), title_align="left"))

    lines: list = []
    for cf in exp.counterfactuals:
        lines.append(k.Text.assemble(("→ ", "bold"), (w.model_short(cf.to), "bold"), "  " + counterfactual_line(cf, w)))
    for model_id in exp.unreachable:
        lines.append(k.Text(f"→ {w.model_short(model_id)}  {w('explain.unreachable')}", style="dim"))
    if exp.fixed:
        lines.append(k.Text(fixed_line(exp, w), style="dim"))
    console.print(k.Panel(k.Group(*lines) if lines else k.Text(w("explain.nothing")), border_style="blue",
                        title=w("explain.change_title"), title_align="left"))
    if exp.unknown_impacts:
        console.print(k.Panel(k.Group(*(indented(line, 0, k=k) for line in impact_lines(exp, w))), border_style="magenta",
                            title=w("explain.unknown_title"), title_align="left"))
    console.print(k.Text(w("rec.rule_base", name=rec.rule_base_name, version=rec.rule_base_version,
                         sha=rec.rule_base_sha256[:12]), style="dim"))


def render_explanation_markdown(exp: Explanation, lang: str = "en") -> str:
    w = wording(lang)
    rec = exp.recommendation
    model = rec.department_model
    out = [f"# {w('explain.md_title', model=w.model_short(model.id), name=markdown_text(rec.profile.name))}", ""]
    if exp.scenario:
        out += [scenario_line(exp, w), ""]
    out += [w("explain.md_lead", model=w.model(model.id), points=points_text(model.scores[model.id], w),
              other=w.model_short(model.runner_up), margin=w.points(model.margin)), "",
            *verdict_lines(model, w), "", f"## {w('explain.reason_codes').rstrip(':')}", ""]
    out += [reason_markdown(t, w, "+" + w.points(t.earned(t.effect["points"][model.id]))) for t in model.reasons] \
        or ["- " + w("md.no_reason")]
    out += ["", f"## {w('explain.why_not_title').capitalize()}", ""]
    for why in exp.why_not:
        out += [f"### {why_not_heading(why, w)}", ""]
        out += [f"- {rule_effect(t, why.model, w)}: `{t.rule}` {w.why(t)}" for t in why.rules]
        out.append("")
    out += [f"## {w('explain.change_title').capitalize()}", ""]
    out += [f"- **{w.model_short(c.to)}**: {counterfactual_line(c, w)}" for c in exp.counterfactuals]
    out += [f"- {w.model_short(m)}: {w('explain.unreachable')}" for m in exp.unreachable]
    if exp.fixed:
        out += ["", fixed_line(exp, w)]
    if not exp.counterfactuals and not exp.unreachable:
        out.append(w("explain.nothing"))
    if exp.unknown_impacts:
        out += ["", f"## {w('explain.unknown_title').capitalize()}", ""] + [f"- {line}" for line in impact_lines(exp, w)]
    out += ["", w("rec.rule_base", name=rec.rule_base_name, version=rec.rule_base_version,
                  sha=f"`{rec.rule_base_sha256}`"), ""]
    return "\n".join(out)
