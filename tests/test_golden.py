"""Golden cases: each example profile, the outcome the documents call for, and why.

A case is a data file in tests/golden/: the profile, the expected outcome, and the
statements (rule id, document, what it says) that justify it. Each cited rule must
have fired and must cite that document, so a case fails when the advice is right
for the wrong reason too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from advisor.readers import read_one_profile
from conftest import PROFILES, ROOT, SOURCES

CASES = sorted((Path(__file__).parent / "golden").glob("*.yaml"))


def test_every_example_profile_has_a_golden_case():
    covered = {yaml.safe_load(case.read_text())["profile"] for case in CASES}
    examples = {f"profiles/{p.name}" for p in PROFILES.glob("*.yaml")}
    assert examples <= covered, f"example profiles without a golden case: {sorted(examples - covered)}"
    assert len(examples) >= 10


def test_golden_cases_cover_all_four_models():
    models = {yaml.safe_load(case.read_text())["expect"]["department_model"] for case in CASES}
    assert models == {"one_level", "two_level_contact_center", "two_level_account_manager", "three_level"}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden(case: Path, engine):
    spec = yaml.safe_load(case.read_text())
    record = read_one_profile(str(ROOT / spec["profile"]))
    assert record.error is None, record.error.located()
    rec = engine.recommend(record.profile)
    expect = spec["expect"]

    assert rec.department_model.id == expect["department_model"], rec.department_model.scores
    if "inside_share" in expect:
        low, high = expect["inside_share"]
        assert low <= rec.sales_mix.inside_share <= high
        assert rec.sales_mix.outside_share == pytest.approx(1 - rec.sales_mix.inside_share)
    if "hybrid" in expect:
        assert rec.sales_mix.hybrid is expect["hybrid"]
    if "sales_kinds" in expect:
        assert rec.sales_kinds == expect["sales_kinds"]
    applied = {t.id for t in rec.applied_technologies}
    possible = {t.id for t in rec.possible_technologies}
    assert set(expect.get("technologies_include", [])) <= applied
    assert not set(expect.get("technologies_exclude", [])) & applied
    assert set(expect.get("technologies_possible", [])) <= possible
    assert set(expect.get("unknown_fields_include", [])) <= set(rec.unknown_fields)

    traces = {t.rule: t for t in rec.trace}
    for reason in spec["because"]:
        trace = traces[reason["rule"]]
        assert trace.source.document == reason["document"]
        if (SOURCES / reason["document"]).parent.is_dir():
            assert (SOURCES / reason["document"]).is_file(), f"{reason['document']} is not a source document"
        excluded = reason["rule"].startswith("tech.") and reason["rule"][5:] in expect.get("technologies_exclude", [])
        assert trace.fired is not excluded, f"{reason['rule']} is {trace.status}: {trace.why()}"
