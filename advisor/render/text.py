"""A recommendation as rich terminal output: model and score bars, mix, checklist, reasons.

Layout only: every text comes from advisor.wording in the language asked.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from advisor.recommendation import Recommendation, RuleTrace
from advisor.wording import Wording, wording
from advisor.wording.notes import model_notes
from advisor.wording.verdict import ask_next_lines, ask_next_title, verdict_lines

BAR_WIDTH = 24
KIND_FIELDS = ("sale_type", "regional")  # the answers the kinds of sales are told from


def _bar(value: float, top: float, width: int = BAR_WIDTH) -> str:
    if top <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(width * value / top))


def indented(text: Any, level: int = 1, k: Any = None) -> Any:
    """A line indented by `level` steps of two spaces that keeps its indent when it wraps."""
    k = k or rich_kit()
    return k.Padding(text if isinstance(text, k.Text) else k.Text(text), (0, 0, 0, 2 * level))


def reason_body(trace: RuleTrace, w: Wording, k: Any = None) -> Any:
    """The rule, what it saw, and its citation: the statement, threshold, anchors and our reasoning."""
    k = k or rich_kit()
    cite = w.citation(trace.source, trace)
    body = k.Text()
    body.append(trace.rule, style="bold")
    body.append(f"  {w.why(trace)}\n")
    body.append(cite.document, style="cyan")
    body.append(f": {cite.says}", style="dim")
    if cite.reasoning:  # the terminal keeps to the statement and our reasoning; Markdown and HTML add the rest
        body.append("\n" + cite.reasoning, style="dim italic")
    return body


def reasons_grid(rows: list[tuple[Any, RuleTrace]], w: Wording, k: Any) -> Any:
    """Effect | rule, what it saw, and the statement of the document it encodes."""
    grid = k.Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for effect, trace in rows:
        grid.add_row(effect, reason_body(trace, w, k))
    return grid


def _model_section(rec: Recommendation, w: Wording, k: Any) -> Any:
    model = rec.department_model
    top = max(model.scores.values())
    table = k.Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    for outcome, score in sorted(model.scores.items(), key=lambda kv: -kv[1]):
        style = "bold green" if outcome == model.id else ""
        table.add_row(k.Text(w.model_short(outcome), style=style), w.points(score),
                      k.Text(_bar(score, top), style=style or "blue"))
    header = k.Text()
    header.append(w("rec.department_model"), style="bold")
    header.append(w.model(model.id), style="bold green")
    uncertain = model.close_call or model.confidence == "open"
    notes = [indented(k.Text(line, style="yellow" if uncertain else "dim"), k=k) for line in verdict_lines(model, w)]
    parts: list = [header, *notes, table]
    if model.start_source is not None:
        cite = w.citation(model.start_source)
        start = k.Text()
        start.append(cite.document, style="cyan")
        start.append(f": {cite.says}", style="dim")
        parts.append(start)
    if model.reasons:
        rows = [(k.Text("+" + w.points(r.earned(r.effect['points'][model.id])), style="green"), r) for r in model.reasons]
        parts += [k.Text(w("rec.why"), style="bold"), reasons_grid(rows, w, k)]
    return k.Group(*parts)


def _notes_section(rec: Recommendation, w: Wording, k: Any) -> Any:
    parts: list = [k.Text(w("notes.title"), style="bold")]
    for heading, kinds in model_notes(rec, w):
        parts.append(indented(k.Text(heading, style="bold green" if not parts[1:] else "bold"), k=k))
        for label, items in kinds:
            parts.append(indented(k.Text(label, style="bold"), 2, k=k))
            grid = k.Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column()
            for text, cite in items:
                grid.add_row("     -", k.Text.assemble(text + "\n", (cite, "dim")))
            parts.append(grid)
    return k.Group(*parts)


def mix_bar(inside: float, plain: bool, width: int = BAR_WIDTH * 2, k: Any = None) -> Any:
    """The inside/outside split as a bar: colours on a terminal; without colour (NO_COLOR, a pipe)
    ▓ for inside and ░ for outside, so 100% and 10% look different."""
    k = k or rich_kit()
    inside_width = round(width * inside)
    bar = k.Text()
    bar.append(("▓" if plain else "█") * inside_width, style="magenta")
    bar.append(("░" if plain else "█") * (width - inside_width), style="yellow")
    return bar


def _mix_section(rec: Recommendation, w: Wording, plain: bool, k: Any) -> Any:
    mix = rec.sales_mix
    if not mix.applies:
        header = k.Text.assemble((w("rec.mix"), "bold"), (w("rec.mix_not_applicable"), "yellow"))
        note = w("rec.mix_computed", inside=w.percent(mix.inside_share), outside=w.percent(mix.outside_share))
        return k.Group(header, reasons_grid([(k.Text("—"), r) for r in mix.not_applicable_reasons], w, k),
                     k.Text(note, style="dim"))
    header = k.Text()
    header.append(w("rec.mix"), style="bold")
    header.append(w("rec.inside", share=w.percent(mix.inside_share)), style="magenta")
    header.append(" · ")
    header.append(w("rec.outside", share=w.percent(mix.outside_share)), style="yellow")
    note = w("rec.mix_start", share=w.percent(mix.base_inside_share))
    if mix.unclamped_inside_share != mix.inside_share:
        note += " " + w("rec.mix_clamped", raw=w.percent(mix.unclamped_inside_share), share=w.percent(mix.inside_share))
    parts: list = [header, mix_bar(mix.inside_share, plain, k=k), k.Text(note, style="dim")]
    if mix.reasons:
        rows = []
        for trace in mix.reasons:
            shift = trace.earned(trace.effect["inside_shift"])
            rows.append((k.Text(w.signed_percent(shift), style="magenta" if shift > 0 else "yellow"), trace))
        parts.append(reasons_grid(rows, w, k))
    if mix.hybrid:
        parts.append(k.Text(w("rec.hybrid"), style="bold"))
        parts.append(reasons_grid([(k.Text(w("rec.hybrid_tag")), r) for r in mix.hybrid_reasons], w, k))
    return k.Group(*parts)


def _checklist_section(rec: Recommendation, w: Wording, k: Any) -> Any:
    kinds = ", ".join(w.kind(k) for k in rec.sales_kinds) or w("kinds.unknown", fields=w.fields(KIND_FIELDS))
    parts: list = [k.Text.assemble((w("rec.technologies"), "bold"), w("rec.kinds", kinds=kinds))]
    for group in rec_groups(rec):
        parts.append(indented(k.Text(w.group(group), style="bold"), k=k))
        for item in [i for i in rec.applied_technologies if i.group == group]:
            parts.append(indented(f"[ ] {w.title(item)}  ({item.id})", 2, k=k))
    possible = rec.possible_technologies
    if possible:
        parts.append(indented(k.Text(w("rec.possible"), style="bold yellow"), k=k))
        for item in possible:
            depends = w("rec.depends_on", fields=w.fields(item.trace.unknown_fields()))
            parts.append(indented(f"[?] {w.title(item)}  ({item.id}; {depends})", 2, k=k))
    return k.Group(*parts)


def rec_groups(rec: Recommendation) -> list[str]:
    """The checklist's groups that have an item, in the rule base's order."""
    from advisor.rulebase.schema import TECHNOLOGY_GROUPS

    return [g for g in TECHNOLOGY_GROUPS if any(i.group == g for i in rec.applied_technologies)]


def rich_kit() -> SimpleNamespace:
    """rich's pieces of layout: Text, Table, Padding, Panel, Group."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    return SimpleNamespace(Text=Text, Table=Table, Padding=Padding, Panel=Panel, Group=Group)


