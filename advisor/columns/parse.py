"""A chunk of CSV rows read into a polars frame of profile values, a column at a time.

The row path (RawRecord.validated: readers' decimal commas, profile.cleaned_data's unknown
markers, then rowcheck's checks or pydantic) is the definition; each field's column is read
by one of three routes that give exactly its values:

- numbers, shares and whole numbers written plainly ('12', ' 0.35 ', '35%', '1 200,5' in a
  file with decimal commas): one strict pattern, polars' float parsing (correctly rounded,
  as float() is) and the field's range from FIELDS, as profile's _finite, _share and _integer;
- names: stripped, measured and searched for control characters, as profile._text;
- every other cell (choices, yes/no, codes, unknown markers, numbers in odd forms): the row
  path's own per-field check (rowcheck.quick_value), called once per distinct cell of the
  chunk, so case, spaces and every accepted spelling are the Profile's by construction.

A row is ok only when each of its cells was read with certainty; any other row goes back to
the row path, which reads it and says what is wrong, located. Never different, only quicker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, get_origin

import polars as pl

# the validators whose rules the routes below reproduce column-wise; a field with any other
# validator is read cell by cell through the row path's check
from advisor.profile import _CONTROL, FIELDS, MAX_MAGNITUDE, MAX_NAME, Profile, _finite, _integer, _share, _text
from advisor.profile import cleaned_data
from advisor.readers import CsvColumns, RawRecord, _csv_value  # _csv_value: the row path's decimal-comma reading
from advisor.rowcheck import NOT_QUICK, field_parts, quick_value

# What str.strip() removes (str.isspace), so polars strips exactly as Python does;
# tests/test_columns_parse.py checks it against every code point.
PYTHON_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                 "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# A plain decimal as float() reads it (ASCII digits only, no '_', no inf or nan), spaces or
# tabs around, a share's optional '%'; longer cells are left to the row path.
_DOT_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
# With decimal ',' (Excel in Russian and Ukrainian locales): digits in groups split by one
# separator parse_number removes, then one ',' or '.' decimal mark (both together: row path).
_GROUP = " \u00a0\u202f\u2009'"
_COMMA_NUMBER = rf"[+-]?[0-9]+(?:[{_GROUP}][0-9]+)*(?:[,.][0-9]+)?"
MAX_NUMBER_CHARS = 40

_DTYPES: dict[Any, Any] = {str: pl.Utf8, int: pl.Int64, float: pl.Float64, bool: pl.Boolean}
_NUMBER_RULES = {_finite: float, _integer: int, _share: float}  # validator: the base type it comes with


@dataclass
class ParsedChunk:
    """One column per Profile field (FIELDS order); ok[i]: row i's values are exactly its Profile's."""

    frame: pl.DataFrame
    ok: list[bool]


def parse_csv_rows(rows: Sequence[RawRecord]) -> ParsedChunk:
    """The profile values of CSV rows of one file (one CsvColumns), and which rows were read with certainty."""
    count = len(rows)
    if not count:
        return ParsedChunk(pl.DataFrame(schema={name: _dtype(name) or pl.Utf8 for name in FIELDS}), [])
    columns = rows[0].columns
    if columns is None or any(row.columns is not columns and row.columns != columns for row in rows):
        raise ValueError("parse_csv_rows reads the CSV rows of one file: one CsvColumns for all")
    place = dict(zip(columns.names, columns.kept))  # a name given twice: the last, as RawRecord.validated
    cells = _cell_columns(rows, place)
    _, prepare, odd_cells = _plan(columns)
    # three passes over the chunk: numbers parsed, the cells left to the row path's check
    # collected (distinct), then every value and the rows' certainty in one select
    hundreds = pl.repeat(100.0, count, dtype=pl.Float64, eager=True).alias(_HUNDRED)
    # lazily, for common subexpression elimination: a number's stripped cell and its float are each read
    # by two expressions, which eager evaluation works out twice (3-6 ms of ~40 per chunk of 8,192)
    prepared = cells.lazy().with_columns(hundreds, *prepare).collect()
    odd = prepared.select(*odd_cells).row(0)
    result = prepared.select(*_outputs(columns, tuple(tuple(sorted(cells)) for cells in odd)))
    return ParsedChunk(result.drop(_OK), result.get_column(_OK).to_list())


# A file's chunks share their routes, and mostly their odd cells (the same few choices and unknown
# markers), so the expressions are made once for them: 3 ms less a chunk of 8,192 (of ~33)
@lru_cache(maxsize=4)
def _plan(columns: CsvColumns) -> tuple[dict[str, _Distinct], list[pl.Expr], list[pl.Expr]]:
    """Each present field's route; the expressions that prepare the chunk and collect its odd cells."""
    routes = {name: _route(name, columns.decimal) for name in dict(zip(columns.names, columns.kept))}
    prepare = [expr for route in routes.values() for expr in route.prepare()]
    return routes, prepare, [route.odd_cells().implode().alias(name) for name, route in routes.items()]


