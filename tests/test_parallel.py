"""Scoring on several processes gives the same output, messages and counts as one process."""

from __future__ import annotations

import io
import json

import pytest

from advisor import parallel
from advisor.batch import score_batch
from advisor.json_records import read_records
from conftest import PROFILES

HEADER = "name,leads_per_month,repeat_sales_share,market,average_deal_size,currency\n"
ROWS = [
    "A{i},500,0.5,b2b,2000,EUR",
    "B{i},10,35%,b2c,,",
    "C{i},lots,0.5,b2b,,",  # not a number
    "D{i},1200,0.1,,90000,RUB",
    "E{i},5,0.1,b2b,100,XYZ",  # a currency without a rate: rejected only when evaluated
    "F{i},1,2",  # too few cells
    "A{i},40,NaN,b2c,,",  # NaN, and a name seen before
]


@pytest.fixture
def inputs(tmp_path, monkeypatch) -> list[str]:
    """A CSV with good and bad rows, a YAML profile between files, and JSON Lines; small chunks."""
    monkeypatch.setattr(parallel, "CHUNK", 7)  # many chunks, and more than the in-flight window
    csv_path = tmp_path / "clients.csv"
    csv_path.write_text(HEADER + "".join(ROWS[i % len(ROWS)].format(i=i // 3) + "\n" for i in range(120)))
    jsonl = tmp_path / "more.jsonl"
    jsonl.write_text("".join(json.dumps({"name": f"J{i}", "leads_per_month": i * 10, "market": "b2b"}) + "\n"
                             for i in range(30)) + "{broken\n" + '{"name": "K", "close_rate": 700}\n{"name": "A0"}\n')
    return [str(csv_path), str(PROFILES / "online-store.yaml"), str(jsonl), str(PROFILES / "smb-saas.yaml")]


def _run(engine, inputs, fmt, jobs, **options):
    out, messages = io.StringIO(), []
    summary = score_batch(engine, inputs, fmt=fmt, output=options.pop("output", None), trace=True,
                          report=messages.append, stdout=out, jobs=jobs, **options)
    return summary, out.getvalue(), messages


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_two_processes_write_what_one_writes(engine, inputs, fmt):
    one = _run(engine, inputs, fmt, jobs=1)
    two = _run(engine, inputs, fmt, jobs=2)
    assert two[1] == one[1]  # the same bytes, in input order
    assert two[2] == one[2]  # the same messages, in the same order
    assert (two[0].read, two[0].scored, two[0].rejected, two[0].per_model) == (
        one[0].read, one[0].scored, one[0].rejected, one[0].per_model)
    summary, out, messages = two
    assert summary.read == 120 + 1 + 33 + 1 == summary.scored + summary.rejected
    assert summary.rejected == 4 * 17 + 2  # C, E, F and NaN rows of 17 cycles; the broken line and K
    assert any(m.endswith("clients.csv:4: leads_per_month: expected a number, got 'lots'") for m in messages)
    assert any("more.jsonl:33: name: 'A0' also names the record at " in m and m.endswith("clients.csv:2 (both are scored)")
               for m in messages)
    if fmt == "jsonl":
        sources = [r["source"] for r in read_records(out.splitlines())]
        assert sources[0].endswith("clients.csv:2") and sources[-1].endswith("smb-saas.yaml")
        assert any(s.endswith("online-store.yaml") for s in sources)


def test_spawned_workers_as_on_windows_and_macos_write_the_same(engine, inputs, monkeypatch):
    monkeypatch.setattr(parallel, "START_METHOD", "spawn")  # workers import advisor and get the rule base pickled
    assert _run(engine, inputs, "jsonl", jobs=2)[1:] == _run(engine, inputs, "jsonl", jobs=1)[1:]


def test_fail_fast_stops_at_the_first_bad_record_with_workers(engine, inputs, tmp_path):
    summary, out, messages = _run(engine, inputs, "jsonl", jobs=2, fail_fast=True)
    assert summary.stopped_early and summary.read == 3 and summary.rejected == 1
    assert [r["name"] for r in read_records(out.splitlines())] == ["A0", "B0"]  # what came before stays
    assert len(messages) == 1 and "clients.csv:4" in messages[0]
    target = tmp_path / "out.jsonl"
    summary, _, _ = _run(engine, inputs, "jsonl", jobs=2, fail_fast=True, output=target)
    assert summary.stopped_early and not target.exists()


def test_small_inputs_stay_in_one_process(engine, inputs, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for a few kilobytes")

    monkeypatch.setattr("advisor.batch.score_in_pool", no_pool)
    summary, _, _ = _run(engine, inputs, "jsonl", jobs=None)
    assert summary.read == 155
    assert not parallel.worth_parallel(inputs)


def test_jobs_option_is_checked(cli):
    result = cli("score", str(PROFILES), "-f", "jsonl", "-j", "0")
    assert result.exit_code == 2 and "--jobs" in result.output


def test_reading_runs_at_most_a_few_chunks_ahead_of_writing(engine, monkeypatch):
    """Memory stays flat: rows are read only as fast as results are taken."""
    from advisor.readers import RawRecord
    from advisor.writers import record_encoder

    monkeypatch.setattr(parallel, "CHUNK", 7)
    pulled = 0

    def rows():
        nonlocal pulled
        for i in range(1000):
            pulled += 1
            yield RawRecord("big.csv", i + 2, {"name": f"N{i}", "leads_per_month": str(i)})

    outcomes = parallel.score_in_pool(rows(), engine, record_encoder(engine, "jsonl"), fmt="jsonl", trace=True,
                                      jobs=2)
    first = next(outcomes)
    assert first[:3] == ("big.csv", 2, "N0")
    assert pulled <= (2 + 1 + 2) * 7  # the window of jobs + 1 chunks, the one being filled, one more read
    assert sum(1 for _ in outcomes) == 999 and pulled == 1000


def test_workers_start_for_long_csv_or_jsonl_input_only(tmp_path):
    folder = tmp_path / "clients"
    folder.mkdir()
    big = folder / "big.csv"
    big.write_text(HEADER + "A,500,0.5,b2b,2000,EUR\n" * 12_000)  # about 290 KB
    (folder / "notes.txt").write_text("x" * 400_000)  # not a profile file: not counted
    assert parallel.worth_parallel([str(folder)]) and parallel.worth_parallel([str(big)])
    big.rename(folder / ".big.csv")  # hidden files are not read, so not counted either
    assert not parallel.worth_parallel([str(folder), str(tmp_path / "missing.csv"), "-"])