def kit_of(console: Any) -> Any:
    """The pieces `console` prints: rich's, or advisor.render.plain's for its PlainConsole."""
    from advisor.render import plain

    return plain if isinstance(console, plain.PlainConsole) else rich_kit()


def render_recommendation(rec: Recommendation, console: Any, *, source: str | None = None, lang: str = "en") -> None:
    """The recommendation on `console` (a rich Console, or a PlainConsole: the same characters)."""
    w = wording(lang)
    k = kit_of(console)
    plain = console.no_color or console.color_system is None
    title = k.Text(rec.profile.name + (f"  ({source})" if source else ""))  # data, never markup
    console.print(k.Panel(_model_section(rec, w, k), title=title, title_align="left", border_style="green"))
    if rec.model_notes:
        console.print(k.Panel(_notes_section(rec, w, k), border_style="green"))
    console.print(k.Panel(_mix_section(rec, w, plain, k), border_style="magenta"))
    console.print(k.Panel(_checklist_section(rec, w, k), border_style="blue"))
    if rec.unknown_fields:
        console.print(k.Text.assemble((w("rec.unknown_fields"), "bold yellow"), w.fields(rec.unknown_fields)))
        console.print(indented(k.Text(w("rec.unknown_note"), style="dim"), k=k))
        if rec.ask_next:
            console.print(k.Text(ask_next_title(rec.department_model, w), style="bold"))
            for line in ask_next_lines(rec.ask_next, w):
                console.print(indented(line, k=k))
    else:
        console.print(k.Text(w("rec.unknown_none"), style="dim"))
    console.print(
        k.Text(w("rec.rule_base", name=rec.rule_base_name, version=rec.rule_base_version, sha=rec.rule_base_sha256[:12]),
             style="dim")
    )
