"""A recommendation as rich terminal output: model and score bars, mix, checklist, reasons.

Layout only: every text comes from advisor.wording in the language asked.
"""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

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


def indented(text: Text | str, level: int = 1) -> Padding:
    """A line indented by `level` steps of two spaces that keeps its indent when it wraps."""
    return Padding(text if isinstance(text, Text) else Text(text), (0, 0, 0, 2 * level))


def reason_body(trace: RuleTrace, w: Wording) -> Text:
    """The rule, what it saw, and its citation: the statement, threshold, anchors and our reasoning."""
    cite = w.citation(trace.source, trace)
    body = Text()
    body.append(trace.rule, style="bold")
    body.append(f"  {w.why(trace)}\n")
    body.append(cite.document, style="cyan")
    body.append(f": {cite.says}", style="dim")
    if cite.reasoning:  # the terminal keeps to the statement and our reasoning; Markdown and HTML add the rest
        body.append("\n" + cite.reasoning, style="dim italic")
    return body


def reasons_grid(rows: list[tuple[Text, RuleTrace]], w: Wording) -> Table:
    """Effect | rule, what it saw, and the statement of the document it encodes."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column()
    for effect, trace in rows:
        grid.add_row(effect, reason_body(trace, w))
    return grid


def _model_section(rec: Recommendation, w: Wording) -> Group:
    model = rec.department_model
    top = max(model.scores.values())
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    for outcome, score in sorted(model.scores.items(), key=lambda kv: -kv[1]):
        style = "bold green" if outcome == model.id else ""
        table.add_row(Text(w.model_short(outcome), style=style), w.points(score),
                      Text(_bar(score, top), style=style or "blue"))
    header = Text()
    header.append(w("rec.department_model"), style="bold")
    header.append(w.model(model.id), style="bold green")
    uncertain = model.close_call or model.confidence == "open"
    notes = [indented(Text(line, style="yellow" if uncertain else "dim")) for line in verdict_lines(model, w)]
    parts: list = [header, *notes, table]
    if model.start_source is not None:
        cite = w.citation(model.start_source)
        start = Text()
        start.append(cite.document, style="cyan")
        start.append(f": {cite.says}", style="dim")
        parts.append(start)
    if model.reasons:
        rows = [(Text("+" + w.points(r.earned(r.effect['points'][model.id])), style="green"), r) for r in model.reasons]
        parts += [Text(w("rec.why"), style="bold"), reasons_grid(rows, w)]
    return Group(*parts)


def _notes_section(rec: Recommendation, w: Wording) -> Group:
    parts: list = [Text(w("notes.title"), style="bold")]
    for heading, kinds in model_notes(rec, w):
        parts.append(indented(Text(heading, style="bold green" if not parts[1:] else "bold")))
        for label, items in kinds:
            parts.append(indented(Text(label, style="bold"), 2))
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column()
            for text, cite in items:
                grid.add_row("     -", Text.assemble(text + "\n", (cite, "dim")))
            parts.append(grid)
    return Group(*parts)


def mix_bar(inside: float, plain: bool, width: int = BAR_WIDTH * 2) -> Text:
    """The inside/outside split as a bar: colours on a terminal; without colour (NO_COLOR, a pipe)
    ▓ for inside and ░ for outside, so 100% and 10% look different."""
    inside_width = round(width * inside)
    bar = Text()
    bar.append(("▓" if plain else "█") * inside_width, style="magenta")
    bar.append(("░" if plain else "█") * (width - inside_width), style="yellow")
    return bar


def _mix_section(rec: Recommendation, w: Wording, plain: bool) -> Group:
    mix = rec.sales_mix
    if not mix.applies:
        header = Text.assemble((w("rec.mix"), "bold"), (w("rec.mix_not_applicable"), "yellow"))
        note = w("rec.mix_computed", inside=w.percent(mix.inside_share), outside=w.percent(mix.outside_share))
        return Group(header, reasons_grid([(Text("—"), r) for r in mix.not_applicable_reasons], w),
                     Text(note, style="dim"))
    header = Text()
    header.append(w("rec.mix"), style="bold")
    header.append(w("rec.inside", share=w.percent(mix.inside_share)), style="magenta")
    header.append(" · ")
    header.append(w("rec.outside", share=w.percent(mix.outside_share)), style="yellow")
    note = w("rec.mix_start", share=w.percent(mix.base_inside_share))
    if mix.unclamped_inside_share != mix.inside_share:
        note += " " + w("rec.mix_clamped", raw=w.percent(mix.unclamped_inside_share), share=w.percent(mix.inside_share))
    parts: list = [header, mix_bar(mix.inside_share, plain), Text(note, style="dim")]
    if mix.reasons:
        rows = []
        for trace in mix.reasons:
            shift = trace.earned(trace.effect["inside_shift"])
            rows.append((Text(w.signed_percent(shift), style="magenta" if shift > 0 else "yellow"), trace))
        parts.append(reasons_grid(rows, w))
    if mix.hybrid:
        parts.append(Text(w("rec.hybrid"), style="bold"))
        parts.append(reasons_grid([(Text(w("rec.hybrid_tag")), r) for r in mix.hybrid_reasons], w))
    return Group(*parts)


def _checklist_section(rec: Recommendation, w: Wording) -> Group:
    kinds = ", ".join(w.kind(k) for k in rec.sales_kinds) or w("kinds.unknown", fields=w.fields(KIND_FIELDS))
    parts: list = [Text.assemble((w("rec.technologies"), "bold"), w("rec.kinds", kinds=kinds))]
    for group in rec_groups(rec):
        parts.append(indented(Text(w.group(group), style="bold")))
        for item in [i for i in rec.applied_technologies if i.group == group]:
            parts.append(indented(f"[ ] {w.title(item)}  ({item.id})", 2))
    possible = rec.possible_technologies
    if possible:
        parts.append(indented(Text(w("rec.possible"), style="bold yellow")))
        for item in possible:
            depends = w("rec.depends_on", fields=w.fields(item.trace.unknown_fields()))
            parts.append(indented(f"[?] {w.title(item)}  ({item.id}; {depends})", 2))
    return Group(*parts)


def rec_groups(rec: Recommendation) -> list[str]:
    """The checklist's groups that have an item, in the rule base's order."""
    from advisor.rulebase.schema import TECHNOLOGY_GROUPS

    return [g for g in TECHNOLOGY_GROUPS if any(i.group == g for i in rec.applied_technologies)]


def render_recommendation(
    rec: Recommendation, console: Console, *, source: str | None = None, lang: str = "en"
) -> None:
    w = wording(lang)
    plain = console.no_color or console.color_system is None
    title = Text(rec.profile.name + (f"  ({source})" if source else ""))  # data, never markup
    console.print(Panel(_model_section(rec, w), title=title, title_align="left", border_style="green"))
    if rec.model_notes:
        console.print(Panel(_notes_section(rec, w), border_style="green"))
    console.print(Panel(_mix_section(rec, w, plain), border_style="magenta"))
    console.print(Panel(_checklist_section(rec, w), border_style="blue"))
    if rec.unknown_fields:
        console.print(Text.assemble((w("rec.unknown_fields"), "bold yellow"), w.fields(rec.unknown_fields)))
        console.print(indented(Text(w("rec.unknown_note"), style="dim")))
        if rec.ask_next:
            console.print(Text(ask_next_title(rec.department_model, w), style="bold"))
            for line in ask_next_lines(rec.ask_next, w):
                console.print(indented(line))
    else:
        console.print(Text(w("rec.unknown_none"), style="dim"))
    console.print(
        Text(w("rec.rule_base", name=rec.rule_base_name, version=rec.rule_base_version, sha=rec.rule_base_sha256[:12]),
             style="dim")
    )
