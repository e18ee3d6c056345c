"""`advisor score` on CSV rows as columns says exactly what the row path says: records, messages, counts."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import orjson
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import columns_reference
from advisor.batch import score_batch
from advisor.columns import pipeline
from advisor.columns.records import ColumnRecords
from advisor.profile import FIELDS, Profile
from advisor.writers import record_encoder
from conftest import ROOT
from test_properties import profiles

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
FORMATS = [("jsonl", True), ("jsonl", False), ("json", True), ("json", False), ("csv", False)]
# names and sources JSON must escape or CSV quote: quotes, backslashes, commas, line breaks, control and
# non-BMP characters, a leading formula sign
awkward = st.text(st.sampled_from('ab "\\%,=+-@\n\r\t\x01\x1f\x7fЖё€\u2028😀'), min_size=1, max_size=10).filter(str.strip)


@SETTINGS
@given(st.lists(st.tuples(profiles, st.sampled_from(["USD", "EUR", "RUB", "UAH"]), awkward, awkward),
                min_size=1, max_size=12))
def test_the_column_encoders_write_the_row_encoders_bytes(engine, items):
    chosen = [p.model_copy(update={"currency": currency, "name": name}) for p, currency, name, _ in items]
    _same_bytes(engine, chosen, [source for *_, source in items])


def _same_bytes(engine, chosen, sources) -> None:
    frame = pl.DataFrame([dict(p.__dict__) for p in chosen], schema=columns_reference.profile_schema(), orient="row")
    result = columns_reference.ReferenceColumnEngine(engine).evaluate(frame)
    evaluations = [engine.evaluate(p) for p in chosen]
    for fmt, trace in FORMATS:
        encode = record_encoder(engine, fmt, trace=trace, records="lean")
        expected = [encode(source, ev) for source, ev in zip(sources, evaluations)]
        assert ColumnRecords(engine, fmt, trace=trace).encode(frame, result, sources) == expected, (fmt, trace)


def test_the_column_encoders_write_floats_and_texts_at_their_edges_as_the_row_encoders(engine):
    # floats whose text is printed in exponent form, the smallest subnormal, -0.0, the largest values
    # a profile takes, and names each needing another escape or quote
    edges = [
        Profile(name='say "hi"', leads_per_month=1e12, deals_per_month=5e-324, close_rate=-0.0,
                average_deal_size=1e-7, active_clients=10**12, sales_team_size=10**12 - 1),
        Profile(name="a\\b", leads_per_month=1e-5, deals_per_month=0.0001, repeat_sales_share=-0.0,
                average_deal_size=999999999999.9999, seasonality_peak_ratio=1.0000000000000002, sales_team_size=0),
        Profile(name="=SUM(A1),😀\u2028", leads_per_month=123456789.123, deals_per_month=2.2250738585072014e-308,
                average_deal_size=0.01, sales_team_size=3, close_rate=1 / 3),
        Profile(name="-1", sales_team_size=7, leads_per_month=1e11 + 0.5, deals_per_month=1e-300),
    ]
    # a source names the input file: control characters and line breaks can be in it
    _same_bytes(engine, edges, ["+1:2", 'a"b\x00\x1f:3', "x\\y,z\r\n:4", "ф\t😀\u2028:5"])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=50))
def test_polars_writes_a_float_as_orjson_does(values):
    # the column encoders let polars write a float as it is (its facts, shares, margin): only right while
    # polars' text is orjson's, shortest digits and exponent form alike
    texts = pl.Series(values, dtype=pl.Float64).cast(pl.Utf8).to_list()
    assert texts == [orjson.dumps(value).decode() for value in values]


# values a rounding to 4 or 2 places may get wrong: exact ties and near ties (n + 0.5 places), zeros, tiny and
# huge values, and any float
tied = st.integers(-10**10, 10**10).flatmap(lambda n: st.sampled_from([(n + 0.5) / 10**4, (n + 0.5) / 100, n / 10**4]))
shown_values = st.one_of(st.floats(), tied, st.sampled_from([0.0, -0.0, -0.00001, 1e-4, 99999.99995, 1e5, 1e15]), st.none())


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(shown_values, min_size=1, max_size=50))
def test_the_column_encoders_show_a_float_as_the_row_encoders_round_and_print_it(values):
    # scores, shares, margins and reason points: polars' round and text where they are Python's, Python's elsewhere
    from advisor.columns import records

    def json(value):
        return orjson.dumps(value).decode()

    ways = [(None, False, str), (None, False, json), (4, False, str), (4, False, json), (4, True, str),
            (4, True, json), (2, False, str), (2, False, json)]
    for digits, plus_zero, shown in ways:
        def make(value, digits=digits, plus_zero=plus_zero, shown=shown):
            if digits is None:
                return shown(value)
            return shown(round(value, digits) + 0.0) if plus_zero else shown(round(value, digits))

        texts = records._Texts(make)
        found = records._shown_floats(pl.Series(values, dtype=pl.Float64), texts, digits, plus_zero).to_list()
        assert found == [None if value is None else make(value) for value in values], (digits, plus_zero, shown)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(FIELDS))
    for cells in rows:
        if cells == ["<blank>"]:
            out.write("\n")
        elif cells == ["<malformed>"]:
            out.write('x,"unclosed\n')
        else:
            writer.writerow(cells)
    return out.getvalue()


# what a row of a real file may be: a generated profile (maybe a duplicate name, an unknown currency,
# contradictory answers), a rejected one, a blank line, a row of the wrong width
bad_cells = st.sampled_from([("leads_per_month", "lots"), ("close_rate", "300"), ("market", "b2z"),
                             ("sales_team_size", "-3"), ("name", ""), ("currency", "XYZ"),
                             ("average_deal_size", "1 200,50"), ("regional", "perhaps")])
rows = st.one_of(
    st.tuples(st.just("good"), profiles, st.sampled_from(["USD", "EUR", "RUB", "UAH"]), st.integers(0, 3)),
    st.tuples(st.just("bad"), profiles, bad_cells, st.integers(0, 3)),
    st.tuples(st.sampled_from(["<blank>", "<malformed>", "<short>"]), st.none(), st.none(), st.none()),
)


def _row(kind, profile, extra, number) -> list[str]:
    if kind in ("<blank>", "<malformed>"):
        return [kind]
    if kind == "<short>":
        return ["short", "1"]
    values = {name: _cell(getattr(profile, name)) for name in FIELDS}
    values["name"] = f"Company {number}"  # four names among many rows: duplicates said
    if kind == "good":
        values["currency"] = extra
    else:
        values[extra[0]] = extra[1]
    return [values[name] for name in FIELDS]


def _both_paths(engine, path, fmt, trace, **options):
    said = {}
    for way in ("rows", "columns"):
        out, errors = io.StringIO(), []
        summary = score_batch(engine, [str(path)], fmt=fmt, output=None, trace=trace, report=errors.append,
                              stdout=out, path=way, jobs=1, **options)
        said[way] = (out.getvalue(), errors, summary.describe())
    return said


@SETTINGS
@given(st.lists(rows, min_size=1, max_size=30), st.sampled_from(FORMATS), st.integers(1, 9))
def test_score_says_the_same_bytes_and_messages_on_the_column_path(engine, tmp_path_factory,
                                                                   monkeypatch, generated, form, chunk):
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", chunk)  # chunk boundaries fall inside the data
    path = tmp_path_factory.mktemp("c") / "rows.csv"
    path.write_text(_csv_text([_row(*item) for item in generated]), encoding="utf-8")
    said = _both_paths(engine, path, *form)
    assert said["columns"] == said["rows"]


def test_a_chunk_boundary_inside_the_data_and_fail_fast_mid_chunk(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 4)
    lines = [f"N{i},{10 + i},0.{i % 9 + 1},b2b,{i}" for i in range(11)]
    lines[6] = "Bad,lots,0.5,b2b,3"  # the second chunk's third row
    lines[9] = "N1,12,0.3,b2c,4"  # a name seen in the first chunk
    path = tmp_path / "rows.csv"
    path.write_text("name,leads_per_month,repeat_sales_share,market,deals_per_month\n" + "\n".join(lines) + "\n")
    for fail_fast in (False, True):
        said = _both_paths(engine, path, "jsonl", True, fail_fast=fail_fast)
        assert said["columns"] == said["rows"]
    out, errors, summary = said["columns"]
    assert summary.startswith("records read 7, scored 6, rejected 1") and "--fail-fast" in summary
    assert errors[-1].startswith(f"{path}:8: leads_per_month")
    assert len(out.splitlines()) == 1 + 6  # the header and the records before the bad one, on standard output


def test_the_reader_warnings_come_where_the_row_path_says_them(engine, tmp_path, monkeypatch):
    """A second file's ignored column is said after the first file's warnings, not when its rows are read ahead."""
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 100)
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("name,leads_per_month,deals_per_month\nA,10,50\nB,10,60\n")  # deals over leads: warnings
    second.write_text("name,leads_per_month,colour\nC,10,red\n")
    said = {}
    for way in ("rows", "columns"):
        errors: list[str] = []
        score_batch(engine, [str(first), str(second)], fmt="jsonl", output=None, trace=True,
                    report=errors.append, stdout=io.StringIO(), path=way, jobs=1)
        said[way] = errors
    assert said["columns"] == said["rows"]
    assert "ignored columns" in said["rows"][2] and "deals_per_month" in said["rows"][1]


def test_contradictory_answers_at_the_checks_edges_are_warned_alike(engine, tmp_path):
    """Just over and just under each check's threshold: the columns' loose test must not leave one out."""
    rows = ["Over,100,100.05,,,", "Equal,100,100,,,", "Rate,100,15.01,0.1,,", "RateEdge,100,15,0.1,,",
            "Clients,100,10,,59,", "ClientsEdge,100,10,,60,", "Stage,,,,,2", "Repeat,100,200.02,,,",
            "Zero,0,0.0001,0,0,"]
    path = tmp_path / "edges.csv"
    path.write_text("name,leads_per_month,deals_per_month,close_rate,active_clients,organization_stage\n"
                    + "\n".join(rows) + "\n")
    said = _both_paths(engine, path, "jsonl", False)
    assert said["columns"] == said["rows"]
    warned = {line.split(":")[1] for line in said["rows"][1]}
    assert {"2", "4", "6", "9"} <= warned and not {"3", "5", "7"} & warned


def test_reading_runs_at_most_a_chunk_ahead_of_writing(engine):
    """Memory stays flat: a chunk's rows are read, scored and handed on before the next chunk is read."""
    from advisor.readers import CsvColumns, RawRecord

    columns = CsvColumns(("name", "leads_per_month"), (0, 1), ".")
    pulled = 0

    def rows():
        nonlocal pulled
        for i in range(100):
            pulled += 1
            yield RawRecord("big.csv", i + 2, [f"N{i}", str(i)], columns)

    outcomes = pipeline.score_columns(rows(), engine, record_encoder(engine, "jsonl"), fmt="jsonl", trace=True,
                                      held=[], report=print, chunk_rows=7, min_rows=0,
                                      parse=columns_reference.reference_parse,
                                      evaluate=columns_reference.ReferenceColumnEngine(engine).evaluate)
    first = next(outcomes)
    assert first[:4] == ("big.csv", 2, "N0", engine.evaluate(RawRecord("big.csv", 2, ["N0", "0"], columns)
                                                               .validated().profile).department_model)
    assert pulled <= 7 + 1  # the chunk, and the row that said it was full
    assert sum(1 for _ in outcomes) == 99 and pulled == 100


