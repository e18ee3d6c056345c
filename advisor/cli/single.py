"""One profile: recommend, explain, compare."""

# No `from __future__ import annotations`: typer would evaluate each annotation's text on every run (see app.py).

from typing import Annotated, Optional

import typer

from advisor.cli.app import (
    LangOption, RecommendFormat, RulesOption, app, engine_from, env, fail, language_of, load_profile, out,
)
from advisor.errors import AdvisorError


@app.command()
def recommend(
    profile: Annotated[
        str, typer.Argument(metavar="PROFILE", help="A profile YAML (or one-row CSV/JSON) file, or - for stdin.")
    ],
    format: Annotated[RecommendFormat, typer.Option("--format", "-f", help="Output format.")] = RecommendFormat.text,
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """Recommend a department model, an inside/outside mix and a checklist for one profile."""
    try:
        engine = engine_from(rules)
        record = load_profile(profile, engine)
        from advisor.explain import advise

        rec = advise(engine, record.profile)
    except AdvisorError as exc:
        raise fail(exc) from None

    from advisor.checks import check_answers

    checks = check_answers(record.profile)  # contradictory answers: shown, never a rejection
    language = language_of(lang)
    if format is RecommendFormat.json:
        import json

        data = rec.to_dict()
        data["warnings"] = [dict(c.to_dict(language), at=c.located(record.file, record.line_of, language))
                            for c in checks]
        out(json.dumps(data, ensure_ascii=False, indent=2))
    elif format is RecommendFormat.markdown:
        from advisor.render.markdown import render_markdown
        from advisor.wording import wording

        text = render_markdown(rec, source=record.source, lang=language)
        if checks:
            text += "\n## " + wording(language)("report.warnings") + "\n\n" + "\n".join(
                f"- ⚠ `{c.located(record.file, record.line_of, language)}`" for c in checks) + "\n"
        out(text)
    else:
        from advisor.render.text import kit_of, render_recommendation

        def draw(console) -> None:
            render_recommendation(rec, console, source=record.source, lang=language)
            for check in checks:
                console.print(kit_of(console).Text("⚠ " + check.located(record.file, record.line_of, language),
                                                   style="yellow"))

        env().render(draw)


@app.command()
def explain(
    profile: Annotated[str, typer.Argument(metavar="PROFILE", help="A profile file, or - for stdin.")],
    set_: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="Scenario: field=value (repeat, or a,b=...; field= makes it unknown)."),
    ] = None,
    fix: Annotated[Optional[list[str]], typer.Option("--fix", help="A field the search must not change.")] = None,
    format: Annotated[RecommendFormat, typer.Option("--format", "-f", help="Output format.")] = RecommendFormat.text,
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """Why this model, why not the others, and the smallest changes that would change the advice."""
    from advisor.explain import explain as build, parse_assignments, parse_fixed

    try:
        engine = engine_from(rules)
        scenario = parse_assignments(set_ or [])
        fixed = parse_fixed(fix or [])
        record = load_profile(profile, engine)
        explanation = build(engine, record.profile, scenario=scenario, fixed=fixed)
    except AdvisorError as exc:
        raise fail(exc) from None
    if format is RecommendFormat.json:
        import json

        out(json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2))
    elif format is RecommendFormat.markdown:
        from advisor.render.explanation import render_explanation_markdown

        out(render_explanation_markdown(explanation, language_of(lang)))
    else:
        from advisor.render.explanation import render_explanation

        language = language_of(lang)
        env().render(lambda console: render_explanation(explanation, console, language))


@app.command()
def compare(
    profiles: Annotated[list[str], typer.Argument(metavar="PROFILE...", help="Profile files to set side by side.")],
    set_: Annotated[
        Optional[list[str]], typer.Option("--set", help="field=value applied to every profile.")
    ] = None,
    scenario: Annotated[
        Optional[list[str]],
        typer.Option("--scenario", help="A column per profile with these changes: 'a=1,b=2' (repeatable)."),
    ] = None,
    format: Annotated[RecommendFormat, typer.Option("--format", "-f", help="Output format.")] = RecommendFormat.text,
    rules: RulesOption = None,
    lang: LangOption = None,
) -> None:
    """Profiles (or one profile under several scenarios) side by side: model, scores, mix, checklist."""
    from advisor.compare import build_comparison
    from advisor.explain import parse_assignments

    try:
        engine = engine_from(rules)
        common = parse_assignments(set_ or [])
        scenarios = [parse_assignments([s]) for s in scenario or []]
        columns = build_comparison(engine, [(p, load_profile(p, engine).profile) for p in profiles], common, scenarios)
    except AdvisorError as exc:
        raise fail(exc) from None
    from advisor.render.comparison import render_comparison, comparison_markdown

    if format is RecommendFormat.json:
        import json

        out(json.dumps([c.to_dict() for c in columns], ensure_ascii=False, indent=2))
    elif format is RecommendFormat.markdown:
        out(comparison_markdown(columns, language_of(lang)))
    else:
        render_comparison(columns, env().console(), language_of(lang))
