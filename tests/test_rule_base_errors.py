"""A rule base that does not load is reported whole: every mistake, located, in one run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from advisor.errors import RuleBaseError
from advisor.rulebase import schema
from advisor.rulebase.loader import load_rule_base
from advisor.rulebase.problems import keys_of
from conftest import PROFILES, RULES, run_advisor

PROFILE = str(PROFILES / "online-store.yaml")
HOLDS = "a rule base folder holds only rulebase.yaml, department_model.yaml, sales_mix.yaml, technologies.yaml, " \
        "staffing.yaml, models.yaml and tests/"


def unknown_file(path: Path, meant: str | None = None) -> str:
    return f"{path}: unknown rule file, never read{f' (did you mean {meant!r}?)' if meant else ''}; {HOLDS}"
SOURCE = "{document: sales-department-models.uk.txt, says: Many inbound requests.}"


def where(path: Path, needle: str) -> str:
    """'file:line:col' of the first `needle` in the file, as errors locate a key."""
    text = path.read_text()
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{path}:{line}:{column}"


def folder(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def overlay(tmp_path: Path, files: dict[str, str], name: str = "acme") -> Path:
    return folder(tmp_path / name, {"rulebase.yaml": f"extends: builtin\nname: {name}\nversion: 1\n", **files})


def test_mistakes_in_several_files_of_an_overlay_come_in_one_run_sorted_with_a_count(cli, tmp_path):
    builtin_id = load_rule_base().department_model.rules[-1].id
    misspelt_id = builtin_id[:-1]
    acme = overlay(tmp_path, {
        "rulebase.yaml": "extends: builtin\nname: acme\nversion: 1\nversoin: 2\n",
        "department_model.yaml": f"""\
disable: [{misspelt_id}]
rules:
  - id: ACME.big_inbound
    when: {{feild: leads_per_month, gte: 1000}}
    points: {{two_level_contact_center: 2}}
    source: {SOURCE}
  - id: ACME.tiny
    when: {{field: deals_per_month, lte: 1}}
    points: {{one_levle: 1}}
    source: {SOURCE}
""",
        "sales_mix.yaml": """\
rules:
  - id: ACME.remote
    when: {field: offering, eq: saas}
    inside_shit: 0.1
    source: {document: sales-department-models.uk.txt, says: SaaS sells remotely.}
  - id: ACME.playbook
    when: {field: offering, eq: goods}
    inside_shift: -0.1
    source: {document: playbook.md, says: Our playbook.}
""",
        "technologies.yaml": """\
technologies:
  - id: acme_reviews
    group: intenal
    title: Weekly deal reviews
    source: {document: types-of-sales-technologies.ru.txt, says: Reviews.}