def test_rows_the_column_engine_hands_back_are_scored_by_the_row_path_in_turn(engine, tmp_path):
    """A result row marked fallback (here every third) is scored the row path's way, in its place."""
    from advisor.columns.parse import parse_csv_rows
    from advisor.readers import read_inputs_raw

    path = tmp_path / "rows.csv"
    path.write_text("name,leads_per_month,deals_per_month,currency\n"
                    + "".join(f"N{i},{i * 10},{i * 3},{'USD EUR'.split()[i % 2]}\n" for i in range(20)))
    reference = columns_reference.ReferenceColumnEngine(engine)

    def some_back(frame):
        result = reference.evaluate(frame).with_columns(fallback=pl.Series([i % 3 == 0 for i in range(frame.height)]))
        # what a fallback row holds is no answer: garbage here, so using it would show
        return result.with_columns(department_model=pl.when("fallback").then(pl.lit("garbage"))
                                   .otherwise(pl.col("department_model")))

    def outcomes(way):
        records = read_inputs_raw([str(path)], warn=print)
        if way == "rows":
            from advisor.parallel import score_here

            return list(score_here(records, engine, record_encoder(engine, "jsonl")))
        return list(pipeline.score_columns(records, engine, record_encoder(engine, "jsonl"), fmt="jsonl", trace=True,
                                           held=[], report=print, chunk_rows=8, min_rows=0, parse=parse_csv_rows,
                                           evaluate=some_back))

    assert [o[:4] + (bytes(o[4]), o[5]) for o in outcomes("columns")] == \
        [o[:4] + (bytes(o[4]), o[5]) for o in outcomes("rows")]


