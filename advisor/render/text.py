"""A recommendation as rich terminal output: model and score bars, mix, checklist, reasons."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from advisor.i18n import Translator
from advisor.recommendation import Recommendation, RuleTrace
from advisor.render.notes import model_notes
from advisor.render.verdict import ask_next_lines, ask_next_title, points, verdict_lines
from advisor.rulebase.schema import TECHNOLOGY_GROUPS

BAR_WIDTH = 24


def _bar(value: float, top: float, width: int = BAR_WIDTH) -> str:
    if top <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(width * value / top))


def _reasons(rows: list[tuple[Text, RuleTrace]], t: Translator) -> Table:
    """Effect | rule, what it saw, and the statement of the document it encodes."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for effect, trace in rows:
        body = Text()
        body.append(trace.rule, style="bold")
        body.append(f"  {trace.why(t.lang)}\n")
        body.append(trace.source.document, style="cyan")
        body.append(f": {trace.source.says.get(t.lang)}", style="dim")
        if trace.source.reasoning is not None:
            body.append("\n" + t("source.reasoning", text=trace.source.reasoning.get(t.lang)), style="dim italic")
        grid.add_row(effect, body)
    return grid


def _model_section(rec: Recommendation, t: Translator) -> Group:
    model = rec.department_model
    top = max(model.scores.values())
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    for outcome, score in sorted(model.scores.items(), key=lambda kv: -kv[1]):
        style = "bold green" if outcome == model.id else ""
        table.add_row(Text(t(f"model_short.{outcome}"), style=style), points(score, t.lang), Text(_bar(score, top), style=style or "blue"))
    header = Text()
    header.append(t("rec.department_model"), style="bold")
    header.append(t(f"model.{model.id}"), style="bold green")
    uncertain = model.close_call or model.confidence == "open"
    notes = [Text("  " + line, style="yellow" if uncertain else "dim") for line in verdict_lines(model, t)]
    parts: list = [header, *notes, table]
    if model.start_source is not None:
        start = Text()
        start.append(model.start_source.document, style="cyan")
        start.append(f": {model.start_source.says.get(t.lang)}", style="dim")
        parts.append(start)
    if model.reasons:
        rows = [(Text("+" + points(r.earned(r.effect['points'][model.id]), t.lang), style="green"), r) for r in model.reasons]
        parts += [Text(t("rec.why"), style="bold"), _reasons(rows, t)]
    return Group(*parts)


def _notes_section(rec: Recommendation, t: Translator) -> Group:
    parts: list = [Text(t("notes.title"), style="bold")]
    for heading, kinds in model_notes(rec, t):
        parts.append(Text("  " + heading, style="bold green" if not parts[1:] else "bold"))
        for label, items in kinds:
            parts.append(Text("    " + label, style="bold"))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column()
            for text, cite in items:
                grid.add_row("     -", Text.assemble(text + "\n", (cite, "dim")))
            parts.append(grid)
    return Group(*parts)


def _mix_section(rec: Recommendation, t: Translator) -> Group:
    mix = rec.sales_mix
    if not mix.applies:
        header = Text.assemble((t("rec.mix"), "bold"), (t("rec.mix_not_applicable"), "yellow"))
        note = t("rec.mix_computed", inside=f"{mix.inside_share:.0%}", outside=f"{mix.outside_share:.0%}")
        return Group(header, _reasons([(Text("—"), r) for r in mix.not_applicable_reasons], t), Text(note, style="dim"))
    inside_width = round(BAR_WIDTH * 2 * mix.inside_share)
    bar = Text()
    bar.append("█" * inside_width, style="magenta")
    bar.append("█" * (BAR_WIDTH * 2 - inside_width), style="yellow")
    header = Text()
    header.append(t("rec.mix"), style="bold")
    header.append(t("rec.inside", share=f"{mix.inside_share:.0%}"), style="magenta")
    header.append(" · ")
    header.append(t("rec.outside", share=f"{mix.outside_share:.0%}"), style="yellow")
    note = t("rec.mix_start", share=f"{mix.base_inside_share:.0%}")
    if mix.unclamped_inside_share != mix.inside_share:
        note += " " + t("rec.mix_clamped", raw=f"{mix.unclamped_inside_share:.0%}", share=f"{mix.inside_share:.0%}")
    parts: list = [header, bar, Text(note, style="dim")]
    if mix.reasons:
        rows = []
        for trace in mix.reasons:
            shift = trace.earned(trace.effect["inside_shift"])
            rows.append((Text(f"{shift:+.0%}", style="magenta" if shift > 0 else "yellow"), trace))
        parts.append(_reasons(rows, t))
    if mix.hybrid:
        parts.append(Text(t("rec.hybrid"), style="bold"))
        parts.append(_reasons([(Text(t("rec.hybrid_tag")), r) for r in mix.hybrid_reasons], t))
    return Group(*parts)


def _checklist_section(rec: Recommendation, t: Translator) -> Group:
    kinds = ", ".join(t(f"kind.{k}") for k in rec.sales_kinds) or t("rec.kinds_unknown")
    parts: list = [Text.assemble((t("rec.technologies"), "bold"), t("rec.kinds", kinds=kinds))]
    for group in TECHNOLOGY_GROUPS:
        items = [i for i in rec.applied_technologies if i.group == group]
        if not items:
            continue
        parts.append(Text(f"  {t(f'group.{group}')}", style="bold"))
        for item in items:
            parts.append(Text(f"    [ ] {(item.title.get(t.lang) or item.title['en'])}  ({item.id})"))
    possible = rec.possible_technologies
    if possible:
        parts.append(Text("  " + t("rec.possible"), style="bold yellow"))
        for item in possible:
            depends = t("rec.depends_on", fields=", ".join(item.trace.unknown_fields()))
            parts.append(Text(f"    [?] {(item.title.get(t.lang) or item.title['en'])}  ({item.id}; {depends})"))
    return Group(*parts)


def render_recommendation(
    rec: Recommendation, console: Console, *, source: str | None = None, lang: str = "en"
) -> None:
    t = Translator(lang)
    title = Text(rec.profile.name + (f"  ({source})" if source else ""))  # data, never markup
    console.print(Panel(_model_section(rec, t), title=title, title_align="left", border_style="green"))
    if rec.model_notes:
        console.print(Panel(_notes_section(rec, t), border_style="green"))
    console.print(Panel(_mix_section(rec, t), border_style="magenta"))
    console.print(Panel(_checklist_section(rec, t), border_style="blue"))
    if rec.unknown_fields:
        console.print(
            Text.assemble(
                (t("rec.unknown_fields"), "bold yellow"),
                ", ".join(rec.unknown_fields),
                ("\n  " + t("rec.unknown_note"), "dim"),
            )
        )
        if rec.ask_next:
            console.print(Text(ask_next_title(rec.department_model, t), style="bold"))
            for line in ask_next_lines(rec.ask_next, t):
                console.print(Text("  " + line))
    else:
        console.print(Text(t("rec.unknown_none"), style="dim"))
    console.print(
        Text(t("rec.rule_base", name=rec.rule_base_name, version=rec.rule_base_version, sha=rec.rule_base_sha256[:12]),
             style="dim")
    )