""",
        "extra.yaml": "rules: []\n",
    })
    dm, mix, tech = acme / "department_model.yaml", acme / "sales_mix.yaml", acme / "technologies.yaml"
    expected = [
        f"{where(dm, misspelt_id)}: disable[0]: no rule '{misspelt_id}' to disable (did you mean '{builtin_id}'?)",
        f"{where(dm, 'feild')}: rules[0].when.feild: unknown key 'feild' (did you mean 'field'?) (rule ACME.big_inbound)",
        f"{where(dm, 'points: {one_levle')}: rules[1].points: 'one_levle' is not a department model "
        "(did you mean 'one_level'?) (rule ACME.tiny)",
        unknown_file(acme / "extra.yaml"),
        f"{where(acme / 'rulebase.yaml', 'versoin')}: versoin: unknown key 'versoin' (did you mean 'version'?)",
        f"{where(mix, 'inside_shit')}: rules[0].inside_shit: unknown key 'inside_shit' (did you mean 'inside_shift'?) "
        "(rule ACME.remote)",
        f"{where(mix, 'document: playbook.md')}: rules[1].source.document: 'playbook.md' is not one of the rule base's "
        "documents; to cite it, add it to documents: in rulebase.yaml (rule ACME.playbook)",
        f"{where(tech, 'group: intenal')}: technologies[0].group: Input should be 'internal', 'external', 'marketing' or "
        "'personnel' (did you mean 'internal'?) (rule acme_reviews)",
    ]
    checked = cli("rules", "check", str(acme))
    assert checked.exit_code == 1 and checked.stdout == ""
    assert checked.stderr.splitlines() == [*expected, f"{acme}: 8 errors in 5 files"]
    used = cli("recommend", PROFILE, "--rules", str(acme))
    assert used.exit_code == 2 and used.stdout == ""
    assert used.stderr.splitlines() == [*expected, "8 errors in 5 files"]


def test_a_complete_rule_base_reports_every_file_even_past_a_syntax_error(cli, rules_copy):
    meta = rules_copy / "rulebase.yaml"
    meta.write_text(meta.read_text() + "name: again\n")
    (rules_copy / "sales_mix.yaml").write_text("rules: [\n")
    (rules_copy / "technologies.yaml").unlink()
    (rules_copy / "sales-mix.yml").write_text("rules: []\n")
    result = cli("rules", "check", str(rules_copy))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{rules_copy}: missing technologies.yaml; a rule base folder holds rulebase.yaml, " \
                       "department_model.yaml, sales_mix.yaml, technologies.yaml"
    assert lines[1] == f"{where(meta, 'name: again')}: name: duplicate key"
    assert lines[2] == unknown_file(rules_copy / "sales-mix.yml", "sales_mix.yaml")
    assert lines[3].startswith(f"{rules_copy / 'sales_mix.yaml'}:2:1: YAML syntax error")
    assert lines[4:] == [f"{rules_copy}: 4 errors in 4 files"]


def test_a_rule_id_used_in_two_files_is_named_where_it_repeats(rules_copy):
    def first_id(path: Path) -> str:
        text = path.read_text()
        start = text.index("- id: ") + len("- id: ")
        return text[start:text.index("\n", start)]

    mix = rules_copy / "sales_mix.yaml"
    taken, replaced = first_id(rules_copy / "department_model.yaml"), first_id(mix)
    mix.write_text(mix.read_text().replace(f"- id: {replaced}\n", f"- id: {taken}\n", 1))
    with pytest.raises(RuleBaseError) as caught:
        load_rule_base(rules_copy)
    assert [e.located() for e in caught.value.errors] == [
        f"{where(mix, f'id: {taken}')}: rules[0].id: duplicate rule id '{taken}' (first in department_model.yaml)"]


def test_a_misspelt_required_key_is_one_error_and_a_missing_one_is_still_named(tmp_path):
    acme = overlay(tmp_path, {"department_model.yaml": f"""\
rules:
  - id: ACME.a
    when: {{feild: leads_per_month, gte: 1000}}
    points: {{one_level: 1}}
    source: {SOURCE}
  - id: ACME.b
    when: {{field: leads_per_month, gte: 1000}}
    points: {{one_level: 1}}
"""})
    with pytest.raises(RuleBaseError) as caught:
        load_rule_base(acme)
    path = acme / "department_model.yaml"
    assert [e.located() for e in caught.value.errors] == [
        f"{where(path, 'feild')}: rules[0].when.feild: unknown key 'feild' (did you mean 'field'?) (rule ACME.a)",
        f"{where(path, 'id: ACME.b')}: rules[1].source: required key is missing (rule ACME.b)",
    ]


def test_every_failing_member_of_a_union_is_one_error(tmp_path):
    acme = overlay(tmp_path, {"department_model.yaml": f"""\
rules:
  - id: ACME.a
    when: {{field: market, eq: [b2b, b2c]}}
    points: {{one_level: 1}}
    source: {SOURCE}