def _generated_csv(path, count: int) -> None:
    lines = [f"Company {i},{i % 40},{i * 7 % 900}.5,{i % 90 + 5}%,{i % 7}.25,{'USD EUR RUB UAH'.split()[i % 4]},"
             f"{'b2b b2c mixed'.split()[i % 3]},{'yes' if i % 2 else ''}" for i in range(count)]
    path.write_text("name,sales_team_size,leads_per_month,repeat_sales_share,deals_per_month,currency,market,regional\n"
                    + "\n".join(lines) + "\n")


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_the_command_scores_csv_as_columns_with_the_row_paths_output(tmp_path, fmt):
    source = tmp_path / "profiles.csv"
    _generated_csv(source, 300)
    runs = {}
    for way in ("rows", "columns"):
        out = tmp_path / f"{way}.{fmt}"
        done = subprocess.run([sys.executable, "-m", "advisor", "score", str(source), "-f", fmt, "-o", str(out)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120,
                              env={**os.environ, "ADVISOR_SCORE_PATH": way})
        runs[way] = (done.returncode, done.stderr.replace(str(out), "OUTPUT"), out.read_bytes())
    assert runs["columns"] == runs["rows"]
    assert runs["rows"][0] == 0 and "records read 300, scored 300, rejected 0" in runs["rows"][1]




def test_long_csv_is_scored_as_columns_in_one_process_by_default(engine, tmp_path, monkeypatch):
    """No worker pool for CSV rows (the column path is quicker in one process); long JSON Lines still get one."""
    source = tmp_path / "profiles.csv"
    _generated_csv(source, 12_000)  # about 720 KB: workers would start for it on the row path
    seen = []
    real = pipeline.score_columns

    def spy(*args, **kwargs):
        seen.append(kwargs["min_rows"])
        return real(*args, **kwargs)

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started for CSV rows")

    monkeypatch.setattr("advisor.batch.score_in_pool", no_pool)
    monkeypatch.setattr(pipeline, "score_columns", spy)
    monkeypatch.delenv("ADVISOR_SCORE_PATH", raising=False)
    out, errors = io.StringIO(), []
    summary = score_batch(engine, [str(source)], fmt="jsonl", output=None, trace=True, report=errors.append,
                          stdout=out)
    assert summary.scored == 12_000 and seen == [pipeline.MIN_ROWS]


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or sys.platform == "win32", reason="POSIX signals")
def test_sigterm_while_scoring_columns_leaves_the_old_output(tmp_path):
    source = tmp_path / "big.csv"
    _generated_csv(source, 200_000)
    target = tmp_path / "out.jsonl"
    target.write_text("the old result\n")
    child = subprocess.Popen([sys.executable, "-m", "advisor", "score", str(source), "-f", "jsonl", "-o", str(target)],
                             cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(tmp_path.glob(".out.jsonl.*.tmp")):
        time.sleep(0.05)
    assert list(tmp_path.glob(".out.jsonl.*.tmp")), "the run never got going"
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 143 and child.stderr.read().strip() == "advisor: terminated"
    assert not list(tmp_path.glob(".*.tmp")) and target.read_text() == "the old result\n"
    assert not subprocess.run(["pgrep", "-P", str(child.pid)], capture_output=True, text=True).stdout.split()


@pytest.mark.parametrize("lang,label", [("ru", "предупреждение"), ("uk", "попередження"), ("en", "warning")])
def test_warnings_on_the_answers_speak_the_language_asked_on_every_path(tmp_path, lang, label):
    """`score --lang` says its warnings on contradictory answers in that language: in one process as
    rows or as columns, and from two workers, the same lines."""
    source = tmp_path / "profiles.csv"
    lines = [f"Company {i},{i % 5},{i % 30 + 1},{i % 40 + 2},{i % 4}" for i in range(300)]  # more deals than leads
    source.write_text("name,sales_team_size,leads_per_month,deals_per_month,organization_stage\n" + "\n".join(lines) + "\n")
    said = {}
    for way, extra in (("rows", []), ("columns", []), ("rows", ["-j", "2"])):
        done = subprocess.run([sys.executable, "-m", "advisor", "score", str(source), "-f", "jsonl", "-o",
                               str(tmp_path / "out.jsonl"), "--lang", lang, *extra],
                              capture_output=True, text=True, cwd=ROOT, timeout=120,
                              env={**os.environ, "ADVISOR_SCORE_PATH": way})
        warnings = [line for line in done.stderr.splitlines() if f": {label}: " in line]
        said[(way, *extra)] = warnings
    assert len(said[("rows",)]) > 10
    assert said[("columns",)] == said[("rows",)] == said[("rows", "-j", "2")]
    if lang != "en":
        assert not any(": warning: " in line for lines in said.values() for line in lines)


def test_names_checked_a_run_at_a_time_are_said_as_the_row_path_says_them(engine, tmp_path, monkeypatch):
    """A run of rows is remembered at once only where no name repeats and the check has room; else row by row."""
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 3)
    monkeypatch.setattr("advisor.batch.DUPLICATE_CHECK_LIMIT", 7)
    names = ["A", "G", "G", "B", "C", "A", "D", "E", "F", "H", "I", "B", "J"]  # chunks of 3
    path = tmp_path / "rows.csv"
    path.write_text("name,leads_per_month,deals_per_month\n" + "".join(f"{n},10,{i % 3 * 6}\n" for i, n in enumerate(names)))
    said = _both_paths(engine, path, "jsonl", False)
    assert said["columns"] == said["rows"]
    said_on_names = [e.split(": ", 1)[1][:26] for e in said["rows"][1] if "warning:" not in e]
    assert said_on_names == ["name: 'G' also names the r", "name: 'A' also names the r", "duplicate-name check stops",
                             "name: 'B' also names the r"]
    assert any("warning:" in e for e in said["rows"][1])  # warnings among them, in their rows' turn


