"""Batch scoring at scale: nothing lost, bad rows located, progress only for people."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import sys

import pexpect
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.batch import score_batch
from advisor.json_records import read_records
from conftest import ROOT

GOOD = ["A{i},500,0.5,b2b", "B{i},10,35%,b2c", "C{i},,,mixed", "D{i},1200,0.1,"]
BAD = ["E{i},lots,0.5,b2b", "F{i},5,300,b2b", "G{i},5,0.1,b2z", "H{i},1,2", ",5,0.1,b2b"]
HEADER = "name,leads_per_month,repeat_sales_share,market\n"


def _score(engine, path, fmt="jsonl", **options):
    out, errors = io.StringIO(), []
    summary = score_batch(engine, [str(path)], fmt=fmt, output=options.pop("output", None), trace=False,
                          report=errors.append, stdout=out, **options)
    return summary, out.getvalue(), errors


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 4)), min_size=0, max_size=40))
def test_records_read_equal_scored_plus_rejected_and_outputs_trace_to_inputs(engine, tmp_path_factory, rows):
    lines = [(GOOD if good else BAD)[k % (4 if good else 5)].format(i=i) for i, (good, k) in enumerate(rows)]
    path = tmp_path_factory.mktemp("b") / "rows.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n")
    summary, out, errors = _score(engine, path)
    records = read_records(out.splitlines())
    assert summary.read == len(rows) == summary.scored + summary.rejected
    assert summary.scored == sum(good for good, _ in rows) == len(records)
    sources = [r["source"] for r in records]
    assert len(set(sources)) == len(sources)
    for record in records:  # each output names the input line its profile came from
        line = int(record["source"].rsplit(":", 1)[1])
        assert lines[line - 2].split(",")[0] == record["name"]
    assert len([e for e in errors if "also names" not in e]) >= summary.rejected


def test_result_does_not_depend_on_row_order(engine, tmp_path):
    lines = [g.format(i=i) for i in range(10) for g in GOOD]
    shuffled = lines[:]
    random.Random(3).shuffle(shuffled)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(HEADER + "\n".join(lines) + "\n")
    second.write_text(HEADER + "\n".join(shuffled) + "\n")

    def by_name(path):
        _, out, _ = _score(engine, path)
        return {r["name"]: {k: r[k] for k in ("department_model", "sales_mix", "technologies")}
                for r in read_records(out.splitlines())}

    assert by_name(first) == by_name(second)


def test_fail_fast_stops_at_the_first_bad_record_and_writes_no_file(engine, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "A,1,0.1,b2b\nB,x,0.1,b2b\nC,1,0.1,b2b\n")
    output = tmp_path / "out.jsonl"
    summary, _, errors = _score(engine, path, output=output, fail_fast=True)
    assert (summary.read, summary.scored, summary.rejected, summary.stopped_early) == (2, 1, 1, True)
    assert errors == [f"{path}:3: leads_per_month: expected a number, got 'x'"]
    assert not output.exists() and list(tmp_path.iterdir()) == [path]
    assert "stopped at the first bad record" in summary.describe()


def test_duplicate_names_are_reported_and_both_scored(engine, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "Acme,1,0.1,b2b\nOther,1,0.1,b2b\nAcme,900,0.6,b2b\n")
    summary, out, errors = _score(engine, path)
    assert summary.scored == 3 and len(read_records(out.splitlines())) == 3
    assert errors == [f"{path}:4: name: 'Acme' also names the record at {path}:2 (both are scored)"]


def test_duplicate_names_across_files_and_past_the_limit(engine, tmp_path, monkeypatch):
    monkeypatch.setattr("advisor.batch.DUPLICATE_CHECK_LIMIT", 3)
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("name: Acme\n")
    second.write_text("name: Acme\n")
    rows = tmp_path / "rows.csv"
    rows.write_text(HEADER + "One,1,0.1,b2b\nTwo,1,0.1,b2b\nTwo,1,0.1,b2b\nAcme,1,0.1,b2b\nNew,1,0.1,b2b\n"
                    "Two,1,0.1,b2b\nNew,1,0.1,b2b\n")
    errors = []
    summary = score_batch(engine, [str(first), str(second), str(rows)], fmt="jsonl", output=None, trace=False,
                          report=errors.append, stdout=io.StringIO())
    assert summary.scored == 9
    assert errors == [
        f"{second}: name: 'Acme' also names the record at {first} (both are scored)",  # whole files: no line
        f"{rows}:4: name: 'Two' also names the record at {rows}:3 (both are scored)",  # Acme, One, Two: full
        f"{rows}:5: name: 'Acme' also names the record at {first} (both are scored)",
        f"{rows}:6: duplicate-name check stops at this record: it remembers 3 names, to keep memory flat",
        f"{rows}:7: name: 'Two' also names the record at {rows}:3 (both are scored)",
    ]


def test_very_long_line_is_a_located_bad_record(engine, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(HEADER + "A,1,0.1,b2b\n" + "B," + "9" * (11 * 1024 * 1024) + ",0.1,b2b\nC,1,0.1,b2b\n")
    summary, out, errors = _score(engine, path)
    assert (summary.scored, summary.rejected) == (2, 1)
    assert errors[0] == f"{path}:3: line longer than 1 MB (the limit for one line); left out"


def test_exit_code_is_the_same_whatever_the_format(cli, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "A,1,0.1,b2b\nB,x,0.1,b2b\n")
    codes = {fmt: cli("score", str(path), "-f", fmt).exit_code for fmt in ("table", "csv", "json", "jsonl")}
    assert set(codes.values()) == {1}


@pytest.mark.parametrize(("name", "given", "first"), [
    ("scores.jsonl", None, '{"header":{"format":"advisor-batch/lean-1"'),  # the lean header line
    ("scores.NDJSON", None, '{"header":'),
    ("scores.json", None, '[\n{"header":'),
    ("scores.csv", None, "source,name,department_model,"),
    ("scores.txt", None, "Scores"),  # no format of its own: the table
    ("scores.csv", "table", "Scores"),  # --format wins over the suffix
    ("scores.jsonl", "csv", "source,name,department_model,"),
])
def test_output_suffix_names_the_format_when_none_is_given(cli, tmp_path, name, given, first):
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "A,1,0.1,b2b\n")
    target = tmp_path / name
    result = cli("score", str(path), "-o", str(target), *(["-f", given] if given else []))
    assert result.exit_code == 0, result.stderr
    assert target.read_text(encoding="utf-8").lstrip().startswith(first)
    assert result.stdout == ""


def _spawn(args: list[str], cwd):
    return pexpect.spawn(sys.executable, ["-m", "advisor", *args], cwd=str(cwd), encoding="utf-8", timeout=60,
                         env={"PATH": "/usr/bin:/bin", "TERM": "xterm", "COLUMNS": "100", "PYTHONPATH": str(ROOT),
                              "ADVISOR_CACHE_DIR": os.environ["ADVISOR_CACHE_DIR"]},
                         dimensions=(40, 100))


def test_progress_bar_on_a_terminal_only(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(f"N{i},{i},0.3,b2b\n" for i in range(6000)))
    child = _spawn(["score", str(path), "-f", "jsonl", "-o", str(tmp_path / "out.jsonl")], tmp_path)
    child.expect("scoring: [0-9,]+ records read")  # the bar, drawn while scoring
    child.expect(pexpect.EOF)
    text = child.before or ""
    child.close()
    assert child.exitstatus == 0
    assert "records read 6,000, scored 6,000, rejected 0" in text

    import subprocess

    piped = subprocess.run([sys.executable, "-m", "advisor", "score", str(path), "-f", "jsonl"],
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "scoring:" not in piped.stderr and "\x1b[" not in piped.stderr
    (summary,) = piped.stderr.splitlines()  # the summary alone: no bar, no colour codes
    assert summary.startswith("records read 6,000, scored 6,000, rejected 0")


def test_a_reader_that_stops_early_ends_the_run_quietly_with_0(tmp_path):
    """`advisor score big.csv | head -1`: no traceback, and not exit 1 (which means rejected records)."""
    import subprocess

    path = tmp_path / "many.csv"
    path.write_text(HEADER + "".join(f"N{i},{i},0.3,b2b\n" for i in range(20_000)))  # workers, megabytes out
    child = subprocess.Popen([sys.executable, "-m", "advisor", "score", str(path), "-f", "jsonl"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    header, first = child.stdout.readline(), child.stdout.readline()
    child.stdout.close()
    _, errors = child.communicate(timeout=60)
    assert "header" in json.loads(header) and json.loads(first)["name"] == "N0"
    assert child.returncode == 0 and errors == b""


def test_score_says_where_the_inside_outside_split_does_not_apply(cli, tmp_path):
    """sale_location is read from CSV like any field; a sale at the premises gets no split, in every format."""
    source = tmp_path / "walk-in.csv"
    source.write_text("name,sale_location,market,average_deal_size\n"
                      "Gym,premises,b2c,60\nCourses,remote_or_field,b2c,60\n", encoding="utf-8")
    lines = cli("score", str(source), "--format", "jsonl").stdout.splitlines()
    gym, courses = (r["sales_mix"] for r in read_records(lines))
    assert gym["applies"] is False and [r["rule"] for r in gym["not_applicable_reasons"]] == ["MIX.sold_at_premises"]
    assert courses["applies"] is True and courses["not_applicable_reasons"] == []
    rows = list(csv.DictReader(io.StringIO(cli("score", str(source), "--format", "csv").stdout)))
    assert [row["mix_applies"] for row in rows] == ["false", "true"]


@pytest.mark.parametrize("lang", ["en", "ru", "uk"])
def test_the_score_table_fits_80_columns_with_every_column_and_the_whole_caption(lang):
    """In a pipe the table is 80 wide: no line may be cut, and the last column (unknowns) is there."""
    import subprocess
    import sys

    from advisor.wording import wording

    w = wording(lang)
    done = subprocess.run([sys.executable, "-m", "advisor", "score", str(ROOT / "profiles"), "--lang", lang],
                          capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"}, check=False)
    lines = done.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert w("table.unknown") in lines[2]
    assert " ".join(done.stdout.split()).count(" ".join(w("table.caption").split())) == 1