"""})
    with pytest.raises(RuleBaseError) as caught:
        load_rule_base(acme)
    (error,) = caught.value.errors
    assert error.key == "rules[0].when.eq" and error.line == 3  # not rules[0].when.leaf.eq.bool, four times


def _misspelt(key: str) -> str:
    return key + "x"


@pytest.mark.parametrize("model", [schema.Leaf, schema.Source, schema.ModelRule], ids=lambda m: m.__name__)
def test_did_you_mean_knows_every_key_the_schema_allows(tmp_path, model):
    """The keys come from the pydantic models: a key the schema gains is suggested with no list to update."""
    rules = []
    for index, key in enumerate(keys_of(model)):
        leaf = {"field": "leads_per_month", "gte": 1}
        source = {"document": "sales-department-models.uk.txt", "says": "x"}
        rule = {"id": f"ACME.r{index}", "when": leaf, "points": {"one_level": 1}, "source": source}
        target = {schema.Leaf: leaf, schema.Source: source, schema.ModelRule: rule}[model]
        target[_misspelt(key)] = target.pop(key, 1)
        rules.append(rule)
    acme = overlay(tmp_path, {"department_model.yaml": "rules:\n" + "".join(f"  - {json.dumps(r)}\n" for r in rules)})
    with pytest.raises(RuleBaseError) as caught:
        load_rule_base(acme)
    by_line = {e.line: e.message for e in caught.value.errors}  # one rule a line, from line 2
    for index, key in enumerate(keys_of(model)):
        kind = "operator" if model is schema.Leaf and key in schema.OPERATORS else "key"
        assert by_line[index + 2].startswith(f"unknown {kind} '{_misspelt(key)}' (did you mean '{key}'?)")
    assert len(caught.value.errors) == len(keys_of(model))  # one error a rule: the misspelling, nothing else


@pytest.mark.parametrize(
    "name, meant",
    [("extra.yaml", None), ("notes.yml", None), ("my-rules.yaml", None), ("sales-mix.yml", "sales_mix.yaml"),
     ("technology.yaml", "technologies.yaml"), ("department_models.yaml", "department_model.yaml")],
)
def test_a_yaml_file_no_rule_base_reads_is_an_error_naming_it(cli, tmp_path, name, meant):
    acme = overlay(tmp_path, {name: "rules: []\n"})
    result = cli("rules", "check", str(acme))
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [unknown_file(acme / name, meant), f"{acme}: 1 error in 1 file"]


def test_hidden_files_other_files_and_subfolders_are_left_alone(cli, tmp_path):
    acme = overlay(tmp_path, {".pre-commit-config.yaml": "repos: []\n", "README.md": "# rules\n",
                              "tests/more.yaml": "[]\n", "drafts/idea.yaml": "rules: []\n"})
    result = cli("rules", "check", str(acme))
    assert result.exit_code == 0 and result.stderr == ""


def test_an_overlay_reports_its_own_mistakes_with_those_of_the_folder_it_extends(cli, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(RULES, base)
    (base / "staffing.yml").write_text("norms: {}\n")
    acme = overlay(tmp_path, {"rulebase.yaml": "extends: ../base\nname: acme\nversion: 1\n",
                              "department_model.yaml": f"rules:\n  - id: ACME.a\n    when: {{field: leads_per_month, "
                                                       f"gte: 1}}\n    points: {{one_level: 1}}\n    sorce: {SOURCE}\n",
                              "my-rules.yaml": "rules: []\n"})
    result = cli("recommend", PROFILE, "--rules", str(acme))
    assert result.exit_code == 2
    path = acme / "department_model.yaml"
    assert result.stderr.splitlines() == [
        f"{path}:5:5: rules[0].sorce: unknown key 'sorce' (did you mean 'source'?) (rule ACME.a)",
        unknown_file(acme / "my-rules.yaml"),
        unknown_file(base / "staffing.yml", "staffing.yaml"),
        "3 errors in 3 files",
    ]


def test_at_most_50_errors_are_shown_then_how_many_more(cli, tmp_path):
    rules = "".join(f"  - {{id: ACME.r{i}, when: {{feild: leads_per_month, gte: 1}}, points: {{one_level: 1}}, "
                    f"source: {SOURCE}}}\n" for i in range(120))
    acme = overlay(tmp_path, {"department_model.yaml": "rules:\n" + rules})
    result = cli("rules", "check", str(acme))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 52 and lines[-2:] == ["... and 70 more", f"{acme}: 120 errors in 1 file"]
    assert lines[49].startswith(f"{acme / 'department_model.yaml'}:51:") and "(rule ACME.r49)" in lines[49]


def test_a_huge_value_cannot_make_a_huge_line(cli, tmp_path):
    acme = overlay(tmp_path, {"department_model.yaml": f"""\
rules:
  - id: ACME.a
    when: {{field: leads_per_month, gte: 1}}
    points: {{one_level: 1}}
    source: {{document: {"d" * 20_000}, says: x}}
"""})
    result = cli("rules", "check", str(acme))
    line, count = result.stderr.splitlines()
    assert result.exit_code == 1 and len(line) == 500 and line.endswith("…")
    assert line.startswith(f"{where(acme / 'department_model.yaml', 'document')}: rules[0].source.document: 'ddd")
    assert count == f"{acme}: 1 error in 1 file"


def test_a_real_run_on_a_broken_rule_base_exits_2_with_every_error_and_no_traceback(tmp_path):
    acme = overlay(tmp_path, {"department_model.yaml": f"rules:\n  - id: ACME.a\n    when: {{feild: leads_per_month, "
                                                       f"gte: 1}}\n    points: {{one_level: 1}}\n    source: {SOURCE}\n",
                              "extra.yaml": "rules: []\n"})
    result = run_advisor("score", str(PROFILES), "--rules", str(acme))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{acme / 'department_model.yaml'}:3:12: rules[0].when.feild: unknown key 'feild' (did you mean 'field'?) "
        "(rule ACME.a)",
        unknown_file(acme / "extra.yaml"),
        "2 errors in 2 files",
    ]