@pytest.mark.parametrize("hashed", ["as Python hashes", "all alike", "four hashes, one slot"])
def test_names_whose_hashes_collide_are_not_taken_for_one(engine, tmp_path, monkeypatch, hashed):
    """The duplicate-name check keeps names by their hash, but says a name twice only where the
    names are equal: with every name given one hash, or hashes that differ in one table slot, it says
    what it says with Python's own hashes, on both paths, for names kept a chunk at a time (the column
    path) and one at a time (the row path, stored every two names here)."""
    from advisor import nameplaces

    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 3)
    monkeypatch.setattr(nameplaces, "PENDING", 2)
    if hashed != "as Python hashes":
        monkeypatch.setattr(nameplaces, "_hash", (lambda name: 7) if hashed == "all alike" else
                            (lambda name: len(name) % 4))
    names = ["A", "a", "Ab", "Б", "B", "C", "D", "A", "E", "F", "ab", "Б", "G", "Ab", "H", "a"]
    path = tmp_path / "rows.csv"
    path.write_text("name,leads_per_month,deals_per_month\n" + "".join(f"{n},10,{i % 3 * 6}\n" for i, n in enumerate(names)),
                    encoding="utf-8")
    said = _both_paths(engine, path, "jsonl", False)
    assert said["columns"] == said["rows"]
    first = {}
    expected = []
    for line, name in enumerate(names, start=2):
        if name in first:
            expected.append(f"{path}:{line}: name: '{name}' also names the record at {path}:{first[name]} (both are scored)")
        first.setdefault(name, line)
    assert [e for e in said["rows"][1] if "warning:" not in e] == expected


