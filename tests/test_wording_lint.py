"""Every output of every example profile, read in Russian and Ukrainian as a reader would.

Renders in-process (the renderers the commands call; `fields` and the summary through the
CLI) and fails on what reads as English-tool leftovers: an English-format number ("5,000",
"0.55"), a plural placeholder ("балл(а)", "(s)"), a snake_case field id, or an English word
outside a short allow-list. What is quoted, not written by advisor, is taken out first: the
profile's own name, rule and checklist ids, document file names, the rule base's name,
version and sha256, currency codes, and the titles of published sources (benchmarks,
anchors, the model notes' references), which stay in their language as citations do.
English output is checked for placeholders and field ids too.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

import outputs
from advisor.i18n import tr
from advisor.profile import FIELD_NAMES, FIELDS

LANGS = ("ru", "uk")
PLACEHOLDER = re.compile(r"\w\((?:а|и|ы|ов|ей|ів|ей|у|s|es)\)")
# "5,000" (but not a Russian decimal such as "0,024") or "0.55"
ENGLISH_NUMBER = re.compile(r"(?<![\d,])[1-9]\d{0,2}(?:,\d{3})+(?!\d)|\d\.\d")
SNAKE_FIELDS = [f for f in FIELD_NAMES if "_" in f]
CHOICES = tuple(sorted({c for spec in FIELDS.values() for c in spec.choices}, key=len, reverse=True))
# Words a Russian or Ukrainian text may hold as they are: abbreviations and names the
# documents use, currency and standard codes, and the command's own name and options
# (two capitals, a country or cost-level code such as UA or EU, are allowed too).
ALLOWED_WORDS = {
    "Inside", "Sales",  # the Russian source's own term, quoted in its statements
    "B2B", "B2C", "SaaS", "CRM", "KPI", "Erlang", "USD", "EUR", "RUB", "UAH", "GBP", "PLN", "ISO", "sha256",
    "advisor", "builtin", "csv", "json", "jsonl", "fail", "fast", "call", "txt", "uk", "ru", "lv",
}


@cache
def _quoted(engine: Any) -> list[str]:
    """Texts advisor quotes rather than writes, longest first: ids, file names, published sources."""
    base = engine.rule_base
    texts: set[str] = set()
    for trace in _all_traces(engine):
        texts.add(trace.rule)
        texts.add(trace.source.document)
        if trace.source.benchmark:
            texts.add(trace.source.benchmark)
        if trace.anchors:
            texts.add(trace.anchors)
    for rec in _all_recs(engine):
        texts.update(t.id for t in rec.technologies)
        texts.add(rec.profile.name)
        texts.update(rec.profile.name.split())  # a name wrapped or cut in a narrow column
        for notes in rec.model_notes.values():
            for kind in ("pros", "cons", "risks"):
                texts.update(p.source.citation for p in getattr(notes, kind))
        texts.add(rec.rule_base_sha256)
        texts.add(f"{rec.rule_base_name} {rec.rule_base_version}")
        if rec.department_model.next is not None and rec.department_model.next.grow_into is not None:
            texts.add(rec.department_model.next.grow_into.reasoning)
    staffing = base.staffing
    if staffing is not None:
        for norm in type(staffing.norms).model_fields:
            source = getattr(staffing.norms, norm).source
            texts.update(x for x in (source.benchmark, source.document) if x)
        texts.update(x for x in (staffing.ramp_months.source.benchmark, staffing.costs.source.benchmark,
                                 staffing.assumed_gross_margin.source.benchmark) if x)
        texts.update(level.says for level in staffing.costs.levels.values())
        texts.update(str(p) for p in outputs.EXAMPLES)
    texts.update(outputs.source_of(p) for p in outputs.EXAMPLES)
    return sorted({_flat(t) for t in texts if t}, key=len, reverse=True)


def _flat(text: str) -> str:
    """Text as one line: a terminal's box edges and wrapped lines joined back."""
    return re.sub(r"\s+", " ", re.sub(r"[│╭╮╰╯─┃┏┓┗┛━┡┩╇┳┻╋┣┫]", " ", text)).strip()


