"""Consultants' rule bases: extends builtin, override/disable/add by id, init, diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.engine import Engine
from advisor.errors import RuleBaseError
from advisor.profile import Profile
from advisor.rulebase.loader import load_rule_base
from conftest import PROFILES

HIGH_PRICE_AT_50K = """\
rules:
  - id: MIX.high_price
    when: {field: average_deal_size, gte: 50000}
    inside_shift: -0.1
    source:
      document: inside-vs-outside-sales.lv.txt
      says: In our market field visits pay from $50k.
"""


def overlay(tmp_path: Path, files: dict[str, str], name: str = "acme") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "rulebase.yaml").write_text(files.pop("rulebase.yaml", f"extends: builtin\nname: {name}\nversion: 0.1.0\n"))
    for file, text in files.items():
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        (folder / file).write_text(text)
    return folder


def test_one_changed_threshold_changes_exactly_the_expected_recommendations(cli, tmp_path):
    folder = overlay(tmp_path, {"sales_mix.yaml": HIGH_PRICE_AT_50K})
    result = cli("rules", "diff", str(Path("rules").resolve()), str(folder), "--profiles", str(PROFILES))
    assert result.exit_code == 0
    changed = [line.split(":")[0] for line in result.stdout.splitlines() if line.startswith(str(PROFILES))]
    # deals between $10k and $50k: LedgerFlow (36,000 EUR) and AgroParts (650,000 UAH); the rest are unchanged
    assert changed == [str(PROFILES / "b2b-saas-long-sale.yaml"), str(PROFILES / "regional-distributor.yaml")]
    assert "inside_share: 0.53 -> 0.63" in result.stdout and "inside_share: 0.4 -> 0.5" in result.stdout
    assert result.stdout.count("because MIX.high_price: fired -> not_fired") == 2
    assert "12 profiles compared, 2 changed (0 change department model, 0 change confidence)" in result.stdout
    assert cli("rules", "diff", str(Path("rules").resolve()), str(folder), "--profiles", str(PROFILES),
               "--exit-code").exit_code == 1


def test_diff_reports_changed_scores_margins_and_confidence(cli, tmp_path):
    # the account manager's main rule worth 4 points instead of 3: ShiftPlanner's close call becomes firm
    text = (Path("rules") / "department_model.yaml").read_text()
    rule = text[text.index("  - id: DM.account_manager.many_repeat"):text.index("  - id: DM.account_manager.mostly_repeat")]
    folder = overlay(tmp_path, {"department_model.yaml": "rules:\n" + rule.replace(
        "points: {two_level_account_manager: 3, three_level: 1}", "points: {two_level_account_manager: 4, three_level: 1}")})
    result = cli("rules", "diff", str(Path("rules").resolve()), str(folder), "--profiles", str(PROFILES))
    assert result.exit_code == 0
    block = result.stdout.split(str(PROFILES / "smb-saas.yaml"))[1].split("\n" + str(PROFILES))[0]
    assert "confidence: open, close call -> firm" in block
    assert "scores: two_level_account_manager 4.75 -> 5.75" in block
    assert "margin: 0.5556 over three_level -> 1.5556 over three_level" in block
    assert "0 change department model, 1 change confidence" in result.stdout


def test_overlay_replaces_disables_and_adds_and_names_itself(tmp_path):
    folder = overlay(tmp_path, {
        "rulebase.yaml": "extends: builtin\nname: acme\nversion: 2.0.0\ndocuments: [acme-playbook.md]\n"
                         "currency: {as_of: 2026-11-01, usd_per_unit: {RUB: 0.01}}\n",
        "department_model.yaml": """\
disable: [DM.one_level.small_team, starting_point]
rules:
  - id: ACME.founders_hire_farmers
    when: {field: sales_team_size, eq: 0}
    points: {two_level_account_manager: 1}
    source: {document: acme-playbook.md, says: Our founders hire a farmer first.}
