"""An export file as a table of text columns: CSV (plain or gzipped) or XLSX.

Encoding (UTF-8 with or without BOM, else Windows-1251) and delimiter (, ; tab |) are
detected from the first 64 KiB. Every column is read as text; parsing.py turns
dates and amounts into values and counts what it could not read.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import InputError
from advisor.inputs import check_regular, check_workbook, export_source, gunzip_bounded

SAMPLE = 1 << 16


@dataclass
class Export:
    frame: Any  # polars.DataFrame, all columns text
    file: str
    encoding: str
    delimiter: str | None  # None for XLSX
    # column -> (its file, the frame's column holding each row's line there), for frames joined from two files
    origins: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def decimal_comma(self) -> bool:
        return self.delimiter == ";"  # Excel writes ';' exactly where ',' is the decimal mark

    def where(self, column: str, row: int) -> str:
        """file:line of a value: the header is line 1 (a quoted cell spanning lines shifts the count)."""
        if column in self.origins:
            file, lines = self.origins[column]
            return f"{file}:{self.frame.get_column(lines)[row]}"
        return f"{self.file}:{row + 2}"


@dataclass
class ExportFile:
    """An export opened far enough to know its header; `read` then loads only the columns needed."""

    path: Path
    encoding: str
    delimiter: str | None
    header: list[str]
    gzipped: bool = False
    workbook: Any = None  # the whole sheet, for XLSX

    def read(self, columns: list[str]) -> Export:
        import polars as pl

        file, wanted = str(self.path), list(dict.fromkeys(columns))
        if self.workbook is not None:
            return Export(self.workbook.select(wanted), file, self.encoding, None)
        options = dict(separator=self.delimiter, infer_schema=False, truncate_ragged_lines=True, columns=wanted)
        try:
            if self.encoding == "utf-8":
                try:  # polars reads the file itself: the fast path for million-line exports
                    frame = pl.read_csv(export_source(self.path, self.gzipped), **options)
                except pl.exceptions.ComputeError:  # a stray invalid byte past the sample
                    frame = pl.read_csv(export_source(self.path, self.gzipped), encoding="utf8-lossy", **options)
            else:
                raw = gunzip_bounded(self.path) if self.gzipped else self.path.read_bytes()
                frame = pl.read_csv(io.BytesIO(raw.decode("cp1251").encode("utf-8")), **options)
        except pl.exceptions.NoDataError:
            raise InputError("empty file: no header row", file=file) from None
        except pl.exceptions.PolarsError as exc:
            raise InputError(f"not a readable CSV: {str(exc).splitlines()[0]}", file=file) from None
        return Export(frame, file, self.encoding, self.delimiter)


def _sample(path: Path, gzipped: bool) -> bytes:
    try:
        if gzipped:
            with gzip.open(path, "rb") as stream:
                return stream.read(SAMPLE)
        with open(path, "rb") as stream:
            return stream.read(SAMPLE)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", file=str(path)) from None


def _encoding(sample: bytes) -> str:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not merely a character cut at the sample's end
            return "cp1251"
    return "utf-8"


def _delimiter(text: str, file: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        raise InputError("empty file: no header row", file=file)
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        header = lines[0]
        return max(",;\t|", key=header.count) if any(c in header for c in ",;\t|") else ","


def open_export(path: Path) -> ExportFile:
    import polars as pl

    file = str(path)
    if not path.exists():
        raise InputError("no such file", file=file)
    if path.is_dir():
        raise InputError("is a folder; give the export file", file=file)
    check_regular(path)  # /dev/zero or a pipe would be read without end
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in (".xlsx", ".xlsm"):
        check_workbook(path)  # bounded: a zip bomb is refused before it is expanded
        try:
            sheet = pl.read_excel(path, infer_schema_length=0)
        except Exception as exc:  # fastexcel raises its own types for broken workbooks
            raise InputError(f"cannot read the workbook: {str(exc).splitlines()[0]}", file=file) from None
        sheet = sheet.with_columns(pl.all().cast(pl.String))
        return ExportFile(path, "xlsx", None, sheet.columns, workbook=sheet)
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    sample = _sample(path, gzipped)
    if sample[:2] == b"\x1f\x8b" and not gzipped:
        raise InputError("gzipped data: name the file *.gz", file=file)
    encoding = _encoding(sample)
    text = sample.decode(encoding, errors="ignore").lstrip("\ufeff")
    delimiter = _delimiter(text, file)
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    if not any(h.strip() for h in header):
        raise InputError("empty file: no header row", file=file)
    return ExportFile(path, encoding, delimiter, header, gzipped)

