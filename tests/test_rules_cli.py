"""`advisor rules test`: rule tests as data, coverage, and the ways a run fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import RULES


def test_builtin_rule_base_passes_its_own_tests_with_full_coverage(cli):
    result = cli("rules", "test", "--min-coverage", "100")
    assert result.exit_code == 0, result.stdout
    assert "0 failed" in result.stdout
    assert "64 of 64 rules fired by a test; 100.0% seen both firing and not" in result.stdout


@pytest.fixture
def rules_copy(tmp_path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


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
    (rules_copy / "tests" / "edge-cases.yaml").unlink()
    result = cli("rules", "test", str(rules_copy))
    assert result.exit_code == 1
    assert "rules no test fires: DM.one_level.small_team" in result.stdout


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
    path.write_text(text.replace("does_not_fire: [DM.one_level.no_department]",
                                 "does_not_fire: [DM.one_level.no_departmnt]"))
    result = cli("rules", "test", str(rules_copy))
    assert result.exit_code == 2 and "did you mean 'DM.one_level.no_department'" in result.stderr
    path.write_text(text.replace("  expect: {department_model: two_level_account_manager}\n",
                                 "  expekt: {department_model: two_level_account_manager}\n", 1))
    result = cli("rules", "test", str(rules_copy))
    assert result.exit_code == 2 and f"{path}:" in result.stderr and "did you mean 'expect'" in result.stderr