@lru_cache(maxsize=16)
def _outputs(columns: CsvColumns, odd: tuple[tuple[str, ...], ...]) -> list[pl.Expr]:
    """Every field's value and the rows' certainty, with the `odd` cells (per present field) read by the row path."""
    routes = _plan(columns)[0]
    outputs, fine = [], [pl.col(_WHOLE)]
    for name in FIELDS:
        if name in routes:
            value, certain = routes[name].read(list(odd[list(routes).index(name)]))
            outputs.append(value.alias(name))
            fine.append(certain)
        else:
            outputs.append(pl.lit(_default(name), dtype=_dtype(name) or pl.Utf8).alias(name))
            if FIELDS[name].required:
                fine.append(pl.lit(False))
    return [*outputs, pl.all_horizontal(*fine).fill_null(False).alias(_OK)]


_OK = "__ok__"
_HUNDRED = "__hundred__"
_WHOLE = "__whole__"  # the row's cells reached polars intact
_LINE = "__line__"
_SEPARATOR = "\x1f"  # joins a row's cells for polars to split: a control character no plain row holds


def _cell_columns(rows: Sequence[RawRecord], place: dict[str, int]) -> pl.DataFrame:
    """Each present field's cells as a string column, and _WHOLE: whether the row's cells came through intact.

    A row's cells are joined into one string and split again by polars: one string to copy
    per row instead of one per cell. A row holding the separator, of another width than the
    first row, with a cell that is not a string or with a lone surrogate is not whole (its
    cells don't matter: the row path reads it).
    """
    width = len(rows[0].data)
    if width > max(place.values()):
        cells = _read_whole(rows, place, width)
        if cells is not None:
            return cells
    try:
        frame = pl.DataFrame({_LINE: [_SEPARATOR.join(row.data) for row in rows]}, schema={_LINE: pl.Utf8})
    except (TypeError, ValueError, UnicodeEncodeError, pl.exceptions.PolarsError):
        frame = pl.DataFrame({_LINE: [_holdable(row.data) for row in rows]}, schema={_LINE: pl.Utf8})
    line = pl.col(_LINE)
    cells = line.str.split_exact(_SEPARATOR, max(width - 1, 0))
    whole = line.is_not_null() & (line.str.count_matches(_SEPARATOR, literal=True) == width - 1)
    if width <= max(place.values()):
        whole = pl.lit(False)
    return frame.select(
        *(cells.struct.field(f"field_{index}").fill_null("").alias(name) for name, index in place.items()),
        whole.fill_null(False).alias(_WHOLE),
    )