@cache
def _all_recs(engine: Any) -> tuple[Any, ...]:
    return tuple(outputs.advised(engine, p) for p in outputs.EXAMPLES)


def _all_traces(engine: Any) -> list[Any]:
    return [t for rec in _all_recs(engine) for t in rec.trace]


def problems(text: str, lang: str, engine: Any, *, ids_allowed: bool = False) -> list[str]:
    """What reads wrong in `text` for a reader of `lang`."""
    text = _flat(text)
    for quoted in _quoted(engine):
        text = text.replace(quoted, " ")
    found = [f"placeholder {m.group()!r}" for m in PLACEHOLDER.finditer(text)]
    if ids_allowed:  # `fields` lists the keys and values a profile is written with
        text = re.sub(r"\b(" + "|".join(FIELD_NAMES + CHOICES) + r")\b", " ", text)
    else:
        found += [f"field id {f!r}" for f in SNAKE_FIELDS if re.search(rf"\b{f}\b", text)]
    if lang == "en":
        return found
    found += [f"English number {_around(text, m)!r}" for m in ENGLISH_NUMBER.finditer(text)]
    words = {w for w in re.findall(r"(?<![\w.-])[A-Za-z][A-Za-z]+(?![\w…])", text)  # "Sup…": a name cut short
             if w not in ALLOWED_WORDS and w.lower() not in ALLOWED_WORDS and not re.fullmatch("[A-Z]{2}", w)}
    found += [f"English word {w!r} in {_around(text, re.search(rf'(?<![A-Za-z]){w}(?![A-Za-z])', text))!r}"
              for w in sorted(words)]
    return found


def _around(text: str, match: Any) -> str:
    return text[max(0, match.start() - 30):match.end() + 30]


PER_PROFILE = {
    "recommend text": outputs.recommend_text,
    "recommend markdown": outputs.recommend_markdown,
    "explain text": outputs.explain_text,
    "explain markdown": outputs.explain_markdown,
    "report markdown": lambda e, p, lang: outputs.report(e, p, lang, "md"),
    "report html": lambda e, p, lang: outputs.html_text(outputs.report(e, p, lang, "html")),
}
ALL_PROFILES = {
    "compare text": outputs.compare_text,
    "compare markdown": outputs.compare_markdown,
    "score table": outputs.score_table,
}


@pytest.mark.parametrize("lang", ("en", *LANGS))
@pytest.mark.parametrize("output", PER_PROFILE)
def test_every_profiles_output_reads_natively(engine, output, lang):
    found = {}
    for path in outputs.EXAMPLES:
        bad = problems(PER_PROFILE[output](engine, path, lang), lang, engine)
        if bad:
            found[path.stem] = bad
    assert found == {}, f"{output} in {lang}: {found}"


@pytest.mark.parametrize("lang", ("en", *LANGS))
@pytest.mark.parametrize("output", ALL_PROFILES)
def test_outputs_of_all_profiles_together_read_natively(engine, output, lang):
    assert problems(ALL_PROFILES[output](engine, outputs.EXAMPLES, lang), lang, engine) == []


@pytest.mark.parametrize("lang", LANGS)
def test_fields_and_the_score_summary_read_natively(engine, cli, lang):
    fields = cli("fields", "--lang", lang)
    assert fields.exit_code == 0
    assert problems(fields.stdout, lang, engine, ids_allowed=True) == []  # the ids are what it lists
    assert tr("fields.label", lang) in fields.stdout
    score = cli("score", str(outputs.PROFILES), "--lang", lang)
    assert score.exit_code == 0
    assert problems(score.stderr, lang, engine) == [] and tr("table.title", lang) in score.stdout


def test_the_lint_catches_what_it_is_for(engine):
    """Each kind of problem, planted in otherwise clean Russian, is found."""
    assert problems("средний чек 5,000 USD", "ru", engine)
    assert problems("доля 0.55", "ru", engine)
    assert problems("3 балл(а)", "ru", engine) and problems("1 point(s)", "en", engine)
    assert problems("поле repeat_sales_share", "ru", engine)
    assert problems("Неизвестные поля: unknown", "ru", engine)
    assert problems("средний чек 5\u00a0000 USD, доля 55 %, B2B", "ru", engine) == []
