"""Writing batch results: CSV, JSON, JSON Lines; files replaced atomically."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from advisor.errors import UsageError
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
    "sales_kinds",
    "technologies",
    "possible_technologies",
    "unknown_fields",
    "rule_base_name",
    "rule_base_version",
    "rule_base_sha256",
]


def csv_row(engine: Engine, source: str, ev: Evaluation) -> dict[str, Any]:
    """One CSV row: the decisions of an evaluation, without its trace."""
    row: dict[str, Any] = {
        "source": source,
        "name": ev.profile.name,
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


_FLUSH_AT = 1 << 20  # bytes of JSON gathered before one write: records are ~7 KB, a write call each is slow


class BatchWriter:
    """Streams records in one format (csv, json or jsonl) to a text stream.

    `encode` turns an evaluation into one record's text; `write` puts encoded records in
    order. The two are apart so another process can encode and this one write.
    """

    def __init__(self, stream: IO[str], fmt: str, engine: Engine, *, trace: bool = True) -> None:
        self.stream = stream
        self.fmt = fmt
        self.trace = trace
        self.count = 0
        self._pending: list[bytes] = []
        self._size = 0
        self.encode = record_encoder(engine, fmt, trace=trace)
        if fmt == "csv":
            stream.write(csv_header())
        elif fmt == "json":
            self._emit(b"[")

    def write(self, record: bytes | str) -> None:
        """One record as `encode` made it."""
        if self.fmt == "csv":
            self.stream.write(record)  # type: ignore[arg-type]
        elif self.fmt == "jsonl":
            self._emit(record, b"\n")  # type: ignore[arg-type]
        else:
            self._emit(b"\n" if self.count == 0 else b",\n", record)  # type: ignore[arg-type]
        self.count += 1

    def _emit(self, *chunks: bytes) -> None:
        self._pending += chunks
        self._size += sum(map(len, chunks))
        if self._size >= _FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Write the gathered JSON out."""
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
            self._emit(b"\n]\n" if self.count else b"]\n")
        if self.fmt != "csv":
            self.flush()
        self.stream.flush()


Encode = Callable[[str, "Evaluation"], "bytes | str"]


def record_encoder(engine: Engine, fmt: str, *, trace: bool = True) -> Encode:
    """The function that makes one record of `fmt` from an evaluation: a CSV line (str) or JSON (UTF-8 bytes)."""
    if fmt != "csv":
        from advisor.json_records import JsonRecords

        encode_json = JsonRecords(engine).encode
        return lambda source, ev: encode_json(source, ev, trace=trace)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")

    def encode_csv(source: str, ev: Evaluation) -> str:
        writer.writerow(csv_row(engine, source, ev))
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return line

    return encode_csv


def csv_header() -> str:
    return ",".join(CSV_COLUMNS) + "\n"  # the names need no quoting


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[IO[str]]:
    """Write to a temporary file beside `path`, then rename over it: all or nothing."""
    path = Path(path)
    if path.is_dir():
        raise UsageError("is a folder; --output needs a file name", file=str(path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError("the output's folder does not exist", file=str(path))
    handle = tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", dir=folder, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            yield handle
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def file_stem(name: str) -> str:
    """A file name from a profile name: 'Зелёный сад, ООО' -> 'зелёный-сад-ооо' (readable, safe in any folder)."""
    return re.sub(r"[^\w]+", "-", name.lower()).strip("-_") or "profile"


def refuse_overwriting_inputs(output: Path, inputs: list[str]) -> None:
    """An output that is one of the inputs, or inside an input folder's profiles, would destroy data."""
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
