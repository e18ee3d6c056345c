"""Reading profiles from YAML files, folders, CSV, JSON Lines and standard input.

Records stream one at a time, so memory stays flat however long a CSV is. Each record
carries where it came from (file, or file:line) and either a Profile or the error
that rejected it; a bad record never stops the others.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from advisor.errors import AdvisorError, InputError, ProfileError, UsageError
from advisor.profile import FIELD_NAMES, FIELDS, Profile, parse_number, shown, validate_profile
from advisor.slotted import slotted
from advisor.suggest import did_you_mean
from advisor.inputs import (
    MAX_DOCUMENT, LineError, Lines, decode_document, open_input, read_bounded, read_head,
)
from advisor.yamlio import parse_yaml

YAML_SUFFIXES = (".yaml", ".yml")
CSV_SUFFIXES = (".csv", ".tsv")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
PROFILE_SUFFIXES = YAML_SUFFIXES + CSV_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES
STDIN = "-"
csv.field_size_limit(10 * 1024 * 1024)  # very long cells are data to reject, not a crash


def source_of(file: str, line: int | None) -> str:
    """Where a record came from, as messages and outputs name it: file:line, or the file for a whole file."""
    return file if line is None else f"{file}:{line}"


@slotted(hidden=('line_of',))
class Record:
    """One input record: a profile, or the error that rejected it."""

    __slots__ = ("file", "line", "profile", "error", "line_of")
    file: str
    line: int | None
    profile: Profile | None
    error: AdvisorError | None
    line_of: Callable[[str | None], int | None]

    def __init__(self, file: str, line: int | None, profile: Profile | None = None,
                 error: AdvisorError | None = None,
                 line_of: Callable[[str | None], int | None] = lambda key: None) -> None:
        self.file = file
        self.line = line
        self.profile = profile
        self.error = error
        self.line_of = line_of

    @property
    def source(self) -> str:
        return source_of(self.file, self.line)


class CsvColumns(NamedTuple):
    """How one CSV file's cells map to profile fields: shared by all of its rows."""

    names: tuple[str, ...]  # the profile fields present, in column order
    kept: tuple[int, ...]  # the index of each of those columns in a row
    decimal: str  # "," for Excel's export in Russian and Ukrainian locales, else "."


class RawRecord(NamedTuple):
    """A CSV or JSON Lines row read but not yet validated: picklable, so another process can score it.

    `data` is a mapping (JSON Lines) or a CSV row's cells as read, with the file's `columns`.
    Every key of such a row sits on the row's own line, so its location needs no document.
    """

    file: str
    line: int
    data: Any
    columns: CsvColumns | None = None

    @property
    def source(self) -> str:
        return f"{self.file}:{self.line}"

    def validated(self) -> Record:
        line, data, columns = self.line, self.data, self.columns
        if columns is not None:
            if columns.decimal == ",":
                data = {name: _csv_value(name, data[i], ",") for name, i in zip(columns.names, columns.kept)}
            else:  # the validators strip and parse; nothing to convert first
                data = {name: data[i] for name, i in zip(columns.names, columns.kept)}
        return _validated(data, self.file, line, lambda key: line, quick=True)


Warn = Callable[[str], None]


def _bad(file: str, line: int | None, error: AdvisorError) -> Record:
    if error.file is None:
        error.file = file
    if error.line is None:
        error.line = line
    return Record(file=file, line=line, error=error)


def _validated(
    data: Any, file: str, line: int | None, line_of: Callable[[str | None], int | None], quick: bool = False
) -> Record:
    try:
        profile = validate_profile(data, file=file, line_of=line_of, quick=quick)
    except ProfileError as exc:
        return Record(file=file, line=line, error=exc, line_of=line_of)
    return Record(file=file, line=line, profile=profile, line_of=line_of)


# ---- YAML and JSON ----------------------------------------------------------------


def read_yaml_text(text: str, file: str) -> Iterator[Record]:
    """A mapping is one profile; a list of mappings is one profile per item."""
    try:
        doc = parse_yaml(text, file)
    except InputError as exc:
        yield _bad(file, exc.line, exc)
        return
    if doc.data is None:
        yield _bad(file, 1, ProfileError("empty file: expected a profile (field: value lines)"))
        return
    if isinstance(doc.data, list):
        if not doc.data:
            yield _bad(file, 1, ProfileError("empty list: no profiles"))
        for index, item in enumerate(doc.data):
            line = doc.line_of((index,))

            def line_of(key: str | None, index: int = index) -> int | None:
                return doc.line_of((index, key) if key is not None else (index,))

            yield _validated(item, file, line, line_of)
        return

    def line_of_key(key: str | None) -> int | None:
        return doc.line_of((key,) if key is not None else ())

    yield _validated(doc.data, file, None, line_of_key, quick=True)


