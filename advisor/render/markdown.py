"""A recommendation as Markdown, for a client report or a ticket."""

from __future__ import annotations

import re

from advisor.i18n import Translator
from advisor.recommendation import Recommendation, RuleTrace
from advisor.render.notes import notes_markdown
from advisor.render.verdict import ask_next_lines, ask_next_title, points, verdict_lines
from advisor.rulebase.schema import TECHNOLOGY_GROUPS


def _cite(trace: RuleTrace, t: Translator) -> str:
    text = f"  \n  *{trace.source.document}*: {trace.source.says.get(t.lang)}"
    if trace.source.benchmark:
        text += "  \n  " + t("md.threshold", benchmark=trace.source.benchmark)
    if trace.anchors:
        text += "  \n  " + t("md.anchors", anchors=trace.anchors)
    if trace.source.reasoning is not None:
        text += "  \n  " + t("source.reasoning", text=trace.source.reasoning.get(t.lang))
    return text


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
    t = Translator(lang)
    model = rec.department_model
    mix = rec.sales_mix
    out = [f"# {markdown_text(rec.profile.name)}", ""]
    if source:
        out += [t("md.profile", source=markdown_code(source)), ""]
    out += [f"## {t('md.department_model')}", "", f"**{t(f'model.{model.id}')}**", ""]
    for line in verdict_lines(model, t):
        out += [line, ""]
    if model.start_source is not None:
        out += [f"*{model.start_source.document}*: {model.start_source.says.get(lang)}", ""]
    out += [t("md.model_points") + " " + t("md.score_range") + " |", "|---|---:|---:|"]
    for outcome, score in sorted(model.scores.items(), key=lambda kv: -kv[1]):
        name = t(f"model_short.{outcome}")
        low, high = model.score_low[outcome], model.score_high[outcome]
        out.append(f"| {f'**{name}**' if outcome == model.id else name} | {points(score, lang)} | {points(low, lang)}–{points(high, lang)} |")
    out += ["", t("rec.why"), ""]
    for trace in model.reasons:
        out.append(f"- **+{points(trace.earned(trace.effect['points'][model.id]), lang)}** `{trace.rule}`: "
                   f"{trace.why(lang)}{_cite(trace, t)}")
    if not model.reasons:
        out.append("- " + t("md.no_reason"))
    out += [""] + notes_markdown(rec, t)
    out += [f"## {t('md.mix_title')}", ""]
    if not mix.applies:
        out += [f"**{t('rec.mix_not_applicable')}**", ""]
        out += [f"- `{trace.rule}`: {trace.why(lang)}{_cite(trace, t)}" for trace in mix.not_applicable_reasons]
        out += ["", t("rec.mix_computed", inside=f"{mix.inside_share:.0%}", outside=f"{mix.outside_share:.0%}"), ""]
    out += [f"**{t('rec.inside', share=f'{mix.inside_share:.0%}')}, {t('rec.outside', share=f'{mix.outside_share:.0%}')}**; "
            + t("md.mix_start", share=f"{mix.base_inside_share:.0%}"), ""] if mix.applies else []
    for trace in mix.reasons:
        out.append(f"- **{trace.earned(trace.effect['inside_shift']):+.0%}** `{trace.rule}`: {trace.why(lang)}{_cite(trace, t)}")
    if mix.hybrid:
        out += ["", f"**{t('rec.hybrid')}**", ""]
        for trace in mix.hybrid_reasons:
            out.append(f"- `{trace.rule}`: {trace.why(lang)}{_cite(trace, t)}")
    kinds = ", ".join(t(f"kind.{k}") for k in rec.sales_kinds) or t("md.unknown")
    out += ["", f"## {t('rec.technologies')}", "", t("md.kinds", kinds=kinds), ""]
    for group in TECHNOLOGY_GROUPS:
        items = [i for i in rec.applied_technologies if i.group == group]
        if items:
            out += [f"### {t(f'group.{group}')}", ""]
            out += [f"- [ ] {i.title.get(lang) or i.title['en']} (`{i.id}`)" for i in items]
            out.append("")
    if rec.possible_technologies:
        out += [f"### {t('rec.possible').rstrip(':')}", ""]
        out += [f"- [ ] {i.title.get(lang) or i.title['en']} (`{i.id}`; "
                f"{t('rec.depends_on', fields=', '.join(i.trace.unknown_fields()))})"
                for i in rec.possible_technologies]
        out.append("")
    out += [f"## {t('md.unknown_title')}", "", ", ".join(f"`{f}`" for f in rec.unknown_fields) or t("md.none"), ""]
    if rec.ask_next:
        out += [ask_next_title(rec.department_model, t), ""] + [f"1. {line}" for line in ask_next_lines(rec.ask_next, t)] + [""]
    out += [t("rec.rule_base", name=rec.rule_base_name, version=rec.rule_base_version, sha=f"`{rec.rule_base_sha256}`"), ""]
    return "\n".join(out)