def _read_whole(rows: Sequence[RawRecord], place: dict[str, int], width: int) -> pl.DataFrame | None:
    """The cells of a chunk whose every row is whole, by polars' CSV reader; None where one may not be.

    The rows are joined into one text, cells split by _SEPARATOR and rows by a line end, and
    polars splits it again (0.10 s instead of 0.12 s for 100k rows of 20 cells, splitting each
    row's string). None, and each row is looked at on its own, unless the text gives exactly
    the rows and cells the row-by-row split calls whole.
    """
    count = len(rows)
    try:
        text = "\n".join([_SEPARATOR.join(row.data) for row in rows])
        # polars refuses a line of more cells than `width`, so with width - 1 separators a row in all,
        # every line has exactly width - 1; a line end in a cell makes more rows than `count` (unless it
        # ends the text: polars drops that one); a CR may end a line and a leading byte-order mark is dropped
        if (text.count(_SEPARATOR) != (width - 1) * count or "\r" in text or text.endswith("\n")
                or text.startswith("\ufeff")):
            return None
        frame = pl.read_csv(text.encode("utf-8"), has_header=False, separator=_SEPARATOR, quote_char=None,
                            infer_schema=False, empty_string_is_null=False, new_columns=_numbered(width))
    except (TypeError, UnicodeEncodeError, pl.exceptions.PolarsError):
        return None
    if frame.height != count:
        return None
    return frame.select(*(pl.col(f"{_CELL}{index}").alias(name) for name, index in place.items()),
                        pl.lit(True).alias(_WHOLE))


_CELL = "__cell_"


def _numbered(width: int) -> list[str]:
    return [f"{_CELL}{index}" for index in range(width)]


def _holdable(cells: Any) -> str | None:
    """A row's cells joined, or None (not whole) where one is not a string or not valid Unicode."""
    try:
        return _SEPARATOR.join(cells).encode("utf-8").decode("utf-8")
    except (TypeError, UnicodeEncodeError):
        return None


class _Distinct:
    """Any field: the row path's own check, once per distinct cell of the chunk."""

    def __init__(self, name: str, decimal: str) -> None:
        self.name, self.decimal, self.cell = name, decimal, pl.col(name)

    def prepare(self) -> list[pl.Expr]:
        return []

    def odd_cells(self) -> pl.Expr:
        return self.cell.unique()

    def read(self, odd: list[str]) -> tuple[pl.Expr, pl.Expr]:
        read = [_cell_value(self.name, cell, self.decimal) for cell in odd]
        dtype, values = _dtype(self.name), [value for _, value in read]
        if dtype is None:  # a type no route knows: its values never reach an ok row
            dtype, values = pl.Utf8, [None] * len(read)
        value = self.cell.replace_strict(odd, values, default=None, return_dtype=dtype)
        certain = self.cell.replace_strict(odd, [fine for fine, _ in read], default=False, return_dtype=pl.Boolean)
        return value, certain


class _Names(_Distinct):
    """profile._text: stripped, at most MAX_NAME characters, no control character; pydantic's min_length."""

    def __init__(self, name: str, decimal: str, shortest: int) -> None:
        super().__init__(name, decimal)
        self.shortest = shortest

    def odd_cells(self) -> pl.Expr:
        return self.cell.head(0)  # no cell is left to the check

    def read(self, odd: list[str]) -> tuple[pl.Expr, pl.Expr]:
        text = self.cell.str.strip_chars(PYTHON_SPACES)
        length = text.str.len_chars()
        return text, (length <= MAX_NAME) & (length >= self.shortest) & text.str.contains(_CONTROL.pattern).not_()


