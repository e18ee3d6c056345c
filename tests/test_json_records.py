"""Batch records: the fast encoder writes exactly the record `Recommendation.batch_dict` defines."""

from __future__ import annotations

import csv
import io
import json

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.engine import STATUSES
from advisor.json_records import JsonRecords, LeanRecords, lean_header, read_records
from advisor.profile import EVIDENCE_FIELDS, Profile
from advisor.readers import read_inputs
from advisor.writers import csv_row, json_record
from tests.conftest import PROFILES
from tests.test_properties import profiles

SETTINGS = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
# names and sources a JSON encoder can get wrong: quotes, backslashes, % (the templates are %-formatted), Cyrillic
awkward_text = st.text(st.sampled_from('ab "\\%%(s1)s{}\nЖё€'), min_size=1, max_size=12).filter(str.strip)


@SETTINGS
@given(profiles, st.sampled_from(["USD", "EUR", "RUB", "UAH"]), awkward_text, awkward_text, st.booleans())
def test_the_encoder_writes_byte_for_byte_the_readable_definition(engine, profile, currency, name, source, trace):
    profile = profile.model_copy(update={"currency": currency, "name": name})
    evaluation = engine.evaluate(profile)
    expected = orjson.dumps(json_record(source, engine.recommendation(evaluation), trace=trace))
    assert JsonRecords(engine).encode(source, evaluation, trace=trace) == expected


def _without_whys(full):
    """A full record as its lean one resolves: every reason and technology without its `why`."""
    def plain(items):
        return [{k: v for k, v in item.items() if k != "why"} for item in items]

    model, mix = dict(full["department_model"]), dict(full["sales_mix"])
    model.pop("starting_point")  # in the header: lean records say decided_by "starting_point"
    mix.pop("base_inside_share")  # in the header
    for key in ("reasons", "hybrid_reasons", "not_applicable_reasons"):
        mix[key] = plain(mix[key])
    model["reasons"] = plain(model["reasons"])
    if model["next"] is not None:  # the trigger is the header's, per model
        model["next"] = {"id": model["next"]["id"], "confidence": model["next"]["confidence"]}
    full = {**full, "department_model": model, "sales_mix": mix,
            "technologies": [{"id": t["id"], "group": t["group"]} for t in full["technologies"]]}
    full.pop("rule_base")
    return full


@SETTINGS
@given(profiles, st.sampled_from(["USD", "EUR", "RUB", "UAH"]), awkward_text, awkward_text, st.booleans())
def test_a_lean_record_with_its_header_says_what_the_full_record_says(engine, profile, currency, name, source, trace):
    """Every decision, reason, point, shift, checklist item, fact and rule outcome, once the header's
    names are put back (what a lean record leaves out is each reason's `why`, made from the facts)."""
    profile = profile.model_copy(update={"currency": currency, "name": name})
    evaluation = engine.evaluate(profile)
    full = json_record(source, engine.recommendation(evaluation), trace=trace)
    lean = LeanRecords(engine).encode(source, evaluation, trace=trace)
    header = lean_header(engine)
    assert header["header"]["rule_base"] == full["rule_base"]
    (resolved,) = read_records([orjson.dumps(header), lean])
    assert resolved == orjson.loads(orjson.dumps(_without_whys(full)))
    if trace:
        assert len(orjson.loads(lean)["trace"]) == len(engine.rules)


def test_lean_records_are_under_2_kb_with_the_full_trace_where_full_ones_are_several(engine):
    records = list(read_inputs([str(PROFILES)], warn=lambda m: None))
    for record in records:
        evaluation = engine.evaluate(record.profile)
        source = record.source.rsplit("/", 1)[-1]  # as given on a command line: the folder is the user's
        lean = LeanRecords(engine).encode(source, evaluation)
        assert len(lean) < 2048 < len(JsonRecords(engine).encode(source, evaluation)), source


def test_the_encoder_matches_on_every_example_profile_after_its_templates_are_warm(engine):
    encoder = JsonRecords(engine)
    records = [r for r in read_inputs([str(PROFILES)], warn=lambda m: None)]
    for _ in range(2):  # the second round reads templates made in the first
        for record in records:
            evaluation = engine.evaluate(record.profile)
            expected = orjson.dumps(json_record(record.source, engine.recommendation(evaluation)))
            assert encoder.encode(record.source, evaluation) == expected


