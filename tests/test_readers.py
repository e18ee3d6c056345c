"""Reading profiles from the files consultants actually have."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.readers import read_inputs


def _read(*paths: Path | str, stdin=None):
    warnings: list[str] = []
    records = list(read_inputs([str(p) for p in paths], warn=warnings.append, stdin=stdin))
    return records, warnings


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_russian_excel_csv_semicolons_decimal_commas_bom_crlf(tmp_path):
    csv = write(
        tmp_path / "clients.csv",
        "\ufeffname;leads_per_month;repeat_sales_share;average_deal_size\r\n"
        "Альфа;1 200,5;35%;12 000,50\r\n\r\nБета;10;0,4;100\r\n",
    )
    records, warnings = _read(csv)
    assert [r.error for r in records] == [None, None]
    alpha, beta = (r.profile for r in records)
    assert (alpha.name, alpha.leads_per_month, alpha.repeat_sales_share, alpha.average_deal_size) == (
        "Альфа", 1200.5, 0.35, 12000.5)
    assert beta.repeat_sales_share == 0.4
    assert [r.source for r in records] == [f"{csv}:2", f"{csv}:4"]
    assert warnings == []


def test_windows_1251_csv(tmp_path):
    csv = write(tmp_path / "win.csv", "name,market\nРога и копыта,b2b\n".encode("cp1251"))
    (record,), _ = _read(csv)
    assert record.profile.name == "Рога и копыта"


def test_csv_problems_are_located_and_the_rest_is_read(tmp_path):
    csv = write(
        tmp_path / "c.csv",
        "name,leads_per_month,colour,repeat_sale_share\n"
        "A,abc,red,0.1\n"
        "B,5,blue,0.2\n"
        "C,1\n",
    )
    records, warnings = _read(csv)
    assert len(records) == 3
    assert records[0].error.located() == f"{csv}:2: leads_per_month: expected a number, got 'abc'"
    assert records[1].profile.leads_per_month == 5
    assert records[2].error.located() == f"{csv}:4: row has 2 cells, the header has 4"
    # extra columns are kept out and reported once, with a did-you-mean for a typo
    assert len(warnings) == 1
    assert "'colour'" in warnings[0] and "did you mean 'repeat_sales_share'" in warnings[0]


def test_rows_after_lines_that_cannot_be_read_and_cells_over_several_lines_keep_their_line_numbers(tmp_path):
    csv = write(
        tmp_path / "c.csv",
        b"\n name,market\r\n"  # a blank line before the header
        + "Альфа Бета Гамма,b2b\r\n".encode()  # UTF-8 text enough to outweigh two stray bytes
        + b"B \xff,b2b\r\n"  # not UTF-8: this line only
        b'"C\r\nmulti",b2b\r\n'  # one row over two lines: located at its first
        b'"D\r\n\xff",b2b\n'  # a quoted cell cut by a bad line: that line, then what follows as new rows
        b"\n"
        b"E,b2x\n",
    )
    records, _ = _read(csv)
    located = [r.error.located() if r.error else f"{r.source} {r.profile.name!r}" for r in records]
    # the row cut by line 8 is left out with it; line 9 is blank
    assert located == [
        f"{csv}:3 'Альфа Бета Гамма'",
        f"{csv}:4: not valid UTF-8 text: byte 0xff at column 3; the line is left out (fix or re-save the file as UTF-8)",
        f"{csv}:5: name: control character \\x0d at position 2: names are plain text",  # the row path's word on it
        f"{csv}:8: not valid UTF-8 text: byte 0xff at column 1; the line is left out (fix or re-save the file as UTF-8)",
        f"{csv}:10: market: expected one of b2b, b2c, mixed, got 'b2x' (did you mean 'b2c'?)",
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty file"),
        ("\n\n", "empty file"),
        ("leads_per_month\n5\n", "no 'name' column"),
        ("Order ID,Sales\n1,2\n", "none of the 2 columns is a profile field"),
        ("name,name\nA,B\n", "appears twice"),
    ],
)
def test_csv_that_cannot_be_read_is_one_located_error(tmp_path, content, message):
    (record,), _ = _read(write(tmp_path / "x.csv", content))
    assert message in record.error.located()


def test_header_only_csv_has_no_records(tmp_path):
    records, _ = _read(write(tmp_path / "x.csv", "name,market\n"))
    assert records == []


def test_yaml_list_of_profiles_reports_each_item_by_line(tmp_path):
    path = write(tmp_path / "many.yaml", "- name: A\n  market: b2b\n- name: B\n  market: b2x\n")
    records, _ = _read(path)
    assert records[0].profile.market == "b2b"
    assert records[1].error.located().startswith(f"{path}:4: market: ")


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty file"),
        ("name: [unclosed\n", "YAML syntax error"),
        ("- 1\n- 2\n", "a profile is a mapping"),
        ("name: A\nname: B\n", "duplicate key"),
        ("just text\n", "a profile is a mapping"),
    ],
)
def test_broken_yaml_is_a_located_bad_record(tmp_path, content, message):
    (first, *_), _ = _read(write(tmp_path / "p.yaml", content))
    assert first.error is not None and message in first.error.located()
    assert first.error.located().startswith(str(tmp_path / "p.yaml"))


def test_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 30):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    lines.append("name: bomb")
    (record,), _ = _read(write(tmp_path / "bomb.yaml", "\n".join(lines) + "\n"))
    # refused where the aliases would pass 200,000 values (a5: 10**6), before anything expands them
    assert record.error.located() == f"{tmp_path / 'bomb.yaml'}:5: document too large (over 200,000 values with aliases expanded; a YAML alias bomb?)"


def test_jsonl_blank_lines_and_bad_json(tmp_path):
    path = write(tmp_path / "p.jsonl", '{"name": "A", "close_rate": "20%"}\n\n{oops}\n{"name": "C", "close_rate": NaN}\n')
    records, _ = _read(path)
    assert records[0].profile.close_rate == 0.2
    assert records[1].error.located().startswith(f"{path}:3: malformed JSON")
    assert records[2].error.located().startswith(f"{path}:4: close_rate: ")


def test_folder_reads_profiles_and_reports_what_it_skips(tmp_path):
    write(tmp_path / "b.yaml", "name: B\n")
    write(tmp_path / "a.yml", "name: A\n")
    write(tmp_path / "notes.txt", "hello")
    write(tmp_path / "logo.png", b"\x89PNG\r\n\x1a\n\x00")
    (tmp_path / "sub").mkdir()
    records, warnings = _read(tmp_path)
    assert [r.profile.name for r in records] == ["A", "B"]
    assert any("skipped 2 file(s)" in w and "notes.txt" in w for w in warnings)
    assert any("sub" in w for w in warnings)


@pytest.mark.parametrize(
    "text, names",
    [
        ("name: A\nmarket: b2b\n", ["A"]),
        ("name,market\nA,b2b\nB,b2c\n", ["A", "B"]),
        ('{"name": "A"}\n{"name": "B"}\n', ["A", "B"]),
        ('[{"name": "A"}]', ["A"]),
    ],
)
def test_stdin_format_is_detected(text, names):
    import io

    records, _ = _read("-", stdin=io.StringIO(text))
    assert [r.profile.name for r in records] == names


# ---- rows split without csv.reader are the rows csv.reader reads ------------------------------
import csv as _csv  # noqa: E402
import io  # noqa: E402

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from advisor.inputs import Lines  # noqa: E402
from advisor.readers import RawRecord, read_csv_lines  # noqa: E402


def _csv_reader_rows(data: bytes, delimiter: str) -> list[tuple]:
    """The rows as csv.reader alone reads the file's lines: (line, cells) or (line, message)."""
    lines = list(Lines(io.BytesIO(b""), "f.csv", "utf-8", head=data))  # as read_stream reads a short file
    reader, rows = _csv.reader(lines[1:], delimiter=delimiter), []
    while True:
        start = reader.line_num + 2
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except _csv.Error:
            rows.append((start, "malformed CSV row"))
            continue
        if "".join(cells).strip():
            rows.append((start, cells) if len(cells) == 2 else (start, "row has"))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@example(["A", "\r", "A"], ",")  # a CR inside the last line, which csv.reader refuses
@given(st.lists(st.sampled_from(["A", " b ", ",", ";", "\t", '"', '""', "\n", "\r\n", "\r", "\x00", "", "я"]),
                max_size=40), st.sampled_from([",", ";", "\t"]))
def test_rows_are_the_rows_csv_reader_reads(pieces, delimiter):
    data = f"name{delimiter}market\n{''.join(pieces)}".encode()
    got = []
    for record in read_csv_lines(Lines(io.BytesIO(b""), "f.csv", "utf-8", head=data), "f.csv", lambda message: None):
        if type(record) is RawRecord:
            got.append((record.line, record.data))
        else:
            message = str(record.error)
            got.append((record.line, "malformed CSV row" if "malformed CSV row" in message else
                        "row has" if "row has" in message else message))
    assert got == _csv_reader_rows(data, delimiter)
