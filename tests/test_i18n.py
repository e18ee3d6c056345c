"""Every user-facing text of `ask` and of the recommendation output exists in en, ru and uk."""

from __future__ import annotations

import json
import re
import string

import pytest
from rich.console import Console

from advisor.ask.questions import builtin_questions, texts_of
from advisor.i18n import LANGUAGES, catalogue, detect_language, tr
from advisor.profile import FIELD_NAMES, FIELDS
from advisor.readers import read_one_profile
from advisor.render.markdown import render_markdown
from advisor.render.text import render_recommendation
from advisor.rulebase.schema import DEPARTMENT_MODELS, SALES_KINDS, TECHNOLOGY_GROUPS, Localized
from advisor.wording import wording
from conftest import PROFILES, ROOT


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_catalogue_text_has_every_language_with_the_same_placeholders():
    problems = []
    for key, texts in catalogue().items():
        for lang in LANGUAGES:
            if not texts.get(lang, "").strip():
                problems.append(f"{key}: no {lang}")
        if len({frozenset(_placeholders(texts.get(lang, ""))) for lang in LANGUAGES}) > 1:
            problems.append(f"{key}: placeholders differ between languages")
    assert problems == []


def test_every_key_the_code_asks_for_exists():
    used: set[str] = set()
    for path in (ROOT / "advisor").rglob("*.py"):
        used |= set(re.findall(r"""\b(?:t|tr|w)\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text()))
    assert len(used) > 40  # the scan found the calls: a broken regex would pass vacuously
    # keys built from ids: every id they can be built from
    used |= {f"model.{m}" for m in DEPARTMENT_MODELS} | {f"model_short.{m}" for m in DEPARTMENT_MODELS}
    used |= {f"group.{g}" for g in TECHNOLOGY_GROUPS} | {f"kind.{k}" for k in SALES_KINDS}
    used |= {f"field.{f}" for f in FIELD_NAMES}
    used |= {f"table.code.{m}" for m in DEPARTMENT_MODELS}
    used |= {f"explain.status.{s}" for s in ("fired", "partial", "not_fired", "unknown")}
    used |= {f"fields.kind.{spec.kind}" for spec in FIELDS.values()}
    used |= {f"fields.unit.{spec.unit}" for spec in FIELDS.values() if spec.unit}
    for question in builtin_questions():
        used |= {f"choice.{question.field}.{c.value}" for c in question.choices}
    assert sorted(used - set(catalogue())) == []


def _localized_texts(rule_base) -> list[tuple[str, Localized]]:
    named = [("tie_break_reason", rule_base.department_model.tie_break_reason),
             ("base_source", rule_base.sales_mix.base_source.says)]
    if rule_base.sales_mix.range_source:
        named.append(("range_source", rule_base.sales_mix.range_source.says))
    named += [(r.id, r.source.says) for r in rule_base.department_model.rules]
    named += [(r.id, r.source.says) for r in rule_base.sales_mix.rules]
    named += [(k.id, k.source.says) for k in rule_base.technologies.kinds]
    for item in rule_base.technologies.technologies:
        named += [(f"{item.id}.title", item.title), (f"{item.id}.says", item.source.says)]
    sources = [(r.id, r.source) for r in [*rule_base.department_model.rules, *rule_base.sales_mix.rules]]
    sources += [(f"tech.{i.id}", i.source) for i in rule_base.technologies.technologies]
    named += [(f"{name}.reasoning", source.reasoning) for name, source in sources if source.reasoning is not None]
    for model, notes in rule_base.models.models.items():
        for kind in ("pros", "cons", "risks"):
            named += [(f"models.{model}.{kind}[{i}]", point.text) for i, point in enumerate(getattr(notes, kind))]
    staffing = rule_base.staffing
    named += [("stages_source", staffing.stages_source.says)]
    named += [(f"norms.{n}.unit", getattr(staffing.norms, n).unit) for n in type(staffing.norms).model_fields]
    for stage in staffing.stages:
        named += [(f"stage{stage.stage}.title", stage.title), (f"stage{stage.stage}.step", stage.step)]
    for role_id, role in staffing.roles.items():
        named += [(f"roles.{role_id}.title", role.title), (f"roles.{role_id}.kpis", role.kpis)]
    return named


def test_every_rule_statement_and_title_of_the_builtin_rule_base_has_every_language(engine):
    texts = _localized_texts(engine.rule_base)
    assert len(texts) > 60
    assert [f"{name}: no {', '.join(t.missing())}" for name, t in texts if t.missing()] == []


def test_every_question_text_has_every_language():
    questions = builtin_questions()
    assert sorted(q.field for q in questions) == sorted(FIELD_NAMES)
    missing = [f"{q.field}.{name}: no {', '.join(text.missing())}"
               for q in questions for name, text in texts_of(q) if text.missing()]
    assert missing == []


@pytest.mark.parametrize(
    ("environ", "explicit", "expected"),
    [
        ({"LANG": "ru_RU.UTF-8"}, None, "ru"),
        ({"LANG": "uk_UA.UTF-8"}, None, "uk"),
        ({"LANG": "ru_RU.UTF-8", "LC_ALL": "uk_UA.UTF-8"}, None, "uk"),  # LC_ALL wins, as in POSIX
        ({"LANG": "de_DE.UTF-8"}, None, "en"),
        ({"LANG": "C.UTF-8"}, None, "en"),
        ({}, None, "en"),
        ({"LANG": "ru_RU.UTF-8"}, "uk", "uk"),  # --lang wins
    ],
)
def test_language_comes_from_the_option_then_the_locale_then_english(environ, explicit, expected):
    assert detect_language(explicit, environ) == expected


ENGLISH_UI = ["Department model", "Why:", "Inside / outside", "Sales technologies", "Unknown fields",
              "Rule base:", "inside (remote)", "Ahead of", "kinds of sales", "Operational (the department"]


@pytest.mark.parametrize("lang", ["ru", "uk"])
@pytest.mark.parametrize("name", ["seasonal-garden-goods", "online-store", "early-idea", "stadium-builder"])
def test_recommendation_text_and_markdown_are_wholly_in_the_language(engine, lang, name):
    record = read_one_profile(str(PROFILES / f"{name}.yaml"))
    rec = engine.recommend(record.profile)
    console = Console(record=True, width=100, color_system=None)
    render_recommendation(rec, console, lang=lang)
    text = console.export_text()
    markdown = render_markdown(rec, lang=lang)
    for output in (text, markdown):
        leaked = [phrase for phrase in ENGLISH_UI if phrase in output]
        assert leaked == [], f"English left in the {lang} output: {leaked}"
        assert tr(f"model.{rec.department_model.id}", lang) in output.replace("\n│ ", " ") or \
            tr(f"model_short.{rec.department_model.id}", lang) in output
    for reason in rec.department_model.reasons:
        first_words = " ".join(reason.source.says.get(lang).split()[:3])
        assert first_words in text.replace("│", " ").replace("\n", " ").replace("  ", " ") or first_words in markdown
    # field labels replace ids in what each rule saw
    if rec.department_model.reasons:
        leaf_field = rec.department_model.reasons[0].leaves[0].field
        assert tr(f"field.{leaf_field}", lang) in markdown


def test_english_output_names_fields_by_their_labels_and_json_keeps_ids(engine):
    rec = engine.recommend(read_one_profile(str(PROFILES / "online-store.yaml")).profile)
    markdown = render_markdown(rec)
    assert "## Department model" in markdown and "repeat sales share = 55% ≥ 20…50%" in markdown
    assert "repeat_sales_share" not in markdown
    assert "Кто" not in markdown and "Хто" not in markdown
    assert "repeat_sales_share = 0.55 ≥ 0.2…0.5" in json.dumps(rec.to_dict(), ensure_ascii=False)


def test_choice_values_in_reasons_are_translated(engine):
    rec = engine.recommend(read_one_profile(str(PROFILES / "seasonal-garden-goods.yaml")).profile)
    b2c = next(r for r in rec.sales_mix.reasons if r.rule == "MIX.b2c")
    assert b2c.why() == "market = b2c"  # JSON's machine form
    assert wording("en").why(b2c) == "market = consumers (B2C)"
    assert wording("ru").why(b2c) == "рынок = частные лица (B2C)"
    assert wording("uk").why(b2c) == "ринок = приватні особи (B2C)"


@pytest.mark.parametrize(("margin", "lang", "said"), [
    (1.0, "en", "by 1 point."), (3.0, "en", "by 3 points."), (1.67, "en", "by 1.67 points."),
    (1.0, "ru", "на 1 балл."), (3.0, "ru", "на 3 балла."), (5.0, "ru", "на 5 баллов."), (1.67, "ru", "на 1,67 балла."),
    (1.0, "uk", "на 1 бал."), (3.0, "uk", "на 3 бали."), (5.0, "uk", "на 5 балів."), (1.67, "uk", "на 1,67 бала."),
])
def test_a_lead_in_points_is_said_with_the_plural_form_of_its_number(margin, lang, said):
    from advisor.recommendation import ModelDecision
    from advisor.wording.verdict import verdict_lines

    model = ModelDecision("one_level", {"one_level": 4.0, "three_level": 4.0 - margin}, [], "points", "three_level",
                          margin, "firm", {}, {})
    line = verdict_lines(model, wording(lang))[0]
    assert line.endswith(said) and "(" not in line


def test_plural_texts_split_once_read_as_the_formatter_reads_them():
    """tr's split-once rendering of `{n:pl:...}` texts says what string.Formatter says, in every language."""
    import string

    from advisor.i18n import _Formatter, _parts, _plural_text, catalogue

    plural = [(key, lang, text) for key, texts in catalogue().items() for lang, text in texts.items() if ":pl:" in text]
    assert len(plural) > 20  # the catalogue really has such texts for this to compare
    for number in (0, 1, 2, 4, 5, 11, 21, 1.5, "2,100", "1 234,5", "many"):
        for key, lang, text in plural:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            values = {name: number for name in names}
            assert _plural_text(text, lang, values) == _Formatter(lang).format(text, **values), (key, lang, number)
    assert _parts("{a.b:pl:x|y}") is None and _parts("{a!r}") is None  # left to the formatter as they are
