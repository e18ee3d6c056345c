"""A recommendation as Markdown, for a client report or a ticket."""

from __future__ import annotations

from advisor.labels import GROUP_NAMES, MODEL_NAMES, MODEL_SHORT
from advisor.recommendation import Recommendation, RuleTrace
from advisor.rulebase.schema import TECHNOLOGY_GROUPS


def _cite(trace: RuleTrace) -> str:
    text = f"  \n  *{trace.source.document}*: {trace.source.says}"
    if trace.source.benchmark:
        text += f"  \n  Threshold: {trace.source.benchmark}"
    return text


def render_markdown(rec: Recommendation, *, source: str | None = None) -> str:
    model = rec.department_model
    mix = rec.sales_mix
    out = [f"# {rec.profile.name}", ""]
    if source:
        out += [f"Profile: `{source}`", ""]
    out += ["## Department model", "", f"**{MODEL_NAMES[model.id]}**", ""]
    if model.decided_by == "tie_break":
        out += [f"Equal points with {MODEL_SHORT[model.runner_up]}; the simpler model wins the tie.", ""]
    else:
        out += [f"Ahead of {MODEL_SHORT[model.runner_up]} by {model.margin:g} point{'' if model.margin == 1 else 's'}.", ""]
    out += ["| model | points |", "|---|---:|"]
    for outcome, score in sorted(model.scores.items(), key=lambda kv: -kv[1]):
        name = f"**{MODEL_SHORT[outcome]}**" if outcome == model.id else MODEL_SHORT[outcome]
        out.append(f"| {name} | {score:g} |")
    out += ["", "Why:", ""]
    for trace in model.reasons:
        out.append(f"- **+{trace.effect['points'][model.id]:g}** `{trace.rule}`: {trace.why()}{_cite(trace)}")
    if not model.reasons:
        out.append("- No rule fired for this model.")
    out += ["", "## Inside / outside", "",
            f"**{mix.inside_share:.0%} inside (remote), {mix.outside_share:.0%} outside (field)**; "
            f"starts at {mix.base_inside_share:.0%} inside.", ""]
    for trace in mix.reasons:
        out.append(f"- **{trace.effect['inside_shift']:+.0%}** `{trace.rule}`: {trace.why()}{_cite(trace)}")
    if mix.hybrid:
        out += ["", "**Hybrid:** meet clients in the field to win them, then keep them remotely.", ""]
        for trace in mix.hybrid_reasons:
            out.append(f"- `{trace.rule}`: {trace.why()}{_cite(trace)}")
    out += ["", "## Sales technologies", "", f"Kinds of sales: {', '.join(rec.sales_kinds) or 'unknown'}", ""]
    for group in TECHNOLOGY_GROUPS:
        items = [t for t in rec.applied_technologies if t.group == group]
        if items:
            out += [f"### {GROUP_NAMES[group]}", ""]
            out += [f"- [ ] {t.title['en']} (`{t.id}`)" for t in items]
            out.append("")
    if rec.possible_technologies:
        out += ["### Possible, depending on unknown answers", ""]
        out += [f"- [ ] {t.title['en']} (`{t.id}`; depends on {', '.join(t.trace.unknown_fields())})"
                for t in rec.possible_technologies]
        out.append("")
    out += ["## Unknown fields", "", ", ".join(f"`{f}`" for f in rec.unknown_fields) or "None.", ""]
    out += [f"Rule base: {rec.rule_base_name} {rec.rule_base_version}, sha256 `{rec.rule_base_sha256}`", ""]
    return "\n".join(out)
