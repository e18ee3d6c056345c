"""An explanation (why, why not, what would change it) as rich text or Markdown."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from advisor.explain import Explanation
from advisor.i18n import Translator, tr
from advisor.labels import MODEL_NAMES, MODEL_SHORT
from advisor.recommendation import format_value
from advisor.render.verdict import points, verdict_lines
from advisor.render.markdown import markdown_text

_STATUS = {"fired": ("fired", "green"), "partial": ("partly", "green"), "not_fired": ("did not fire", "red"),
           "unknown": ("unknown", "yellow")}


def _changes(changes: dict) -> str:
    return ", ".join(f"{k} = {format_value(v)}" for k, v in changes.items())


def _impact_lines(exp: Explanation) -> list[str]:
    lines = []
    for impact in exp.unknown_impacts:
        if impact.outcomes:
            shown = "; ".join(f"{format_value(v)} → {MODEL_SHORT[m]}" for v, m in impact.outcomes[:6])
            more = f" (+{len(impact.outcomes) - 6} more)" if len(impact.outcomes) > 6 else ""
            lines.append(f"{impact.field}: changes the advice at {shown}{more}")
        elif impact.with_others:
            lines.append(f"{impact.field}: no value of it alone changes the department model, but together with "
                         f"other unknown answers it can (it feeds {points(impact.narrows)} points of the score ranges)")
        else:
            lines.append(f"{impact.field}: no value of it changes the department model")
    return lines


def render_explanation(exp: Explanation, console: Console) -> None:
    rec = exp.recommendation
    model = rec.department_model
    head = Text()
    head.append(f"{rec.profile.name}: ", style="bold")
    head.append(MODEL_NAMES[model.id], style="bold green")
    if exp.scenario:
        head.append(f"\nScenario: {_changes(exp.scenario)}", style="magenta")
    head.append(f"\n{points(model.scores[model.id])} points. " + " ".join(verdict_lines(model, Translator("en"))),
                style="dim")

    reasons = Table.grid(padding=(0, 1))
    reasons.add_column(justify="right", no_wrap=True)
    reasons.add_column()
    for trace in model.reasons:
        body = Text()
        body.append(trace.rule, style="bold")
        body.append(f"  {trace.why()}\n")
        body.append(trace.source.document, style="cyan")
        body.append(f": {trace.source.says.en}", style="dim")
        if trace.source.reasoning is not None:
            body.append("\n" + tr("source.reasoning", "en", text=trace.source.reasoning.en), style="dim italic")
        reasons.add_row(Text("+" + points(trace.earned(trace.effect['points'][model.id])), style="green"), body)
    console.print(Panel(Group(head, Text("Reason codes:", style="bold"), reasons), border_style="green",
                        title="why this model", title_align="left"))

    parts: list = []
    for why in exp.why_not:
        parts.append(Text(f"{MODEL_SHORT[why.model]}: {points(why.score)} points, {points(why.gap)} behind", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for trace in why.rules:
            label, style = _STATUS[trace.status]
            full = trace.effect["points"][why.model]
            shown = f"+{points(full)}" if trace.status != "partial" else f"+{points(trace.earned(full))} of {points(full)}"
            grid.add_row(Text(f"  {shown} {label}", style=style),
                         Text(f"{trace.rule}  {trace.why()}"))
        parts.append(grid)
    console.print(Panel(Group(*parts), border_style="yellow", title="why not the others", title_align="left"))

    lines: list = []
    for cf in exp.counterfactuals:
        lines.append(Text.assemble(("→ ", "bold"), (MODEL_SHORT[cf.to], "bold"), f"  if {_changes(cf.changes)}"))
    for model_id in exp.unreachable:
        lines.append(Text(f"→ {MODEL_SHORT[model_id]}  no change of one or two fields gets there", style="dim"))
    if exp.fixed:
        lines.append(Text(f"Fields held fixed: {', '.join(exp.fixed)}", style="dim"))
    console.print(Panel(Group(*lines) if lines else Text("Nothing to change."), border_style="blue",
                        title="what would change the advice (smallest verified changes)", title_align="left"))
    if exp.unknown_impacts:
        console.print(Panel(Text("\n".join(_impact_lines(exp))), border_style="magenta",
                            title="unknown fields: which answers matter", title_align="left"))
    console.print(Text(f"Rule base: {rec.rule_base_name} {rec.rule_base_version} (sha256 {rec.rule_base_sha256[:12]})",
                       style="dim"))


def render_explanation_markdown(exp: Explanation) -> str:
    rec = exp.recommendation
    model = rec.department_model
    out = [f"# Why {MODEL_SHORT[model.id]} for {markdown_text(rec.profile.name)}", ""]
    if exp.scenario:
        out += [f"Scenario: {_changes(exp.scenario)}", ""]
    out += [f"**{MODEL_NAMES[model.id]}**: {points(model.scores[model.id])} points; runner-up "
            f"{MODEL_SHORT[model.runner_up]} by {points(model.margin)}.", "", *verdict_lines(model, Translator("en")), "", "## Reason codes", ""]
    out += [f"- **+{points(t.earned(t.effect['points'][model.id]))}** `{t.rule}`: {t.why()}  \n  *{t.source.document}*: "
            f"{t.source.says.en}"
            + (f"  \n  {tr('source.reasoning', 'en', text=t.source.reasoning.en)}" if t.source.reasoning else "")
            for t in model.reasons] or ["- none"]
    out += ["", "## Why not the others", ""]
    for why in exp.why_not:
        out += [f"### {MODEL_SHORT[why.model]} ({points(why.score)} points, {points(why.gap)} behind)", ""]
        out += [f"- +{points(t.earned(t.effect['points'][why.model]) if t.status == 'partial' else t.effect['points'][why.model])}"
                f" `{t.rule}` {_STATUS[t.status][0]}: {t.why()}" for t in why.rules]
        out.append("")
    out += ["## What would change the advice", ""]
    out += [f"- to **{MODEL_SHORT[c.to]}**: {_changes(c.changes)}" for c in exp.counterfactuals]
    out += [f"- to {MODEL_SHORT[m]}: no change of one or two fields gets there" for m in exp.unreachable]
    if exp.unknown_impacts:
        out += ["", "## Unknown fields", ""] + [f"- {line}" for line in _impact_lines(exp)]
    out += ["", f"Rule base: {rec.rule_base_name} {rec.rule_base_version}, sha256 `{rec.rule_base_sha256}`", ""]
    return "\n".join(out)
