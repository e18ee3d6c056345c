"""Golden cases: each example profile, the outcome the documents call for, and why.

A case is a data file in tests/golden/: the profile, the expected outcome (with how sure
the advice must be, and the model to grow into where the company starts from nothing),
and the statements (rule id, document, what it says) that justify it. Each cited rule
must have contributed (fired, or held partly on a ramp) and must cite that document, so
a case fails when the advice is right for the wrong reason too. `starting_point` cites
the rule base's starting point instead of a rule.
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

    model = rec.department_model
    assert model.id == expect["department_model"], model.scores
    if "confidence" in expect:
        assert model.confidence == expect["confidence"], (model.confidence, model.scores, model.score_low,
                                                          model.score_high)
    if "close_call" in expect:
        assert model.close_call is expect["close_call"], (model.margin, model.runner_up)
    if "runner_up" in expect:
        assert model.runner_up == expect["runner_up"]
    if "next" in expect:
        assert (model.next.id if model.next else None) == expect["next"]
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
        if reason["rule"] == "starting_point":
            assert model.started and model.start_source.document == reason["document"]
            continue
        trace = traces[reason["rule"]]
        assert trace.source.document == reason["document"]
        if (SOURCES / reason["document"]).parent.is_dir():
            assert (SOURCES / reason["document"]).is_file(), f"{reason['document']} is not a source document"
        excluded = reason["rule"].startswith("tech.") and reason["rule"][5:] in expect.get("technologies_exclude", [])
        contributed = trace.status in ("fired", "partial")
        assert contributed is not excluded, f"{reason['rule']} is {trace.status}: {trace.why()}"
