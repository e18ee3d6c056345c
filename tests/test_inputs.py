"""Reading within limits: lines one by one (bad bytes and over-long lines are that line's error
only), encodings by evidence, and decompression that stops at its limit."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator

import pytest

from advisor.errors import InputError
from advisor.inputs import LineError, Lines, check_workbook, choose_encoding, gunzip_bounded


def _drain(lines: Iterator[object], whole_message: bool = False) -> list[object]:
    """Every line, and (line number, message) for each line refused, reading on after it."""
    seen: list[object] = []
    while True:
        try:
            seen.append(next(lines))
        except StopIteration:
            return seen
        except LineError as exc:
            seen.append((exc.line, exc.message if whole_message else exc.message.split(":")[0]))


def _read(data: bytes, limit: int = 1 << 20) -> list[object]:
    return _drain(Lines(io.BytesIO(data), "f.csv", limit=limit))


def test_line_ends_of_every_kind_are_lines():
    assert _read(b"a\r\nb\rc\nd") == ["a\r\n", "b\r", "c\n", "d"]


def test_a_bad_line_is_reported_at_its_number_and_the_next_lines_still_come():
    data = "имя\nпервая\n".encode() + b"bad \xff\n" + "вторая\n".encode()
    assert _read(data) == ["имя\n", "первая\n", (3, "not valid UTF-8 text"), "вторая\n"]


def test_a_line_over_the_limit_is_dropped_and_counted_as_one_line():
    assert _read(b"1\n" + b"x" * 50 + b"\n2\n" + b"y" * 50, limit=10) == [
        "1\n", (2, "line longer than 10 bytes (the limit for one line); left out"), "2\n",
        (4, "line longer than 10 bytes (the limit for one line); left out")]


def test_one_stray_byte_does_not_turn_a_utf8_file_into_windows_1251():
    text = ("Компания,1\n" * 1000).encode()
    assert choose_encoding(text[:500] + b"\xcf\xf0\n" + text[500:], "f") == "utf-8"
    assert choose_encoding(("Компания,1\n" * 1000).encode("cp1251"), "f") == "cp1251"


def test_gzip_stops_at_its_limit(tmp_path):
    path = tmp_path / "x.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n" * 10_000))
    assert len(gunzip_bounded(path, limit=40_000)) == 40_000
    with pytest.raises(InputError, match="expands to more than 39,999 bytes"):
        gunzip_bounded(path, limit=39_999)


def test_a_workbook_that_declares_more_than_its_limit_is_refused_before_reading(tmp_path):
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "deals.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    for row in range(2000):
        sheet.write_row(row, 0, ["Won", 100, "2024-01-03"])
    book.close()
    check_workbook(path)  # well within the real limit
    with pytest.raises(InputError, match="the workbook expands to .* MB, more than 10,000 bytes"):
        check_workbook(path, limit=10_000)


# ---- nothing lost: every good line scored once, every bad line rejected at its number -------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_BAD_BYTES = st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\x80", b"\xed\xa0\x80"])
_ROW = st.one_of(
    st.tuples(st.just("good"), st.sampled_from(["Альфа", "Beta", "Гамма ООО", "Δέλτα", "東京"])),
    st.tuples(st.just("bad"), _BAD_BYTES),
    st.tuples(st.just("long"), st.integers(min_value=1, max_value=3)),
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=40), crlf=st.booleans())
def test_every_good_line_is_scored_once_and_every_bad_line_rejected_at_its_number(engine, tmp_path, rows, crlf):
    from advisor.batch import score_batch

    end = b"\r\n" if crlf else b"\n"
    lines, good, bad, long = [b"name,leads_per_month"], {}, set(), set()
    for index, (kind, value) in enumerate(rows):
        number = index + 2  # the header is line 1
        if kind == "good":
            name = f"{value} {number}"
            lines.append(f"{name},{number}".encode())
            good[name] = number
        elif kind == "bad":
            lines.append(b"Bad " + value + b" row," + str(number).encode())
            bad.add(number)
        else:  # over the line limit (shrunk for the test)
            lines.append(b"L" * (300 * value) + b"," + str(number).encode())
            bad.add(number)
            long.add(number)
    path = tmp_path / "rows.csv"
    path.write_bytes(end.join(lines) + end)

    import advisor.inputs as inputs

    reported: list[str] = []
    out = io.StringIO()
    limit, inputs.MAX_LINE = inputs.MAX_LINE, 200
    try:
        summary = score_batch(engine, [str(path)], fmt="csv", output=None, trace=False, report=reported.append,
                              stdout=out, jobs=1)
    finally:
        inputs.MAX_LINE = limit
    assert summary.read == summary.scored + summary.rejected == len(rows)  # nothing lost, whatever the encoding
    if choose_encoding(path.read_bytes(), str(path)) == "cp1251":  # more stray bytes than UTF-8 text: read as 1251
        assert summary.rejected == len(long)
        return
    scored = [row.split(",")[1] for row in out.getvalue().splitlines()[1:]]
    assert sorted(scored) == sorted(good)  # each good line exactly once
    assert summary.read == len(rows) and summary.rejected == len(bad)
    rejected_at = {int(message.split(":")[1]) for message in reported if message.startswith(str(path) + ":")}
    assert rejected_at == bad


# ---- the quick paths give what reading one line at a time gives -------------------------------

_PIECES = st.sampled_from([b"a", b"bc", b",", b"\n", b"\r\n", b"\r", b"\xd0\x96", b"\xff", b"\xe2\x82", b"x" * 9, b'"'])


def _lines_of(data: bytes, limit: int, quick: bool, monkeypatch) -> list[object]:
    """What Lines gives: quick, in runs as CSV reads them; or one line at a time with the whole-chunk path off."""
    import advisor.inputs as inputs

    with monkeypatch.context() as patch:
        patch.setattr(inputs, "_CHUNK", 5)  # many reads, so chunks break lines and CRLFs apart
        patch.setattr(inputs, "HEAD", 7)
        if not quick:
            patch.setattr(Lines, "_whole_lines", lambda self, data: False)
        lines = Lines(io.BytesIO(data), "f.csv", "utf-8", limit=limit)
        return _drain(lines.in_runs() if quick else lines, whole_message=True)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PIECES, max_size=60), limit=st.integers(min_value=2, max_value=30))
def test_lines_in_runs_are_the_lines_one_at_a_time(monkeypatch, pieces, limit):
    """The same lines, and over-long lines and bad bytes at the same numbers, by either way of taking them."""
    data = b"".join(pieces)
    assert _lines_of(data, limit, True, monkeypatch) == _lines_of(data, limit, False, monkeypatch)
