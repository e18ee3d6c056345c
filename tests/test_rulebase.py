"""The rule base: the built-in one is faithful and complete; broken ones fail with located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from advisor.errors import RuleBaseError
from advisor.profile import EVIDENCE_FIELDS
from advisor.rulebase.loader import load_rule_base
from advisor.rulebase.schema import DEPARTMENT_MODELS
from conftest import RULES, SOURCES

BRIEF_TECHNOLOGIES = {
    "internal": ["operational_reporting", "sales_stages", "work_planning", "regional_development_plan",
                 "regional_client_map", "client_map", "decision_cycle_map", "deal_plan", "new_client_algorithm",
                 "existing_client_algorithm"],
    "external": ["promo_events", "trade_shows", "win_back_projects"],
    "marketing": ["distribution_map", "client_potential_assessment", "decision_process_mapping",
                  "competitor_analysis", "decision_center_advantages", "client_development_plan"],
    "personnel": ["internal_training", "rotation", "group_interviews", "certifications", "territory_certification", "deal_plan_defense",
                  "regional_plan_defense"],
}


def test_builtin_rule_base_loads_with_a_stable_hash():
    first, second = load_rule_base(), load_rule_base(RULES)
    assert first.sha256 == second.sha256 and len(first.sha256) == 64
    assert first.meta.name == "advisor-builtin"


def test_every_rule_cites_a_real_source_document():
    rule_base = load_rule_base()
    documents = set(rule_base.documents)
    if SOURCES.is_dir():
        assert documents == {p.name for p in SOURCES.glob("*.txt")}
    sources = [r.source for r in rule_base.department_model.rules] + [r.source for r in rule_base.sales_mix.rules]
    sources += [t.source for t in rule_base.technologies.technologies] + [k.source for k in rule_base.technologies.kinds]
    assert all(s.document in documents and s.says for s in sources)
    assert {s.document for s in sources} == documents  # each of the five documents is encoded


def test_numeric_thresholds_the_documents_leave_open_cite_a_benchmark():
    rule_base = load_rule_base()
    rules = list(rule_base.department_model.rules) + list(rule_base.sales_mix.rules)

    def numeric_leaves(condition):
        if hasattr(condition, "field"):
            return [condition] if condition.operator in ("lt", "lte", "gt", "gte", "between") else []
        children = getattr(condition, "all", None) or getattr(condition, "any", None) or [condition.not_]
        return [leaf for child in children for leaf in numeric_leaves(child)]

    for rule in rules:
        # organisation stages and team size 0 are the documents' own categories, not open thresholds
        leaves = [l for l in numeric_leaves(rule.when) if l.field not in ("organization_stage",)]
        if leaves:
            assert rule.source.benchmark, f"{rule.id} sets a threshold without citing a benchmark"


def test_technology_checklist_matches_the_document_ids_and_groups():
    items = load_rule_base().technologies.technologies
    by_group: dict[str, list[str]] = {}
    for item in items:
        by_group.setdefault(item.group, []).append(item.id)
        assert item.title.en and item.title.ru and item.title.uk
    assert by_group == BRIEF_TECHNOLOGIES


def test_every_model_can_win_points_and_every_evidence_field_is_read():
    rule_base = load_rule_base()
    rewarded = {m for r in rule_base.department_model.rules for m, p in r.points.items() if p > 0}
    assert rewarded == set(DEPARTMENT_MODELS)

    def fields(condition):
        if condition is None:
            return set()
        if hasattr(condition, "field"):
            return {condition.field}
        children = getattr(condition, "all", None) or getattr(condition, "any", None) or [condition.not_]
        return set().union(*(fields(c) for c in children))

    conditions = [r.when for r in rule_base.department_model.rules] + [r.when for r in rule_base.sales_mix.rules]
    conditions += [t.when for t in rule_base.technologies.technologies] + [k.when for k in rule_base.technologies.kinds]
    read = set().union(*(fields(c) for c in conditions))
    # the close rate is a consequence of selling inside or outside (inside-vs-outside-sales.lv.txt),
    # so no rule reads it; the staffing plan does
    assert read == set(EVIDENCE_FIELDS) - {"close_rate"}


def _replace(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


# (file, text to replace, replacement, expected key, expected message fragment)
BROKEN = [
    ("department_model.yaml", "{field: sales_team_size, at_most: [2, 5]}", "{field: sales_team_sise, at_most: [2, 5]}",
     "rules[0].when.field", "did you mean 'sales_team_size'"),
    ("department_model.yaml", "{field: deals_per_month, at_most: [5, 15]}\n    points",
     "{field: deals_per_month, at_mots: [5, 15]}\n    points", "rules[1].when.at_mots", "did you mean 'at_most'"),
    ("department_model.yaml", "{field: deals_per_month, at_most: [5, 15]}\n    points",
     "{field: deals_per_month, at_most: [15, 5]}\n    points", "rules[1].when", "low < high"),
    ("department_model.yaml", "points: {one_level: 2}", "points: {one_levle: 2}",
     "rules[0].points", "did you mean 'one_level'"),
    ("department_model.yaml", "points: {one_level: 2}", "points: {one_level: lots}",
     "rules[0].points.one_level", "valid number"),
    ("department_model.yaml", "id: DM.one_level.few_deals", "id: DM.one_level.small_team",
     "rules[1].id", "duplicate rule id"),
    ("department_model.yaml", "{field: market, eq: b2c}", "{field: market, eq: b2d}",
     "rules[12].when", "did you mean 'b2c'"),
    ("department_model.yaml", "{field: market, eq: b2c}", "{field: market, gte: 3}",
     "rules[12].when", "compares numbers"),
    ("department_model.yaml", "per: sales_team_size, per_min: 1, at_least: [100, 400]}\n        - {field: qualified",
     "per: market, per_min: 1, at_least: [100, 400]}\n        - {field: qualified", "rules[4].when.all[0]",
     "ratio of two numbers"),
    ("sales_mix.yaml", "document: inside-vs-outside-sales.lv.txt", "document: inside-vs-outside.lv.txt",
     "base_source.document", "did you mean 'inside-vs-outside-sales.lv.txt'"),
    ("sales_mix.yaml", "inside_shift: 0.15", "inside_shit: 0.15", "rules[0].inside_shit", "did you mean 'inside_shift'"),
    ("technologies.yaml", "group: internal", "group: intenal", "technologies[0].group", "'internal'"),
    ("department_model.yaml", "tie_break: [one_level,", "tie_break: [one_level, one_level,",
     "tie_break", "once"),
]


@pytest.mark.parametrize("file, old, new, key, fragment", BROKEN, ids=[b[3] + ":" + b[4][:20] for b in BROKEN])
def test_broken_rule_files_name_file_line_and_key(rules_copy, file, old, new, key, fragment):
    line = _replace(rules_copy / file, old, new)
    with pytest.raises(RuleBaseError) as caught:
        load_rule_base(rules_copy)
    error = caught.value
    assert error.file == str(rules_copy / file)
    assert (error.key, error.line) == (key, line)
    assert fragment in error.message


@pytest.mark.parametrize(
    "content, fragment",
    [("", "empty file"), ("rules: [\n", "YAML syntax error"), ("- a\n", "expected a mapping")],
)
def test_unreadable_rule_files(rules_copy, content, fragment):
    (rules_copy / "sales_mix.yaml").write_text(content)
    with pytest.raises(RuleBaseError) as caught:
        load_rule_base(rules_copy)
    assert fragment in caught.value.message and caught.value.file.endswith("sales_mix.yaml")


def test_missing_rule_file_and_missing_folder(rules_copy, tmp_path):
    (rules_copy / "technologies.yaml").unlink()
    with pytest.raises(RuleBaseError, match="missing technologies.yaml"):
        load_rule_base(rules_copy)
    with pytest.raises(RuleBaseError, match="not found"):
        load_rule_base(tmp_path / "nowhere")


def test_a_ramp_must_say_where_its_anchors_come_from(rules_copy):
    _replace(rules_copy / "department_model.yaml", "    anchors: >\n      Two sellers or fewer",
             "    note: >\n      Two sellers or fewer")
    with pytest.raises(RuleBaseError) as caught:
        load_rule_base(rules_copy)
    assert caught.value.key.startswith("rules[0]") and "DM.one_level.small_team" in caught.value.message
    assert "anchors" in caught.value.message


def test_editing_a_rule_changes_the_hash(rules_copy):
    before = load_rule_base(rules_copy).sha256
    _replace(rules_copy / "department_model.yaml", "points: {one_level: 2}", "points: {one_level: 3}")
    assert load_rule_base(rules_copy).sha256 != before


def test_every_model_has_cited_pros_cons_and_risks():
    notes = load_rule_base().models.models
    assert set(notes) == set(DEPARTMENT_MODELS)
    documents = set(load_rule_base().documents)
    for model, n in notes.items():
        for kind in ("pros", "cons", "risks"):
            points = getattr(n, kind)
            assert points, f"{model} has no {kind}"
            for point in points:
                # a source document of the rule base, or a named public source with its year or its site
                cited = point.source
                assert cited.document in documents or re.search(r"\b(19|20)\d\d\b|\w\.(com|org)\b", cited.reference)


def test_a_models_file_citing_an_unknown_document_or_nothing_is_refused_with_its_line(tmp_path):
    import shutil

    from advisor.errors import RuleBaseError
    from advisor.rulebase.loader import builtin_rules_dir

    rules = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), rules)
    path = rules / "models.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("document: sales-department-models.uk.txt", "document: sales-models.uk.txt", 1),
                    encoding="utf-8")
    with pytest.raises(RuleBaseError) as caught:
        load_rule_base(rules)
    assert caught.value.line == text[: text.index("document: sales-department-models.uk.txt")].count("\n") + 1
    assert "did you mean 'sales-department-models.uk.txt'" in caught.value.message
    path.write_text(text.replace("source: {document: sales-department-models.uk.txt}", "source: {}", 1),
                    encoding="utf-8")
    with pytest.raises(RuleBaseError, match="cite exactly one of"):
        load_rule_base(rules)
