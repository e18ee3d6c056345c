"""`advisor rules test`: rule tests as data, coverage, and the ways a run fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest



def test_builtin_rule_base_passes_its_own_tests_with_full_coverage(cli):
    result = cli("rules", "test", "--min-coverage", "100")
    assert result.exit_code == 0, result.stdout
    assert "0 failed" in result.stdout
    assert "56 of 56 rules fired by a test; 100% seen both firing and not" in result.stdout
    russian = cli("rules", "test", "--lang", "ru").stdout
    assert "в тестах срабатывают 56 из 56" in russian and "passed" not in russian


def test_a_failing_case_is_located_and_fails_the_run(cli, rules_copy):
    path = rules_copy / "tests" / "documents-examples.yaml"
    text = path.read_text()
    path.write_text(text.replace("expect: {department_model: one_level, inside_share: [0.1, 0.3], hybrid: false}",
                                 "expect: {department_model: three_level, inside_share: [0.1, 0.3], hybrid: false}"))
    result = cli("rules", "test", str(rules_copy))
    assert result.exit_code == 1
    (line,) = [l for l in result.stdout.splitlines() if l.startswith("FAIL")]
    assert line.startswith(f"FAIL {path}:")
    assert "super-expensive niche product" in line and "expected three_level, got one_level" in line


def test_a_rule_no_test_fires_fails_the_run(cli, rules_copy):
    for name in ("edge-cases.yaml", "graded-evidence.yaml", "document-sentences.yaml"):
        (rules_copy / "tests" / name).unlink()
    path = rules_copy / "tests" / "documents-examples.yaml"
    path.write_text(path.read_text().replace("DM.one_level.start_stage, ", ""))
    result = cli("rules", "test", str(rules_copy))
    assert result.exit_code == 1
    assert "rules no test sees not firing:" in result.stdout or "rules no test fires:" in result.stdout
    (rules_copy / "tests" / "documents-examples.yaml").write_text("- {name: blank, profile: {name: blank}}\n")
    result = cli("rules", "test", str(rules_copy))
    assert result.exit_code == 1 and "rules no test fires: DM.one_level.small_team" in result.stdout


def test_coverage_under_the_minimum_fails(cli, rules_copy):
    path = rules_copy / "tests" / "edge-cases.yaml"
    text = path.read_text()
    cut = text.index("- name: before the first sale")
    path.write_text(text[:cut])
    result = cli("rules", "test", str(rules_copy), "--min-coverage", "100")
    assert result.exit_code == 1 and "under --min-coverage 100%" in result.stdout


def test_no_tests_is_a_failure_not_a_pass(cli, rules_copy):
    shutil.rmtree(rules_copy / "tests")
    result = cli("rules", "test", str(rules_copy))
    assert result.exit_code == 1 and "no rule tests ran" in result.stderr


def test_misspelt_rule_or_key_in_a_case_is_a_located_error(cli, rules_copy):
    path = rules_copy / "tests" / "edge-cases.yaml"
    text = path.read_text()
    path.write_text(text.replace("fires: [DM.one_level.small_team,", "fires: [DM.one_level.smal_team,", 1))
    result = cli("rules", "test", str(rules_copy))
    assert result.exit_code == 2 and "did you mean 'DM.one_level.small_team'" in result.stderr
    path.write_text(text.replace("  expect: {department_model: two_level_account_manager}\n",
                                 "  expekt: {department_model: two_level_account_manager}\n", 1))
    result = cli("rules", "test", str(rules_copy))
    assert result.exit_code == 2 and f"{path}:" in result.stderr and "did you mean 'expect'" in result.stderr


def test_builtin_rule_base_passes_check_strict(cli):
    result = cli("rules", "check", "--strict")
    assert result.exit_code == 0 and "0 warnings" in result.stdout


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    "old, new, fragment",
    [
        ("when: {field: deals_per_month, at_most: [5, 15]}\n    points: {one_level: 2}",
         "when: {all: [{field: deals_per_month, at_most: [5, 15]}, {field: deals_per_month, gt: 15}]}\n"
         "    points: {one_level: 2}",
         "DM.one_level.few_deals: can never fire: the conditions on deals_per_month contradict each other"),
        ("when: {field: sales_team_size, at_most: [2, 5]}", "when: {field: sales_team_size, at_most: [-10, -5]}",
         "DM.one_level.small_team: can never fire: sales_team_size at_most [-10.0, -5.0] is outside"),
        ("when: {field: market, eq: b2c}", "when: {all: [{field: market, eq: b2c}, {field: market, in: [b2b, mixed]}]}",
         "DM.account_manager.b2c_same_treatment: can never fire: the conditions on market contradict"),
        ("when: {field: organization_stage, eq: 1}", "when: {field: market, eq: b2c}",
         "DM.account_manager.b2c_same_treatment: same condition as DM.one_level.start_stage"),
    ],
)
def test_check_warns_about_rules_that_cannot_fire_or_repeat(cli, rules_copy, old, new, fragment):
    path = rules_copy / "department_model.yaml"
    _edit(path, old, new)
    relaxed = cli("rules", "check", str(rules_copy))
    assert relaxed.exit_code == 0
    (warning,) = [l for l in relaxed.stdout.splitlines() if ": warning: " in l]
    assert warning.startswith(f"{path}:") and fragment in warning
    line, column = warning[len(str(path)) + 1:].split(":")[:2]
    assert int(line) > 0 and int(column) > 0
    assert cli("rules", "check", str(rules_copy), "--strict").exit_code == 1


def test_check_warns_about_models_no_rule_gives_and_fields_no_rule_reads(cli, rules_copy):
    path = rules_copy / "department_model.yaml"
    text = path.read_text()
    path.write_text(text.replace("three_level: 3}", "one_level: 3}").replace("three_level: 1}", "one_level: 1}")
                    .replace(", three_level: 1}", "}"))
    result = cli("rules", "check", str(rules_copy))
    assert "three_level: no rule that can fire gives this model points" in result.stdout
    mix = rules_copy / "sales_mix.yaml"
    _edit(mix, "when: {field: sale_location, eq: premises}", "when: {field: leads_per_month, gte: 401}")
    result = cli("rules", "check", str(rules_copy))
    assert "sale_location: no rule reads this profile field" in result.stdout
    # no rule reads the close rate (a consequence of the mix, not a cause), but the staffing plan does
    assert "close_rate: no rule reads" not in result.stdout


@pytest.mark.parametrize(
    "content, fragment",
    [("", "empty file"), ("rules: [\n", "YAML syntax error"), ("tie_break: [one_level]\nrules: []\n", "tie_break")],
)
def test_check_errors_exit_1_with_a_located_line(cli, rules_copy, content, fragment):
    (rules_copy / "department_model.yaml").write_text(content)
    result = cli("rules", "check", str(rules_copy))
    assert result.exit_code == 1
    assert result.stderr.startswith(str(rules_copy / "department_model.yaml")) and fragment in result.stderr