@pytest.mark.parametrize("fmt, shape", [("csv", "lean"), ("jsonl", "lean"), ("json", "lean"), ("json", "full"),
                                        ("jsonl", "full")])
def test_a_run_of_records_is_written_as_one_record_after_another(engine, fmt, shape):
    from advisor.writers import BatchWriter

    records = [f"record {i} ".encode() * (i * 997 % 3000) for i in range(700)]  # ~3 MB, several writes
    written = {}
    for way in ("one", "many"):
        out = io.StringIO()
        writer = BatchWriter(out, fmt, engine, trace=False, records=shape)
        if way == "one":
            for record in records:
                writer.write(record)
        else:
            for part in (records[:1], [], records[1:5], records[5:]):
                writer.write_many(part)
        writer.close()
        written[way] = (out.getvalue(), writer.count)
    assert written["many"] == written["one"] and written["one"][1] == len(records)


def test_the_row_path_runs_with_the_collector_and_the_collector_is_back_after(engine, tmp_path):
    """The column loop pauses the collector; the row path makes cycles (a rejected row's error), so it runs with
    it (else memory grows with the bad rows of a chunk), and the collector runs again once the loop is over."""
    import gc

    from advisor.columns.parse import parse_csv_rows
    from advisor.readers import read_inputs_raw

    path = tmp_path / "rows.csv"
    path.write_text("name,leads_per_month\n" + "".join(f"N{i},{'lots' if i % 5 == 0 else i}\n" for i in range(40)))
    reference = columns_reference.ReferenceColumnEngine(engine)

    def some_back(frame):  # every third row handed back to the row path
        return reference.evaluate(frame).with_columns(fallback=pl.Series([i % 3 == 0 for i in range(frame.height)]))

    seen = []
    row_encode = record_encoder(engine, "jsonl")

    def encode(source, evaluation):
        seen.append(gc.isenabled())
        return row_encode(source, evaluation)

    assert gc.isenabled()
    outcomes = list(pipeline.score_columns(read_inputs_raw([str(path)], warn=print), engine, encode, fmt="jsonl",
                                           trace=True, held=[], report=print, chunk_rows=8, min_rows=0,
                                           parse=parse_csv_rows, evaluate=some_back, runs=True))
    assert gc.isenabled()
    assert len(seen) > 5 and all(seen)  # the rows handed back took the row path, with the collector
    assert sum(type(o) is tuple and o[3] is None for o in outcomes) == 8  # rejected, in place
    assert sum(len(o.records) for o in outcomes if type(o) is pipeline.Decided) + len(seen) + 8 == 40


@pytest.mark.parametrize("given_conf, expected", [(None, "narenas:1,muzzy_decay_ms:0"), ("narenas:4", "narenas:4")])
def test_polars_keeps_one_allocator_arena_unless_the_user_set_its_allocator(given_conf, expected):
    """The column path asks polars' jemalloc for one arena and prompt purging (flat memory, README); a user's
    own _RJEM_MALLOC_CONF is left as it is."""
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if given_conf is not None:
        env["_RJEM_MALLOC_CONF"] = given_conf
    done = subprocess.run([sys.executable, "-c", "import os, advisor.columns; print(os.environ['_RJEM_MALLOC_CONF'])"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.stdout.strip() == expected
