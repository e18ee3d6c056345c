"""A recommendation as rich terminal output: model and score bars, mix, checklist, reasons."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from advisor.labels import GROUP_NAMES, MODEL_NAMES, MODEL_SHORT
from advisor.recommendation import Recommendation, RuleTrace
from advisor.rulebase.schema import TECHNOLOGY_GROUPS

BAR_WIDTH = 24


def _bar(value: float, top: float, width: int = BAR_WIDTH) -> str:
    if top <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(width * value / top))


def _reasons(rows: list[tuple[Text, RuleTrace]]) -> Table:
    """Effect | rule, what it saw, and the statement of the document it encodes."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for effect, trace in rows:
        body = Text()
        body.append(trace.rule, style="bold")
        body.append(f"  {trace.why()}\n")
        body.append(trace.source.document, style="cyan")
        body.append(f": {trace.source.says}", style="dim")
        grid.add_row(effect, body)
    return grid


def _model_section(rec: Recommendation) -> Group:
    model = rec.department_model
    top = max(model.scores.values())
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    for outcome, score in sorted(model.scores.items(), key=lambda kv: -kv[1]):
        style = "bold green" if outcome == model.id else ""
        table.add_row(Text(MODEL_SHORT[outcome], style=style), f"{score:g}", Text(_bar(score, top), style=style or "blue"))
    header = Text()
    header.append("Department model: ", style="bold")
    header.append(MODEL_NAMES[model.id], style="bold green")
    if model.decided_by == "tie_break":
        note = Text(
            f"  Equal points with {MODEL_SHORT[model.runner_up]}: the simpler model wins the tie.", style="yellow"
        )
        if top == 0:
            note = Text("  No rule fired, so this is the starting model, not a finding: "
                        "fill in the unknown fields below.", style="yellow")
    else:
        note = Text(f"  Ahead of {MODEL_SHORT[model.runner_up]} by {model.margin:g} point{'' if model.margin == 1 else 's'}.", style="dim")
    parts: list = [header, note, table]
    if model.reasons:
        rows = [(Text(f"+{t.effect['points'][model.id]:g}", style="green"), t) for t in model.reasons]
        parts += [Text("Why:", style="bold"), _reasons(rows)]
    return Group(*parts)


def _mix_section(rec: Recommendation) -> Group:
    mix = rec.sales_mix
    inside_width = round(BAR_WIDTH * 2 * mix.inside_share)
    bar = Text()
    bar.append("█" * inside_width, style="magenta")
    bar.append("█" * (BAR_WIDTH * 2 - inside_width), style="yellow")
    header = Text()
    header.append("Inside / outside: ", style="bold")
    header.append(f"{mix.inside_share:.0%} inside (remote)", style="magenta")
    header.append(" · ")
    header.append(f"{mix.outside_share:.0%} outside (field)", style="yellow")
    note = f"Starts at {mix.base_inside_share:.0%} inside; each reason below shifts it."
    if mix.unclamped_inside_share != mix.inside_share:
        note += f" The shifts add up to {mix.unclamped_inside_share:.0%}, held at {mix.inside_share:.0%} by the rule base's range."
    parts: list = [header, bar, Text(note, style="dim")]
    if mix.reasons:
        rows = []
        for trace in mix.reasons:
            shift = trace.effect["inside_shift"]
            rows.append((Text(f"{shift:+.0%}", style="magenta" if shift > 0 else "yellow"), trace))
        parts.append(_reasons(rows))
    if mix.hybrid:
        parts.append(Text("Hybrid: meet clients in the field to win them, then keep them remotely.", style="bold"))
        parts.append(_reasons([(Text("hybrid"), t) for t in mix.hybrid_reasons]))
    return Group(*parts)


def _checklist_section(rec: Recommendation) -> Group:
    kinds = ", ".join(rec.sales_kinds) or "unknown (sale_type and regional not given)"
    parts: list = [Text.assemble(("Sales technologies", "bold"), f"  (kinds of sales: {kinds})")]
    for group in TECHNOLOGY_GROUPS:
        items = [t for t in rec.applied_technologies if t.group == group]
        if not items:
            continue
        parts.append(Text(f"  {GROUP_NAMES[group]}", style="bold"))
        for item in items:
            parts.append(Text(f"    [ ] {item.title['en']}  ({item.id})"))
    possible = rec.possible_technologies
    if possible:
        parts.append(Text("  Possible, depending on unknown answers:", style="bold yellow"))
        for item in possible:
            parts.append(Text(f"    [?] {item.title['en']}  ({item.id}; depends on {', '.join(item.trace.unknown_fields())})"))
    return Group(*parts)


def render_recommendation(rec: Recommendation, console: Console, *, source: str | None = None) -> None:
    title = Text(rec.profile.name + (f"  ({source})" if source else ""))  # data, never markup
    console.print(Panel(_model_section(rec), title=title, title_align="left", border_style="green"))
    console.print(Panel(_mix_section(rec), border_style="magenta"))
    console.print(Panel(_checklist_section(rec), border_style="blue"))
    if rec.unknown_fields:
        console.print(
            Text.assemble(
                ("Unknown fields: ", "bold yellow"),
                ", ".join(rec.unknown_fields),
                ("\n  Rules over unknown fields did not fire; answering them may change the advice.", "dim"),
            )
        )
    else:
        console.print(Text("Unknown fields: none", style="dim"))
    console.print(
        Text(f"Rule base: {rec.rule_base_name} {rec.rule_base_version} (sha256 {rec.rule_base_sha256[:12]})", style="dim")
    )