class _Numbers(_Distinct):
    """Plain decimals parsed and checked column-wise (_finite, _share, _integer); other cells through the check."""

    def __init__(self, name: str, decimal: str, validator: Any) -> None:
        super().__init__(name, decimal)
        self.share, self.whole = validator is _share, validator is _integer
        number = _COMMA_NUMBER if decimal == "," else _DOT_NUMBER
        self.pattern = rf"\A[ \t]*{number}[ \t]*" + ("%?" if self.share else "") + r"[ \t]*\z"
        self.read_as, self.percent, self.matched = (f"__{what}_{name}__" for what in ("read", "percent", "matched"))

    def prepare(self) -> list[pl.Expr]:
        # the pattern decides which cells are plain; the number is then the cell without its
        # spaces and '%' (a whole-pattern match is several times cheaper than extracting groups)
        text = self.cell.str.strip_chars(" \t")
        percent = text.str.ends_with("%")
        token = text.str.strip_suffix("%").str.strip_chars(" \t") if self.share else text
        if self.decimal == ",":  # what parse_number(decimal=",") does: group separators out, the comma a dot
            token = token.str.replace_all(f"[{_GROUP}]", "").str.replace(",", ".", literal=True)
        read = token.cast(pl.Float64, strict=False)
        plain = self.cell.str.contains(self.pattern) & (self.cell.str.len_bytes() <= MAX_NUMBER_CHARS)
        prepared = [read.alias(self.read_as), (plain & read.is_not_null()).fill_null(False).alias(self.matched)]
        if self.share:
            prepared.append(percent.alias(self.percent))
        return prepared

    def odd_cells(self) -> pl.Expr:
        return self.cell.filter(pl.col(self.matched).not_()).unique()

    def read(self, odd: list[str]) -> tuple[pl.Expr, pl.Expr]:
        v = pl.col(self.read_as)
        if self.share:
            # _share: '35%' and a bare number above 1 are percents up to 100; otherwise a fraction.
            # Divided by a column of hundreds, not a literal: polars multiplies by a literal
            # divisor's reciprocal, and 69 * 0.01 is not 69 / 100.
            value = pl.when(pl.col(self.percent) | (v > 1)).then(v / pl.col(_HUNDRED)).otherwise(v)
            fine = (v >= 0) & (v <= 100)
        else:
            value, fine = v, v.abs() <= MAX_MAGNITUDE  # _finite
            if self.whole:
                fine = fine & (v == v.floor())  # _integer
        fine = fine & _in_range(value, FIELDS[self.name])
        if self.whole:
            value = pl.when(fine).then(value).cast(pl.Int64)
        if not odd:
            return value, fine
        other_value, other_fine = super().read(odd)
        matched = pl.col(self.matched)
        return pl.when(matched).then(value).otherwise(other_value), pl.when(matched).then(fine).otherwise(other_fine)


def _route(name: str, decimal: str) -> _Distinct:
    base, validators, metadata = field_parts(name)
    if validators == [_text] and base is str and _keeps_unknown_markers(name):
        shortest = next((item.min_length for item in metadata if hasattr(item, "min_length")), None) or 0
        return _Names(name, decimal, shortest)
    if len(validators) == 1 and _NUMBER_RULES.get(validators[0]) is base:
        return _Numbers(name, decimal, validators[0])
    return _Distinct(name, decimal)


def _in_range(value: pl.Expr, spec: Any) -> pl.Expr:
    """FIELDS' range (ge, gt, le) as rowcheck applies it."""
    fine = pl.lit(True)
    if spec.minimum is not None:
        fine = fine & (value > spec.minimum if spec.exclusive_minimum else value >= spec.minimum)
    if spec.maximum is not None:
        fine = fine & (value <= spec.maximum)
    return fine


def _cell_value(name: str, cell: str, decimal: str) -> tuple[bool, Any]:
    """One cell exactly as RawRecord.validated reads it on its quick path: (read with certainty, value)."""
    value = _csv_value(name, cell, decimal) if decimal == "," else cell
    kept = cleaned_data({name: value})
    if name not in kept:  # unknown
        return not FIELDS[name].required, _default(name)
    value = quick_value(name, kept[name])
    return (False, None) if value is NOT_QUICK else (True, value)


def _keeps_unknown_markers(name: str) -> bool:
    """Whether cleaned_data keeps an empty cell of this field (the name) instead of making it unknown."""
    return name in cleaned_data({name: ""})


def _default(name: str) -> Any:
    """What the Profile holds for an absent field (a required one has none: its rows are never ok)."""
    info = Profile.model_fields[name]
    return None if info.is_required() else info.get_default(call_default_factory=True)


def _dtype(name: str) -> Any:
    base = field_parts(name)[0]
    return pl.Utf8 if get_origin(base) is Literal else _DTYPES.get(base)
