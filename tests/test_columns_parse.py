"""CSV rows parsed column-wise give exactly the row path's profiles, and the common rows take that path."""

from __future__ import annotations

import csv
import io
import random
import sys

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from advisor.columns.parse import PYTHON_SPACES, parse_csv_rows
from advisor.profile import FIELDS, Profile
from advisor.readers import CsvColumns, RawRecord, read_text_auto
from advisor.yamlio import parse_yaml
from tests.conftest import PROFILES

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _exact(value):
    """A value with its type and its float bits (-0.0 is not 0.0; 0.6900000000000001 is not 0.69)."""
    return type(value), repr(value)


def compared(rows: list[RawRecord]) -> tuple[list[bool], list[bool]]:
    """Parse `rows`; check every ok row against RawRecord.validated() field by field; ok and accepted per row."""
    chunk = parse_csv_rows(rows)
    assert chunk.frame.columns == list(FIELDS)
    assert len(chunk.ok) == chunk.frame.height == len(rows)
    accepted = []
    for row, values, ok in zip(rows, chunk.frame.rows(named=True), chunk.ok):
        profile = row.validated().profile
        accepted.append(profile is not None)
        if ok:
            assert profile is not None, (row, row.validated().error)
            for name in FIELDS:
                assert _exact(values[name]) == _exact(getattr(profile, name)), (name, row.data, values[name])
    return chunk.ok, accepted


def read_csv(text: str) -> list[RawRecord]:
    records = list(read_text_auto(text, "rows.csv", warn=lambda message: None))
    assert all(type(r) is RawRecord for r in records), records
    return records