MAX_JSON_DEPTH = 64  # a profile is two levels deep; 100,000 levels would exhaust the parser's stack
MAX_INT_DIGITS = 30


class JsonProblem(ValueError):
    """Valid JSON that no profile can be: a key given twice, a 5,000-digit number, nesting too deep."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:  # json keeps the last silently; YAML refuses, and so do we
            raise JsonProblem(f"duplicate key {key[:100]!r}")
        result[key] = value
    return result


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonProblem(f"a number of {len(text):,} digits is too long")
    return int(text)


def _too_deep(text: str) -> bool:
    """Whether brackets nest deeper than MAX_JSON_DEPTH (strings included: an over-count only refuses nonsense)."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return False
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


_KEY = re.compile(r'"\s*:')  # a key's closing quote and colon (a string value holding '":' only over-counts)
_BIG = 10**MAX_INT_DIGITS


def _keys(data: Any) -> int:
    """The keys kept in `data`; JsonProblem for an integer of more than MAX_INT_DIGITS digits."""
    values = data.values() if isinstance(data, dict) else data
    count = len(data) if isinstance(data, dict) else 0
    for value in values:
        kind = type(value)
        if kind is dict or kind is list:
            count += _keys(value)
        elif kind is int and not -_BIG < value < _BIG:
            raise JsonProblem(f"a number of {len(str(abs(value))):,} digits is too long")
    return count