def test_a_batch_record_traces_every_rule_once_with_the_facts_the_rules_compared(engine):
    profile = Profile(name="Shop", currency="RUB", average_deal_size=150_000, leads_per_month=900,
                      repeat_sales_share=0.4, market="b2c", sales_team_size=12)
    rec = engine.recommend(profile)
    record = json.loads(JsonRecords(engine).encode("shop.yaml", engine.evaluate(profile)))
    trace = record["trace"]
    listed = trace["fired"] + trace["partial"] + trace["not_fired"] + trace["unknown"]
    assert sorted(listed) == sorted(t.rule for t in rec.trace) and len(listed) == len(set(listed))
    assert "DM.account_manager.many_repeat" in trace["partial"]  # 40% repeat: part-way up its ramp
    for status in ("fired", "partial", "not_fired", "unknown"):
        assert trace[status] == [t.rule for t in rec.trace if t.status == status]
    assert set(STATUSES) == set(trace)
    # the deal size as the rules compared it: 150,000 RUB at the rule base's rate, in USD
    rate = engine.rule_base.meta.currency.usd_per_unit["RUB"]
    assert record["facts"]["average_deal_size"] == round(150_000 * rate, 2)
    assert list(record["facts"]) == list(EVIDENCE_FIELDS) and record["facts"]["sales_cycle_days"] is None
    documents = set(engine.rule_base.documents)
    reasons = record["department_model"]["reasons"] + record["sales_mix"]["reasons"] + record["technologies"]
    assert reasons and all(r["document"] in documents and "why" in r for r in reasons)
    reasons = record["department_model"]["reasons"]
    assert record["department_model"]["id"] == "two_level_account_manager"
    # 40% repeat sales is two thirds of the way up the 20%-50% ramp: 3 points x 2/3
    assert {"rule": "DM.account_manager.many_repeat", "points": 2.0, "why": "repeat_sales_share = 0.4 ≥ 0.2…0.5 (67%)",
            "document": "sales-department-models.uk.txt"} in reasons


def test_csv_rows_come_from_the_evaluation_and_agree_with_the_recommendation(engine):
    for record in read_inputs([str(PROFILES)], warn=lambda m: None):
        evaluation = engine.evaluate(record.profile)
        rec = engine.recommendation(evaluation)
        row = csv_row(engine, record.source, evaluation)
        assert row["department_model"] == rec.department_model.id
        assert row["technologies"].split() == [t.id for t in rec.applied_technologies]
        assert row["possible_technologies"].split() == [t.id for t in rec.possible_technologies]
        assert row["sales_kinds"].split() == rec.sales_kinds
        assert row["unknown_fields"].split() == rec.unknown_fields
        assert {m: row[f"score_{m}"] for m in rec.department_model.scores} == rec.department_model.scores
        assert (row["inside_share"], row["outside_share"]) == (rec.sales_mix.inside_share, rec.sales_mix.outside_share)


def test_output_past_the_write_block_arrives_whole_and_in_order(cli, tmp_path):
    rows = 1500  # about 3 MiB of JSON Lines: several 1 MiB blocks
    data = tmp_path / "many.csv"
    with data.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "leads_per_month", "repeat_sales_share", "currency", "average_deal_size"])
        for i in range(rows):
            writer.writerow([f"Client {i}", i, f"{i % 100}%", "EUR", 1000 + i])
    result = cli("score", str(data), "-f", "jsonl")
    records = read_records(result.stdout.splitlines())
    assert [r["source"] for r in records] == [f"{data}:{i + 2}" for i in range(rows)]
    assert len(result.stdout.encode()) > 2 * (1 << 20)


def test_fail_fast_on_standard_output_keeps_what_was_scored_before_the_bad_record(cli, tmp_path):
    data = tmp_path / "clients.csv"
    data.write_text("name,leads_per_month\nA,500\nB,lots\nC,10\n")
    result = cli("score", str(data), "-f", "jsonl", "--fail-fast")
    assert result.exit_code == 1
    assert [r["name"] for r in read_records(io.StringIO(result.stdout))] == ["A"]
    assert "stopped at the first bad record" in result.stderr


def test_zero_and_negative_zero_print_apart_though_they_are_one_cache_key(engine):
    encoder = JsonRecords(engine)
    for value in (0.0, -0.0, 0.0):  # a cache keyed by value alone would show the first one's text for both
        profile = Profile(name="Z", leads_per_month=value, repeat_sales_share=value)
        evaluation = engine.evaluate(profile)
        assert encoder.encode("z", evaluation) == orjson.dumps(json_record("z", engine.recommendation(evaluation)))