def write_csv(rows: list[dict], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# ---- cells: valid forms, odd forms, unicode, spaces, percents, huge, negative, nan, inf, empty -----

decimals = st.from_regex(r"\A[+-]?([0-9]{1,22}(\.[0-9]{0,22})?|\.[0-9]{1,22})([eE][+-]?[0-9]{1,3})?\Z")
numbers = st.one_of(st.integers(-10, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(10**11, 10**13), st.sampled_from([0, 0.0, -0.0, 1, 100, 100.5, 1e12, 1e12 + 1, 0.69]))
spaced = st.sampled_from(["", " ", "  ", "\t", "\xa0", "\u2009", "\x1c", "\n"])
odd = st.sampled_from([
    "1 200,5", "1,200", "1.234,5", "0,35", "35 %", "35%%", "%", "١٢", "１２", "1_000", "nan", "NaN", "inf", "-inf",
    "1e400", "lots", "~300", "2 weeks", "?", "-", "n/a", "N/A", "unknown", "None", "null", "не знаю", "НЕ ЗНАЮ",
    "невідомо", "yes", " No ", "Y", "ДА", "так", "jā", "NĒ", "2", "true", "B2B", " b2c ", "MIXED", "b2g", "ｂ２ｂ",
    "Project", "remote_or_field", "REMOTE_OR_FIELD", "usd", " eur ", "uß", "EURO", "US", "ua", "ＵＳＤ", "ǅe",
    "a\x1bb", "x" * 600, "2.0", "2.5", "12.0", "-1", "-0", "+5", ".5", "5.", "0x10", "1e3", "12\x1f", "\x1f",
    "\u0130", "\u212a", "1\u00a0200,5", "1 200", "1'200,5", "4,0", "100%", "101%", "-0%", "0.0%",
])


def cell_of(spec) -> st.SearchStrategy[str]:
    choice = st.sampled_from(spec.choices).flatmap(
        lambda c: st.sampled_from([c, c.upper(), c.title(), f" {c} ", f"\t{c}"])) if spec.choices else st.nothing()
    plain = st.one_of(numbers.map(str), numbers.map(lambda n: f"{n}%"), decimals, decimals.map(lambda d: f"{d}%"))
    return st.one_of(
        plain, st.tuples(spaced, plain, spaced).map("".join), choice, odd, st.text(max_size=6),
        st.tuples(spaced, odd, spaced).map("".join),
    )


@st.composite
def chunks(draw):
    """Rows of one file: some profile fields (maybe not the name), an ignored column, a decimal mark."""
    names = draw(st.lists(st.sampled_from(list(FIELDS)), unique=True, min_size=1, max_size=10))
    if draw(st.integers(0, 9)):
        names = ["name", *[n for n in names if n != "name"]]
    decimal = draw(st.sampled_from([".", ","]))
    ignored = draw(st.integers(0, len(names)))  # an ignored column's place in the row
    kept = tuple(i if i < ignored else i + 1 for i in range(len(names)))
    columns = CsvColumns(tuple(names), kept, decimal)
    rows = []
    oddness = draw(st.sampled_from([0, 0, 1, 3, 10]))  # in tenths: how many cells of this file are odd
    for line in range(draw(st.integers(1, 8))):
        cells = [draw(cell_of(FIELDS[name]) if draw(st.integers(0, 9)) < oddness else common(FIELDS[name]))
                 for name in names]
        cells.insert(ignored, draw(st.text(max_size=4)))
        rows.append(RawRecord("rows.csv", line + 2, cells, columns))
    return rows


def test_every_ok_row_is_exactly_the_row_paths_profile():
    seen = {"ok": 0, "not ok": 0}

    @SETTINGS
    @given(chunks())
    def same(rows):
        note(repr([r.data for r in rows]))
        ok, _ = compared(rows)
        seen["ok"] += sum(ok)
        seen["not ok"] += len(ok) - sum(ok)

    same()
    assert seen["ok"] >= 50 and seen["not ok"] >= 50, seen  # both kinds of rows were really compared


@SETTINGS
@given(st.lists(decimals, min_size=1, max_size=30), st.sampled_from(list(FIELDS)))
def test_plain_decimals_read_as_float_reads_them(cells, name):
    """polars' parsing of a plain decimal is correctly rounded, as Python's float() is: same bits or not ok."""
    if name == "name":
        return
    columns = CsvColumns(("name", name), (0, 1), ".")
    compared([RawRecord("rows.csv", 2 + i, ["Acme", cell], columns) for i, cell in enumerate(cells)])


# ---- the common forms take the fast path -----------------------------------------------------------

def common_cell(spec, rng: random.Random) -> str:
    """A value as an export or a person writes it plainly; sometimes unknown."""
    kind, pick = spec.kind, rng.choice
    if rng.random() < 0.1 and not spec.required:
        return pick(["", " ", "?", "n/a", "unknown", "-"])
    if spec.choices:
        choice = pick(spec.choices)
        return pick([choice, choice.upper(), f" {choice} ", choice.capitalize()])
    if kind == "boolean":
        return pick(["yes", "no", "Yes", "NO", "true", "false", "1", "0", "да", "нет", "так", "ні"])
    if kind in ("currency", "country"):
        code = pick(["usd", "eur", "uah"] if kind == "currency" else ["ua", "de", "lv"])
        return pick([code, code.upper(), f" {code.upper()} "])
    if kind == "text":
        return pick(["Acme", " Рога и копыта ", "Company 7", "SIA Kafija", "Ö & Co."])
    if kind == "share":
        return pick([f"{rng.randint(0, 100)}%", f"{rng.randint(0, 1000) / 1000}", str(rng.randint(2, 100)),
                     f"{rng.randint(0, 999) / 10}%"])
    low = int(spec.minimum or 0) + spec.exclusive_minimum
    high = int(spec.maximum) if spec.maximum is not None else 10**6
    whole = rng.randint(low, high)
    if kind == "integer":
        return pick([str(whole), f"{whole}.0", f" {whole} "])
    spread = min(max(rng.lognormvariate(5, 2), low + 0.5), 1e9)
    return pick([str(whole), f"{whole}.{rng.randint(0, 99):02d}", f" {whole}.5 ", str(spread)])


def common(spec) -> st.SearchStrategy[str]:
    return st.randoms(use_true_random=False).map(lambda rng: common_cell(spec, rng))


def test_rows_in_the_common_forms_all_take_the_column_path():
    """A seeded sample of plainly written rows, in files with decimal points and with decimal commas."""
    rng = random.Random(20)
    for delimiter in (",", ";"):
        rows = [{name: common_cell(spec, rng) for name, spec in FIELDS.items()} for _ in range(1500)]
        ok, accepted = compared(read_csv(write_csv(rows, delimiter)))
        assert all(accepted)  # the sample holds only values the profile accepts
        assert ok.count(True) == len(rows)  # and each of them was read column-wise, none left to the row path


def test_a_file_with_decimal_commas_and_semicolons():
    text = ("name;leads_per_month;qualified_lead_share;average_deal_size;organization_stage;close_rate;outbound_share\n"
            "Acme;1 200,5;69%;1\u00a0250,75;4,0;0,35;35\n"
            "Beta; 12 ;35,5%;900;2;1;0\n"
            "Gamma;1.5;0%;1'000;1;100;-0\n"
            "Delta;1 2 3;35%;0;5;1,5;lots\n")
    rows = read_csv(text)
    assert rows[0].columns.decimal == ","
    ok, accepted = compared(rows)
    assert ok == [True, True, True, False] and accepted[:3] == [True, True, True]
    frame = parse_csv_rows(rows).frame
    first = {"leads_per_month": 1200.5, "qualified_lead_share": 0.69, "average_deal_size": 1250.75,
             "organization_stage": 4, "close_rate": 0.35, "outbound_share": 0.35}
    assert {name: frame.row(0, named=True)[name] for name in first} == first
    assert frame.get_column("qualified_lead_share").to_list()[:3] == [0.69, 0.355, 0.0]


def test_fields_absent_from_the_file_take_the_profiles_defaults():
    rows = read_csv("name,market\nAcme,B2B\nBeta,\n")
    ok, _ = compared(rows)
    assert ok == [True, True]
    frame = parse_csv_rows(rows).frame
    defaults = {name: info.default for name, info in Profile.model_fields.items() if name not in ("name", "market")}
    assert frame.row(0, named=True) == {"name": "Acme", "market": "b2b", **defaults}
    assert frame.get_column("currency").to_list() == ["USD", "USD"] and frame.get_column("market")[1] is None


def test_rows_the_column_path_is_unsure_of_go_to_the_row_path():
    columns = CsvColumns(("name", "leads_per_month", "regional"), (0, 1, 2), ".")
    rows = [RawRecord("rows.csv", n + 2, cells, columns) for n, cells in enumerate([
        ["Acme", "12", "yes"],
        ["Bad \udcff byte", "12", "yes"],  # a lone surrogate polars cannot hold
        ["Sep", "12\x1f", "yes"],  # the row path strips \x1f; the column path's separator: unsure
        ["Short", "12"],
        ["Words", "~300", "yes"],  # a number in words: the row path reads it, the column path does not try
        ["", "12", "yes"],  # no name: the row path says so
        ["Range", "-1", "maybe"],
        ["Acme 2", "1e3", " NO "],
    ])]
    ok = parse_csv_rows(rows).ok
    assert ok == [True, False, False, False, False, False, False, True]
    good = [rows[i] for i in (0, 2, 4, 7)]  # the others cannot even be validated row by row alike
    assert compared(good)[1] == [True, True, True, True]


def test_the_profiles_in_profiles_written_as_csv():
    paths = sorted(PROFILES.glob("*.yaml"))
    profiles = [parse_yaml(path.read_text(encoding="utf-8"), str(path)).data for path in paths]
    assert len(profiles) == 12
    for delimiter in (",", ";"):
        rows = [{name: _cell(profile.get(name), delimiter) for name in FIELDS} for profile in profiles]
        records = read_csv(write_csv(rows, delimiter))
        ok, accepted = compared(records)
        assert all(accepted) and all(ok), (delimiter, ok)
        frame = parse_csv_rows(records).frame
        assert frame.get_column("name").to_list() == [p["name"] for p in profiles]


def _cell(value, delimiter: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace(".", ",") if delimiter == ";" and isinstance(value, float) else str(value)


def test_python_spaces_are_what_str_strip_removes():
    assert PYTHON_SPACES == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())


def test_an_empty_chunk_and_rows_of_two_files():
    empty = parse_csv_rows([])
    assert empty.ok == [] and empty.frame.columns == list(FIELDS)
    one, other = CsvColumns(("name",), (0,), "."), CsvColumns(("name",), (0,), ",")
    with pytest.raises(ValueError, match="one CsvColumns"):
        parse_csv_rows([RawRecord("a.csv", 2, ["A"], one), RawRecord("b.csv", 2, ["B"], other)])


@pytest.mark.parametrize("first, last", [
    ("\ufeffAcme", "b2b"),  # a byte-order mark a CSV reader would drop
    ("Acme", "b2b\r"), ("Acme\r", "b2b"),  # a CR, which may end a line
    ("Acme", "b2b\n"), ("Acme", "\n"), ("Ac\nme", "b2b"), ("Acme", "b\nb"),  # a line end in a cell, last or not
    ("Ac\x1fme", "b2b"), ("Acme", "b2b\x1f"),  # the separator the cells are joined with
])
def test_cells_that_could_be_misread_when_the_chunk_is_read_as_one_text(first, last):
    """Each row exactly as the row path reads it, or left to it (compared checks every ok row)."""
    columns = CsvColumns(("name", "leads_per_month", "market"), (0, 1, 2), ".")
    rows = [RawRecord("rows.csv", 2, [first, "12", "b2c"], columns),
            RawRecord("rows.csv", 3, ["Beta", "13", "b2c"], columns),
            RawRecord("rows.csv", 4, ["Gamma", "14", last], columns)]
    ok, _ = compared(rows)
    assert ok[1]  # a plain row is read column-wise whatever its neighbours hold
