"""Reading within limits: lines one by one (bad bytes and over-long lines are that line's error
only), encodings by evidence, and decompression that stops at its limit."""

from __future__ import annotations

import gzip
import io

import pytest

from advisor.errors import InputError
from advisor.inputs import LineError, Lines, check_workbook, choose_encoding, gunzip_bounded


def _read(data: bytes, limit: int = 1 << 20) -> list[object]:
    lines = Lines(io.BytesIO(data), "f.csv", limit=limit)
    seen: list[object] = []
    while True:
        try:
            seen.append(next(lines))
        except StopIteration:
            return seen
        except LineError as exc:
            seen.append((exc.line, exc.message.split(":")[0]))


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
