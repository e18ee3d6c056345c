"""Text columns to dates and amounts, vectorised; the format is chosen per column.

Dates: ISO (2024-03-01, with or without time or 'T'), DD.MM.YYYY, M/D/YYYY or D/M/YYYY,
DD-MM-YYYY, YYYY/MM/DD; the time of day is dropped. The format that reads the most values
of the column wins, so 3/4/2024 is read as the rest of the column is. Amounts take spaces
and non-breaking spaces as thousands separators and a decimal comma where the file uses one.
"""

from __future__ import annotations

from typing import Any

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%y")
_PROBE = 2000  # values tried per candidate format


def date_part(column: Any) -> Any:
    """The date before any time: '2024-03-01 10:15', '2024-03-01T10:15:00Z', '01.03.2024 10:15'."""
    sample = column.drop_nulls().head(_PROBE).str.strip_chars()
    parts = sample.str.split_exact(" ", 1).struct.field("field_0").str.split_exact("T", 1).struct.field("field_0")
    lengths = parts.str.len_chars().unique()
    if lengths.len() == 1 and sample.str.len_chars().min() >= lengths[0]:
        return column.str.slice(0, lengths[0])  # fixed-width dates (ISO, DD.MM.YYYY): a cheap cut
    text = column.str.strip_chars().str.split_exact(" ", 1).struct.field("field_0")
    return text.str.split_exact("T", 1).struct.field("field_0")


def choose_date_format(text: Any) -> str | None:
    """The format reading the most of a sample of non-empty values; None if none reads any."""
    import polars as pl

    present = text.drop_nulls()
    sample = present.filter(present != "").head(_PROBE)
    if sample.len() == 0:
        return None
    best, best_count = None, 0
    for fmt in DATE_FORMATS:
        count = sample.str.strptime(pl.Date, fmt, strict=False).drop_nulls().len()
        if count > best_count:
            best, best_count = fmt, count
    return best


def parse_dates(column: Any) -> tuple[Any, str | None]:
    """(dates, format): unreadable values become null."""
    import polars as pl

    text = date_part(column)
    fmt = choose_date_format(text)
    if fmt is None:
        return pl.Series(column.name, [None] * column.len(), dtype=pl.Date), None
    return text.str.strptime(pl.Date, fmt, strict=False), fmt


def parse_amounts(column: Any, decimal_comma: bool) -> Any:
    """Numbers as people and spreadsheets write them; unreadable values become null."""
    import polars as pl

    plain = column.cast(pl.Float64, strict=False)
    if not decimal_comma and unreadable(column, plain) == 0:
        return _finite(plain).alias(column.name)  # the common case: plain numbers, no cleaning needed
    text = column.str.strip_chars().str.replace_all(r"[\s\u00a0\u202f'$€£₽₴]", "")
    if not decimal_comma:
        # a comma with no dot in the column, before one or two digits, is a decimal comma too
        with_comma = text.drop_nulls().filter(text.drop_nulls().str.contains(","))
        if with_comma.len() and with_comma.str.contains(r"^-?\d*,\d{1,2}$").all():
            decimal_comma = True
    if decimal_comma:
        # '1.200,50' -> 1200.50; a value with no comma ('3.5') keeps its dot
        frame = pl.DataFrame({"t": text})
        text = frame.select(
            pl.when(pl.col("t").str.contains(",", literal=True))
            .then(pl.col("t").str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
            .otherwise(pl.col("t"))
        ).to_series()
    else:
        text = text.str.replace_all(",", "", literal=True)
    return _finite(text.cast(pl.Float64, strict=False)).alias(column.name)


def _finite(numbers: Any) -> Any:
    """NaN, inf and overflowing values such as 1e400 are no amount: null, so they count as unreadable."""
    finite = numbers.is_finite()
    if finite.all(ignore_nulls=True):
        return numbers
    return numbers.set(~finite.fill_null(True), None)


def unreadable(original: Any, parsed: Any) -> int:
    """Values present in the file (not empty, not blank) that did not parse."""
    failed = original.filter(original.is_not_null() & parsed.is_null())
    return int((failed.str.strip_chars() != "").sum()) if failed.len() else 0


def first_unreadable(original: Any, parsed: Any) -> tuple[int, str] | None:
    """(row index, value as written) of the first value present in the file that did not parse."""
    failed = original.is_not_null() & parsed.is_null() & (original.str.strip_chars() != "")
    rows = failed.arg_true()
    if rows.len() == 0:
        return None
    return int(rows[0]), str(original[int(rows[0])])