""",
        "sales_mix.yaml": HIGH_PRICE_AT_50K,
    })
    rule_base = load_rule_base(folder)
    ids = [r.id for r in rule_base.department_model.rules]
    assert "DM.one_level.small_team" not in ids and ids[-1] == "ACME.founders_hire_farmers"
    assert rule_base.department_model.starting_point is None
    assert rule_base.meta.currency.usd_per_unit["RUB"] == 0.01 and rule_base.meta.currency.usd_per_unit["EUR"] == 1.16
    assert rule_base.own_rules == {"ACME.founders_hire_farmers", "MIX.high_price"}
    assert rule_base.sha256 != load_rule_base().sha256
    rec = Engine(rule_base).recommend(Profile(name="Solo", sales_team_size=0))
    assert rec.department_model.id == "two_level_account_manager"
    assert (rec.rule_base_name, rec.rule_base_version) == ("acme", "2.0.0")


@pytest.mark.parametrize(
    "files, file, fragment",
    [
        ({"department_model.yaml": "disable: [DM.one_level.smal_team]\n"}, "department_model.yaml",
         "no rule 'DM.one_level.smal_team' to disable (did you mean 'DM.one_level.small_team'?)"),
        ({"sales_mix.yaml": HIGH_PRICE_AT_50K.replace("inside-vs-outside-sales.lv.txt", "playbook.md")},
         "sales_mix.yaml", "'playbook.md' is not one of the rule base's documents"),
        ({"rulebase.yaml": "extends: ../nowhere\nname: x\nversion: 1\n"}, "rulebase.yaml", "no rule base folder"),
        ({"rulebase.yaml": "extends: .\nname: x\nversion: 1\n"}, "rulebase.yaml", "cannot extend itself"),
        ({"rulebase.yaml": "extends: builtin\nname: x\n"}, "rulebase.yaml", "version"),
        ({"department_model.yaml": "rules:\n  - id: X\n    when: {field: leads, gte: 1}\n"}, "department_model.yaml",
         "did you mean 'leads_per_month'"),
        ({"sales_mix.yaml": "inside_share_range: [0.6, 1.0]\n"}, "sales_mix.yaml", "hold base_inside_share"),
        ({"department_model.yaml": "tie_break: [one_level]\n"}, "department_model.yaml",
         "department_model.yaml:1:1: tie_break: tie_break must list each"),
    ],
)
def test_overlay_errors_are_located_in_the_overlay(tmp_path, files, file, fragment):
    folder = overlay(tmp_path, dict(files))
    with pytest.raises(RuleBaseError) as caught:
        load_rule_base(folder)
    assert caught.value.file == str(folder / file) and fragment in caught.value.located()


def test_an_overlay_answers_for_the_rules_it_adds(cli, tmp_path):
    folder = overlay(tmp_path, {"sales_mix.yaml": HIGH_PRICE_AT_50K, "tests/t.yaml": """\
- name: a $60k deal is sold in the field
  profile: {name: Big, average_deal_size: 60000}
  fires: [MIX.high_price]
"""})
    result = cli("rules", "test", str(folder))
    assert result.exit_code == 0  # fired by a test; the other half of coverage is reported
    assert "1 of 1 rules fired by a test; 0% seen both firing and not" in result.stdout
    assert "rules no test sees not firing: MIX.high_price" in result.stdout
    assert cli("rules", "test", str(folder), "--min-coverage", "100").exit_code == 1


def test_init_writes_a_rule_base_that_checks_and_tests_clean(cli, tmp_path):
    folder = tmp_path / "mine"
    assert cli("rules", "init", str(folder)).exit_code == 0
    checked = cli("rules", "check", str(folder), "--strict")
    assert checked.exit_code == 0 and "(extends advisor-builtin 1.1.0" in checked.stdout
    assert cli("rules", "test", str(folder)).exit_code == 0
    assert cli("recommend", str(PROFILES / "online-store.yaml"), "--rules", str(folder)).exit_code == 0
    again = cli("rules", "init", str(folder))
    assert again.exit_code == 2 and "never overwrites" in again.stderr


def test_every_output_names_the_rule_base_version_and_hash(cli, tmp_path):
    folder = overlay(tmp_path, {"sales_mix.yaml": HIGH_PRICE_AT_50K})
    digest = load_rule_base(folder).sha256
    profile = str(PROFILES / "online-store.yaml")
    outputs = {
        "recommend text": cli("recommend", profile, "--rules", str(folder)).stdout,
        "recommend md": cli("recommend", profile, "-f", "markdown", "--rules", str(folder)).stdout,
        "recommend json": cli("recommend", profile, "-f", "json", "--rules", str(folder)).stdout,
        "score table": cli("score", profile, "--rules", str(folder)).stdout,
        "score csv": cli("score", profile, "-f", "csv", "--rules", str(folder)).stdout,
        "score jsonl": cli("score", profile, "-f", "jsonl", "--rules", str(folder)).stdout,
        "explain text": cli("explain", profile, "--rules", str(folder)).stdout,
        "explain json": cli("explain", profile, "-f", "json", "--rules", str(folder)).stdout,
        "compare text": cli("compare", profile, "--rules", str(folder)).stdout,
        "compare json": cli("compare", profile, "-f", "json", "--rules", str(folder)).stdout,
    }
    for what, text in outputs.items():
        assert "acme" in text and "0.1.0" in text and digest[:12] in text, what


def test_an_overlays_models_file_replaces_the_pros_cons_and_risks_whole(tmp_path):
    builtin = (Path("rules") / "models.yaml").resolve().read_text(encoding="utf-8")
    mine = builtin.replace("The simplest and most widespread model;", "Our consultants' favourite;", 1)
    folder = overlay(tmp_path, {"models.yaml": mine})
    rule_base = load_rule_base(folder)
    assert rule_base.models.models["one_level"].pros[0].text.en.startswith("Our consultants' favourite;")
    assert rule_base.sha256 != load_rule_base().sha256  # the advice names the rule base it came from
    # without its own file an overlay keeps the base's
    plain = load_rule_base(overlay(tmp_path, {}, name="plain"))
    assert plain.models == load_rule_base().models