def parse_json(text: str) -> Any:
    """json.loads, refusing duplicate keys, overlong integers and deep nesting with a ProfileError.

    The C parser reads every line; only a line that may hold a key twice (more key marks than
    keys kept) or a long number is parsed again with the checking hooks, so JSON Lines stay fast.
    """
    if _too_deep(text):
        raise ProfileError(f"malformed JSON: nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        error = ProfileError(f"malformed JSON: {exc.msg}")
        error.line = exc.lineno
        raise error from None
    except RecursionError:
        raise ProfileError("malformed JSON: nested too deep") from None
    except ValueError:  # an integer past Python's 4,300 digits: the hooks say which
        data = None
    try:
        kept = _keys(data) if isinstance(data, (dict, list)) else 0
    except JsonProblem as exc:
        raise ProfileError(f"JSON: {exc}") from None
    if data is None or len(_KEY.findall(text)) > kept:
        try:
            return json.loads(text, object_pairs_hook=_object, parse_int=_integer)
        except JsonProblem as exc:
            raise ProfileError(f"JSON: {exc}") from None
        except ValueError as exc:
            raise ProfileError(f"malformed JSON: {exc}") from None
    return data


def read_json_text(text: str, file: str) -> Iterator[Record]:
    try:
        data = parse_json(text)
    except ProfileError as exc:
        yield _bad(file, exc.line, exc)
        return
    items = data if isinstance(data, list) else [data]
    for item in items:
        yield _validated(item, file, None, lambda key: None)


def read_jsonl_lines(lines: Iterable[str], file: str) -> Iterator[Record | RawRecord]:
    numbered = lines if isinstance(lines, Lines) else None
    iterator = iter(lines)
    number = 0
    while True:
        try:
            text = next(iterator)
        except StopIteration:
            break
        except LineError as exc:
            number = exc.line
            yield _bad(file, exc.line, ProfileError(exc.message))
            continue
        number = numbered.number if numbered is not None else number + 1
        if not text.strip():
            continue
        try:
            data = parse_json(text)
        except ProfileError as exc:
            exc.line = None
            yield _bad(file, number, exc)
            continue
        yield RawRecord(file, number, data)


# ---- CSV --------------------------------------------------------------------------


def sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_value(name: str, value: str, decimal: str) -> Any:
    """Excel in Russian and Ukrainian locales writes '0,35' and '1 200,5': read them as numbers."""
    spec = FIELDS[name]
    text = value.strip()
    if decimal != "," or not spec.numeric or not text:
        return text
    percent = text.endswith("%")
    try:
        number = parse_number(text.rstrip("%").strip(), decimal=",")
    except ValueError:
        return text  # let validation say what is wrong with it
    return f"{number!r}%" if percent else number


def read_csv_lines(lines: Iterable[str], file: str, warn: Warn) -> Iterator[Record | RawRecord]:
    """Rows of a CSV whose header holds profile field names."""
    iterator = iter(lines)
    header_line = None
    skipped = 0
    while True:
        try:
            header_line = next(iterator)
        except StopIteration:
            yield _bad(file, 1, ProfileError("empty file: expected a header row of profile field names"))
            return
        except LineError as exc:
            yield _bad(file, exc.line, ProfileError(f"header: {exc.message}"))
            return
        skipped += 1
        if header_line.strip():
            break
    delimiter = sniff_delimiter(header_line)
    decimal = "," if delimiter == ";" else "."
    header = next(csv.reader([header_line], delimiter=delimiter))
    header_row = skipped
    columns: list[str | None] = []
    seen: set[str] = set()
    ignored: list[str] = []
    lowered = {n.lower(): n for n in FIELD_NAMES}
    for raw in header:
        name = raw.strip().lstrip("\ufeff")
        canonical = lowered.get(name.lower())
        if canonical is None:
            columns.append(None)
            if name:
                ignored.append(f"'{name}'{did_you_mean(name, FIELD_NAMES)}")
            continue
        if canonical in seen:
            yield _bad(file, header_row, ProfileError(f"column '{canonical}' appears twice in the header"))
            return
        seen.add(canonical)
        columns.append(canonical)
    if not seen:
        yield _bad(
            file,
            header_row,
            ProfileError(
                f"none of the {len(header)} columns is a profile field (see `advisor fields`); "
                "this looks like an export, not profiles"
            ),
        )
        return
    if ignored:
        warn(f"{file}:{header_row}: ignored columns that are not profile fields: {', '.join(ignored)}")
    if "name" not in seen:
        yield _bad(
            file,
            header_row,
            ProfileError("no 'name' column; the header must name profile fields, e.g. name,leads_per_month"),
        )
        return

    # A line without a quote (and no CR but its line end) is its cells split at the delimiter, as csv.reader
    # would split it (2.5 times quicker than csv.reader for 20 cells); any other line starts a row csv.reader reads,
    # over as many lines as its quoted cells span. `position` is the physical lines read after the header's,
    # so a row is located at its first line; a line that cannot be read (too long, bad bytes) is reported
    # and the rows after it still are. Lines bounds a line to 1 MB, under csv's field size limit.
    source = iterator.in_runs() if isinstance(iterator, Lines) else iter(iterator)
    feed = _Feed(source)
    reader = csv.reader(feed, delimiter=delimiter)
    position = header_row
    width = len(columns)
    kept = tuple(i for i, col in enumerate(columns) if col is not None)
    shared = CsvColumns(tuple(columns[i] for i in kept), kept, decimal)  # type: ignore[misc]
    while True:
        start = position + 1
        try:
            line = next(source)
        except StopIteration:
            break
        except LineError as exc:
            position += 1
            yield _bad(file, exc.line, ProfileError(exc.message))
            continue
        position += 1
        text = line.rstrip("\r\n")
        if '"' in text or "\r" in text:
            feed.pushed = line
            taken = reader.line_num
            try:
                cells = next(reader)
            except LineError as exc:  # a line of the row, after its first: the row is left out with it
                position += reader.line_num - taken
                yield _bad(file, exc.line, ProfileError(exc.message))
                continue
            except csv.Error as exc:
                position += reader.line_num - taken - 1
                yield _bad(file, start, ProfileError(f"malformed CSV row: {shown(str(exc))}"))
                continue
            finally:
                feed.pushed = None
            position += reader.line_num - taken - 1
        else:
            cells = text.split(delimiter)  # a blank line: [''], skipped below as csv.reader's [] is
        # a row of the header's width whose first cell (or any) is not blank: a record; a blank line or a
        # row of empty cells: nothing; any other row: its width is wrong
        if len(cells) == width and (cells[0].strip() or "".join(cells).strip()):
            yield _raw(RawRecord, (file, start, cells, shared))
        elif "".join(cells).strip():
            yield _bad(file, start, ProfileError(f"row has {len(cells)} cells, the header has {width}"))


class _Feed:
    """csv.reader's lines: the line a row starts with, given back, then the lines after it."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.pushed: str | None = None

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        line, self.pushed = self.pushed, None
        return next(self.lines) if line is None else line


_raw = tuple.__new__  # a RawRecord made from its fields without NamedTuple's Python-level __new__


# ---- files, folders, stdin --------------------------------------------------------


def display_name(path: Path | str) -> str:
    """A path as messages and outputs show it: bytes that are not UTF-8 as \\xNN, never a lone surrogate."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def read_file(path: Path, warn: Warn) -> Iterator[Record | RawRecord]:
    """The records of one file, opened once (a named pipe can be read only once) and read within limits."""
    file = display_name(path)
    try:
        handle = open_input(path)
    except InputError as exc:
        yield _bad(file, exc.line, exc)
        return
    with handle:
        yield from read_stream(handle, file, path.suffix.lower(), warn)


def read_stream(handle: IO[bytes], file: str, suffix: str, warn: Warn) -> Iterator[Record | RawRecord]:
    """Records from a byte stream: by its suffix, or (none known) by its first line."""
    try:
        head = read_head(handle, file)
        if suffix not in PROFILE_SUFFIXES:
            if not head.strip():
                yield _bad(file, 1, ProfileError("no input: expected a profile"))
                return
            suffix = _suffix_of(head)
        if suffix in CSV_SUFFIXES or suffix in JSONL_SUFFIXES:
            lines = Lines(handle, file, head=head)
            if suffix in CSV_SUFFIXES:
                yield from read_csv_lines(lines, file, warn)
            else:
                yield from read_jsonl_lines(lines, file)
            return
        text = decode_document(head + read_bounded(handle, file, MAX_DOCUMENT - len(head)), file)
    except InputError as exc:
        yield _bad(file, exc.line, exc)
        return
    if suffix in JSON_SUFFIXES:
        yield from read_json_text(text, file)
    else:
        yield from read_yaml_text(text, file)


def _suffix_of(head: bytes) -> str:
    """Standard input or a file without a known suffix: YAML, CSV, JSON or JSON Lines, by its first line."""
    first = next((line.strip() for line in head.splitlines() if line.strip()), b"")
    first = first.removeprefix(b"\xef\xbb\xbf")
    if first.startswith(b"{"):
        return ".jsonl"
    if first.startswith(b"["):
        return ".json"
    text = first.decode("utf-8", errors="replace")
    if text.startswith(("---", "#")) or (":" in text and sniff_delimiter(text) not in text):
        return ".yaml"
    return ".csv" if text else ".yaml"


def read_text_auto(text: str, file: str, warn: Warn) -> Iterator[Record | RawRecord]:
    """Text already in memory (a test, a string), read as standard input would be."""
    yield from read_stream(io.BytesIO(text.encode("utf-8")), file, "", warn)


def read_folder(folder: Path, warn: Warn) -> Iterator[Record | RawRecord]:
    try:
        entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError as exc:
        yield _bad(str(folder), None, InputError(f"cannot read the folder: {exc.strerror}"))
        return
    skipped = [p.name for p in entries if p.is_file() and p.suffix.lower() not in PROFILE_SUFFIXES]
    if skipped:
        shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
        warn(f"{folder}: skipped {len(skipped)} file(s) that are not profiles: {shown}")
    subfolders = [p.name for p in entries if p.is_dir()]
    if subfolders:
        warn(f"{folder}: did not descend into sub-folder(s): {', '.join(subfolders)}")
    special = [p.name for p in entries if p.exists() and not p.is_file() and not p.is_dir()]
    if special:  # a stale named pipe would block the run forever; name it on the command line to read it
        warn(f"{folder}: skipped {len(special)} special file(s) (named pipes, sockets, devices): {', '.join(special[:5])}")
    for path in entries:
        # a regular file, or a symlink that leads nowhere (reported as unreadable, never silently skipped)
        if path.suffix.lower() in PROFILE_SUFFIXES and (path.is_file() or (path.is_symlink() and not path.exists())):
            yield from read_file(path, warn)


def check_inputs(inputs: list[str]) -> None:
    """Usage errors before anything is read: a missing input stops the whole run."""
    if not inputs:
        raise UsageError("no input: name profile files, folders, or - for standard input")
    if inputs.count(STDIN) > 1:
        raise UsageError("standard input (-) can be read only once")
    for item in inputs:
        if item != STDIN and not Path(item).exists():
            raise UsageError("no such file or folder", file=display_name(item))


def read_inputs(inputs: list[str], warn: Warn, stdin: IO[str] | None = None) -> Iterator[Record]:
    """Every record of every input, in the order given, validated."""
    for item in read_inputs_raw(inputs, warn, stdin):
        yield item.validated() if type(item) is RawRecord else item


def read_inputs_raw(inputs: list[str], warn: Warn, stdin: IO[str] | None = None) -> Iterator[Record | RawRecord]:
    """Every record of every input, in the order given; CSV and JSON Lines rows not yet validated."""
    check_inputs(inputs)
    for item in inputs:
        if item == STDIN:
            stream = stdin if stdin is not None else sys.stdin
            binary = getattr(stream, "buffer", None)  # bytes: a pipe of Windows-1251 or bad UTF-8 is read like a file
            if binary is None:
                binary = io.BytesIO(stream.read(MAX_DOCUMENT + 1).encode("utf-8", errors="surrogateescape"))
            yield from read_stream(binary, "<stdin>", "", warn)
            continue
        path = Path(item)
        yield from read_folder(path, warn) if path.is_dir() else read_file(path, warn)


def read_one_profile(item: str, stdin: IO[str] | None = None) -> Record:
    """The single profile a command such as `recommend` works on."""
    records = list(read_inputs([item], warn=lambda message: None, stdin=stdin))
    if len(records) != 1:
        raise UsageError(
            f"expected one profile, found {len(records)}; use `advisor score` for several", file=item
        )
    return records[0]
