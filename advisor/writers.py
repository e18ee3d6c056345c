"""Writing batch results: CSV, JSON, JSON Lines; files replaced atomically."""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from advisor.errors import OutputError, UsageError
from advisor.profile import unknown_fields
from advisor.rulebase.schema import DEPARTMENT_MODELS

if TYPE_CHECKING:  # the engine is imported by whoever scores; writing a file needs none of it
    from advisor.engine import Engine, Evaluation
    from advisor.recommendation import Recommendation

CSV_COLUMNS = [
    "source",
    "name",
    "department_model",
    "confidence",
    "close_call",
    "next_model",
    *(f"score_{m}" for m in DEPARTMENT_MODELS),
    *(f"score_{m}_{end}" for m in DEPARTMENT_MODELS for end in ("low", "high")),
    "decided_by",
    "runner_up",
    "margin",
    "inside_share",
    "outside_share",
    "hybrid",
    "mix_applies",
    "sales_kinds",
    "technologies",
    "possible_technologies",
    "unknown_fields",
    "rule_base_name",
    "rule_base_version",
    "rule_base_sha256",
]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """A client's text as a CSV cell no spreadsheet runs as a formula (OWASP: a leading ' before = + - @ tab CR)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(engine: Engine, source: str, ev: Evaluation) -> dict[str, Any]:
    """One CSV row: the decisions of an evaluation, without its trace. Text from the input cannot become a formula."""
    row: dict[str, Any] = {
        "source": text_cell(source),
        "name": text_cell(ev.profile.name),
        "department_model": ev.department_model,
        "confidence": ev.confidence,
        "close_call": str(not ev.started and ev.margin < engine.near_tie).lower(),
        "next_model": ev.next_model or "",
        "decided_by": ev.decided_by,
        "runner_up": ev.runner_up,
        "margin": ev.margin,
        "inside_share": ev.inside_share,
        "outside_share": ev.outside_share,
        "hybrid": str(ev.hybrid).lower(),
        "mix_applies": str(not engine.mix_not_applicable(ev)).lower(),  # false: a sale at the premises, no split
        "sales_kinds": " ".join(engine.sales_kinds(ev)),
        "technologies": " ".join(engine.technologies_with(ev, "applies")),
        "possible_technologies": " ".join(engine.technologies_with(ev, "possible")),
        "unknown_fields": " ".join(unknown_fields(ev.profile)),
        "rule_base_name": engine.rule_base.meta.name,
        "rule_base_version": engine.rule_base.meta.version,
        "rule_base_sha256": engine.rule_base.sha256,
    }
    for outcome in DEPARTMENT_MODELS:
        row[f"score_{outcome}"] = round(ev.scores[outcome], 4)
        row[f"score_{outcome}_low"] = round(ev.score_low[outcome], 4) + 0.0
        row[f"score_{outcome}_high"] = round(ev.score_high[outcome], 4) + 0.0
    return row


def json_record(source: str, rec: Recommendation, *, trace: bool = True) -> dict[str, Any]:
    """The readable definition of a batch JSON record; BatchWriter writes the same bytes from json_records."""
    return {"source": source, **rec.batch_dict(trace=trace)}


_FLUSH_AT = 1 << 20  # bytes of JSON gathered before one write: a write call per record (1-7 KB) is slow


class BatchWriter:
    """Streams records in one format (csv, json or jsonl) to a text stream.

    `encode` turns an evaluation into one record's text; `write` puts encoded records in
    order. The two are apart so another process can encode and this one write.
    """

    def __init__(self, stream: IO[str], fmt: str, engine: Engine, *, trace: bool = True,
                 records: str = "lean") -> None:
        self.stream = stream
        self.fmt = fmt
        self.trace = trace
        self.records = records
        self.count = 0
        self._headed = False  # a lean file's header is written: a JSON array's records follow it
        self._pending: list[bytes | memoryview] = []
        self._size = 0
        self.encode = record_encoder(engine, fmt, trace=trace, records=records)
        if fmt == "csv":
            self._emit(csv_header().encode())
            return
        if fmt == "json":
            self._emit(b"[")
        if records == "lean":  # what the rule base fixes, once, as the first record
            import orjson

            from advisor.json_records import lean_header

            self.write(orjson.dumps(lean_header(engine)))
            self.count = 0  # the header is no scored record
            self._headed = True

    def write(self, record: bytes | memoryview) -> None:
        """One record as `encode` made it (or a view of it in a worker's file)."""
        if self.fmt == "csv":
            self._emit(record)
        elif self.fmt == "jsonl":
            self._emit(record, b"\n")
        else:
            self._emit(b"\n" if self.count == 0 and not self._headed else b",\n", record)
        self.count += 1

    def write_many(self, records: list[bytes]) -> None:
        """Records as `encode` made them, one after another: the same bytes as write() on each."""
        if self.fmt == "json" and self.count == 0 and not self._headed and records:
            self.write(records[0])  # the first record of an array without a header: no comma before it
            records = records[1:]
        pieces: list[bytes | memoryview] = records  # type: ignore[assignment]
        if self.fmt != "csv":  # a line break after each JSON Lines record, a comma and one before each array item
            pieces = [b"\n" if self.fmt == "jsonl" else b",\n"] * (2 * len(records))
            pieces[self.fmt == "json"::2] = records
        # gathered a quarter of _FLUSH_AT at a time, so each write joins little more than _FLUSH_AT bytes, as
        # write() does: a run's records joined whole (~12 MB), or in pieces of 2 MB, took fresh memory from
        # the system (page faults) for each, 2-4x the CPU of writing them
        step = max(2, len(pieces) * (_FLUSH_AT // 4) // (sum(map(len, pieces)) + 1))
        for start in range(0, len(pieces), step):
            self._emit(*pieces[start:start + step])
        self.count += len(records)

    def _emit(self, *chunks: bytes | memoryview) -> None:
        self._pending += chunks
        self._size += sum(map(len, chunks))
        if self._size >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Write the gathered records out."""
        data = b"".join(self._pending)
        self._pending, self._size = [], 0
        binary = getattr(self.stream, "buffer", None)
        if binary is None:  # a text-only stream (e.g. io.StringIO)
            self.stream.write(data.decode("utf-8"))
        else:
            self.stream.flush()
            binary.write(data)

    def close(self) -> None:
        if self.fmt == "json":
            self._emit(b"\n]\n" if self.count or self._headed else b"]\n")
        self.flush()
        self.stream.flush()


Encode = Callable[[str, "Evaluation"], bytes]


def record_encoder(engine: Engine, fmt: str, *, trace: bool = True, records: str = "lean") -> Encode:
    """The function that makes one record of `fmt` from an evaluation: a CSV line or JSON, as UTF-8 bytes.

    JSON records are lean (rules by index into the file's header) or full (today's readable shape)."""
    if fmt != "csv" and records == "lean":
        from advisor.json_records import LeanRecords

        encode_lean = LeanRecords(engine).encode
        return lambda source, ev: encode_lean(source, ev, trace=trace)
    if fmt != "csv":
        from advisor.json_records import JsonRecords

        encode_json = JsonRecords(engine).encode
        return lambda source, ev: encode_json(source, ev, trace=trace)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")  # a DictWriter checks every row's keys again

    def encode_csv(source: str, ev: Evaluation) -> bytes:
        row = csv_row(engine, source, ev)
        writer.writerow([row[column] for column in CSV_COLUMNS])
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return line.encode()

    return encode_csv


def csv_header() -> str:
    return ",".join(CSV_COLUMNS) + "\n"  # the names need no quoting


STDOUT_NAMES = ("-", "/dev/stdout")  # `-o -` and `-o /dev/stdout` mean standard output, written as it goes
_WRITE_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EACCES, errno.EPERM}
_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket",
          stat.S_IFDIR: "a folder"}


def is_stdout(path: Path | str | None) -> bool:
    return path is not None and str(path) in STDOUT_NAMES


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def output_target(path: Path) -> tuple[Path, int]:
    """The regular file an output replaces (a symlink's target: the link stays) and the mode to give it.

    An existing file keeps its mode (a shared reports folder stays readable to colleagues);
    a new one gets 0666 less the umask, as any program's new file. Anything that is not a
    regular file is refused: renaming a file over a FIFO or a device node would replace it.
    """
    target = Path(os.path.realpath(path)) if os.path.islink(path) else path
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot use as an output: {exc.strerror}", file=str(path)) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = _KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        hint = "; --output needs a file name" if stat.S_ISDIR(info.st_mode) else (
            "; outputs are written to regular files only (leave out -o, or use -o -, for standard output)")
        raise OutputError(f"is {kind}{hint}", file=str(path))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("the output's folder does not exist", file=str(path))
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    return target, mode


@contextlib.contextmanager
def atomic_output(path: Path, stdout: IO[str] | None = None) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path`, then rename over it: all or nothing.

    `-` and `/dev/stdout` write to `stdout` (the process's by default) as the text comes.
    A failure (a full disk, a read-only folder) is an OutputError naming the file; the
    temporary file is removed whatever ends the write, Ctrl-C and SIGTERM included.
    """
    if is_stdout(path):
        stream = stdout or sys.stdout
        yield stream
        stream.flush()
        return
    path = Path(path)
    target, mode = output_target(path)
    try:
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write in {target.parent}: {exc.strerror}", file=str(path)) from None
    try:
        if hasattr(os, "fchmod"):  # POSIX; a filesystem without modes (FAT) keeps its own
            with contextlib.suppress(OSError):
                os.fchmod(fd, mode)
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if exc.errno in _WRITE_FAILURES and not isinstance(exc, (BrokenPipeError, FileNotFoundError)):
            raise OutputError(f"cannot write: {exc.strerror}; nothing was written", file=str(path)) from None
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


MAX_STEM = 80  # characters of a file name made from a profile name (a file name is at most 255 bytes)


def file_stem(name: str) -> str:
    """A file name from a profile name: 'Зелёный сад, ООО' -> 'зелёный-сад-ооо' (readable, safe in any folder)."""
    return re.sub(r"[^\w]+", "-", name.lower())[:MAX_STEM].strip("-_") or "profile"


def refuse_overwriting_inputs(output: Path, inputs: list[str]) -> None:
    """An output that is one of the inputs, or inside an input folder's profiles, would destroy data."""
    if is_stdout(output):
        return
    target = Path(output).resolve()
    for item in inputs:
        if item == "-":
            continue
        source = Path(item).resolve()
        if target == source or (source.is_dir() and target.parent == source and target.suffix.lower() in (
            ".yaml", ".yml", ".csv", ".tsv", ".jsonl", ".ndjson", ".json"
        )):
            raise UsageError(
                "refusing to write the output over an input (or into the input folder as a profile file)",
                file=str(output),
            )
