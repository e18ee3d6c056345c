"""A recommendation as Markdown, for a client report or a ticket."""

from __future__ import annotations

import re
from typing import Any

from advisor.recommendation import Recommendation, RuleTrace
from advisor.rulebase.schema import TECHNOLOGY_GROUPS
from advisor.wording import Wording, wording
from advisor.wording.notes import notes_markdown
from advisor.wording.verdict import ask_next_lines, ask_next_title, verdict_lines


def citation_markdown(source, w: Wording, trace: RuleTrace | None = None) -> str:
    """A citation under a Markdown list item: the document in italics, its sentence, then the extras."""
    cite = w.citation(source, trace)
    return "".join(f"  \n  {line}" for line in [f"*{cite.document}*: {cite.says}", *cite.extras()])


def reason_markdown(trace: RuleTrace, w: Wording, effect: str = "") -> str:
    """'- **+2,57** `RULE`: what it saw' and its citation."""
    head = f"**{effect}** " if effect else ""
    return f"- {head}`{trace.rule}`: {w.why(trace)}{citation_markdown(trace.source, w, trace)}"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\](){}<>#|!~])")


def markdown_text(text: str) -> str:
    """A client's text (a profile name) as literal Markdown: no tag, link, image or emphasis can form from it.

    A report is rendered later by whatever shows Markdown; `<script>` or `[x](javascript:...)`
    in a name must arrive as those characters, not as HTML or a link.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_code(text: str) -> str:
    """`text` as an inline code span, fenced with more backticks than any run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {text} {fence}" if longest else f"`{text}`"


def render_markdown(rec: Recommendation, *, source: str | None = None, lang: str = "en") -> str:
    w = wording(lang)
    model = rec.department_model
    mix = rec.sales_mix
    out = [f"# {markdown_text(rec.profile.name)}", ""]
    if source:
        out += [w("md.profile", source=markdown_code(source)), ""]
    out += [f"## {w('md.department_model')}", "", f"**{w.model(model.id)}**", ""]
    for line in verdict_lines(model, w):
        out += [line, ""]
    if model.start_source is not None:
        cite = w.citation(model.start_source)
        out += [f"*{cite.document}*: {cite.says}", ""]
    out += [w("md.model_points") + " " + w("md.score_range") + " |", "|---|---:|---:|"]
    for outcome, score in sorted(model.scores.items(), key=lambda kv: -kv[1]):
        name = w.model_short(outcome)
        low, high = model.score_low[outcome], model.score_high[outcome]
        span = w.points(low) if high - low <= 1e-9 else f"{w.points(low)}–{w.points(high)}"
        out.append(f"| {f'**{name}**' if outcome == model.id else name} | {w.points(score)} | {span} |")
    out += ["", w("rec.why"), ""]
    out += [reason_markdown(r, w, "+" + w.points(r.earned(r.effect["points"][model.id]))) for r in model.reasons]
    if not model.reasons:
        out.append("- " + w("md.no_reason"))
    out += [""] + notes_markdown(rec, w)
    out += [f"## {w('md.mix_title')}", ""]
    if not mix.applies:
        out += [f"**{w('rec.mix_not_applicable')}**", ""]
        out += [reason_markdown(r, w) for r in mix.not_applicable_reasons]
        out += ["", w("rec.mix_computed", inside=w.percent(mix.inside_share), outside=w.percent(mix.outside_share)), ""]
    else:
        out += [f"**{w('rec.inside', share=w.percent(mix.inside_share))}, "
                f"{w('rec.outside', share=w.percent(mix.outside_share))}**; "
                + w("md.mix_start", share=w.percent(mix.base_inside_share)), ""]
    out += [reason_markdown(r, w, w.signed_percent(r.earned(r.effect["inside_shift"]))) for r in mix.reasons]
    if mix.hybrid:
        out += ["", f"**{w('rec.hybrid')}**", ""]
        out += [reason_markdown(r, w) for r in mix.hybrid_reasons]
    kinds = ", ".join(w.kind(k) for k in rec.sales_kinds) or w("md.unknown")
    out += ["", f"## {w('rec.technologies')}", "", w("md.kinds", kinds=kinds), ""]
    for group in TECHNOLOGY_GROUPS:
        items = [i for i in rec.applied_technologies if i.group == group]
        if items:
            out += [f"### {w.group(group)}", ""]
            out += [f"- [ ] {w.title(i)} (`{i.id}`)" for i in items]
            out.append("")
    if rec.possible_technologies:
        out += [f"### {w('rec.possible').rstrip(':')}", ""]
        out += [f"- [ ] {w.title(i)} (`{i.id}`; {w('rec.depends_on', fields=w.fields(i.trace.unknown_fields()))})"
                for i in rec.possible_technologies]
        out.append("")
    out += [f"## {w('md.unknown_title')}", "", w.fields(rec.unknown_fields) or w("md.none"), ""]
    if rec.ask_next:
        out += [ask_next_title(rec.department_model, w), ""] + [f"1. {line}" for line in ask_next_lines(rec.ask_next, w)] + [""]
    out += [w("rec.rule_base", name=rec.rule_base_name, version=rec.rule_base_version, sha=f"`{rec.rule_base_sha256}`"), ""]
    return "\n".join(out)
