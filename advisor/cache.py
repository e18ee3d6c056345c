"""Parsed YAML kept between runs, as plain JSON data: the rule files and the message catalogue.

Parsing the rule files' YAML and building pydantic's validators for them are most of what
loading a rule base costs. So each file's parse, and what validating it gave
(advisor/rulebase/stored.py), are kept, keyed by the SHA-256 of its bytes and of advisor's
own code, and the loader reads and hashes every file on every run: an edited file is a new
key, validated as ever, and nothing stale is used.

A cache must never be a way in. Entries are JSON (nothing in them can run, unlike a
pickle), read back only from a folder that is this user's alone (owned by them, writable
by no one else: created 0700, checked on every use, else no cache at all), only from
regular files owned by this user, and anything unexpected in one is a miss. The folder is
$ADVISOR_CACHE_DIR (set it empty for no cache), else the system's cache folder for
advisor (platformdirs: ~/.cache/advisor or $XDG_CACHE_HOME/advisor on Linux). Deleting it
is always safe.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from advisor import __version__
from advisor.places import cache_dir, private_folder

__all__ = ["cache_dir", "cached_json", "cached_yaml"]

T = TypeVar("T")
MAX_ENTRY = 16 << 20  # bytes: a cached rule file is ~40 KB; anything bigger is not ours
MAX_ENTRIES = 64  # entries kept; each edit of a rule file makes a new one, the oldest go
_PATH_PARTS = frozenset({str, int})  # what a path into a YAML document is made of
_DATE = "\0date"  # a date in the data (the currency table's as_of), tagged as no YAML key can be


class Uncacheable(Exception):
    """Data JSON cannot hold exactly (a non-text key, a float that is not finite): parsed every time."""


def cached_json(kind: str, raw: bytes, build: Callable[[], T], to_json: Callable[[T], Any],
                from_json: Callable[[Any], T]) -> T:
    """`build()`, or what it gave on an earlier run for these same bytes, kept as JSON.

    `from_json` must check what it reads and raise on anything unexpected (a miss).
    """
    folder = cache_dir()
    if folder is None or not private_folder(folder):
        return build()
    key = hashlib.sha256(b"\0".join([kind.encode(), _code().encode(), raw])).hexdigest()[:32]
    entry = folder / f"{kind}-{key}.json"
    with contextlib.suppress(Exception):  # unreadable, not ours, not JSON, not the shape: a miss
        return from_json(_read_entry(entry))
    result = build()
    with contextlib.suppress(Uncacheable, TypeError, ValueError, OverflowError):
        _store(entry, to_json(result))
    return result


def cached_yaml(raw: bytes, file: str, parse: Callable[[], Any]) -> Any:
    """The LocatedDocument `parse()` makes of a YAML file's bytes `raw`, from the cache when it has them."""
    from advisor.yamlio import LocatedDocument

    def to_json(doc: LocatedDocument) -> Any:
        if doc.problems:  # mistakes read past (a duplicate key) are reported on every run: parse it every time
            raise Uncacheable("a document with problems")
        marks = [[list(path), line, doc.columns.get(path)] for path, line in doc.lines.items()]
        return {"data": _plain(doc.data), "marks": marks}

    def from_json(stored: Any) -> LocatedDocument:
        lines: dict[tuple[Any, ...], int] = {}
        columns: dict[tuple[Any, ...], int] = {}
        for path, line, column in stored["marks"]:
            key = tuple(path)
            # every part checked in C by issuperset (a generator here cost 7 M instructions a load)
            if not (type(path) is list and _PATH_PARTS.issuperset(map(type, key)) and type(line) is int
                    and (column is None or type(column) is int)):
                raise ValueError("not a cache entry")
            lines[key] = line
            if column is not None:
                columns[key] = column
        return LocatedDocument(data=_restored(stored["data"]), file=file, lines=lines, columns=columns)

    return cached_json("yaml", raw, parse, to_json, from_json)


NOT_SCALAR = object()  # json_scalar's answer for a value that is no scalar


def json_scalar(value: Any) -> Any:
    """A str, bool, int, None or finite float as it is; NOT_SCALAR for anything else; Uncacheable for
    a float JSON cannot hold (NaN, infinities)."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise Uncacheable("a float JSON cannot hold")
        return value
    return NOT_SCALAR


def _plain(value: Any) -> Any:
    """YAML data as JSON can hold it: dates tagged; anything else JSON would change is Uncacheable."""
    scalar = json_scalar(value)
    if scalar is not NOT_SCALAR:
        return scalar
    kind = type(value)
    if kind is dict:
        if any(type(k) is not str or k == _DATE for k in value):
            raise Uncacheable("a key that is not text")
        return {k: _plain(v) for k, v in value.items()}
    if kind is list:
        return [_plain(v) for v in value]
    if kind is dt.date:
        return {_DATE: value.isoformat()}
    raise Uncacheable(kind.__name__)


def _restored(value: Any) -> Any:
    if isinstance(value, dict):
        if _DATE in value:
            return dt.date.fromisoformat(value[_DATE])
        return {k: _restored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restored(v) for v in value]
    return value


def _read_entry(entry: Path) -> Any:
    """The JSON of a cache entry that is a regular file of this user's, no one else can write, and small."""
    import orjson

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(entry, flags)  # a symlink or a FIFO planted in its place fails here or below
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY:
            raise ValueError("not a cache entry")
        if hasattr(os, "geteuid") and (info.st_uid != os.geteuid() or info.st_mode & 0o022):
            raise ValueError("not this user's alone")
        return orjson.loads(stream.read(MAX_ENTRY + 1))


def _store(entry: Path, value: Any) -> None:
    """Write atomically (0600); a cache that cannot be written (read-only home, full disk) is simply not kept."""
    import orjson

    data = orjson.dumps(value)
    with contextlib.suppress(OSError):
        handle = tempfile.NamedTemporaryFile("wb", dir=entry.parent, prefix=f".{entry.name}.", delete=False)
        try:
            with handle:
                handle.write(data)
            os.replace(handle.name, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(handle.name)
            raise
        _prune(entry.parent)


def _prune(folder: Path) -> None:
    entries = [p for p in folder.glob("*.json") if p.is_file()]
    if len(entries) > MAX_ENTRIES:
        entries.sort(key=lambda p: p.stat().st_mtime)
        for old in entries[: len(entries) - MAX_ENTRIES]:
            with contextlib.suppress(OSError):
                old.unlink()


_code_stamp: str | None = None


def _code() -> str:
    """advisor's version and modules (size and time of each) and Python's version: a parse depends on them."""
    global _code_stamp
    if _code_stamp is None:
        parts = [__version__, sys.version]
        package = os.path.dirname(os.path.abspath(__file__))
        folders = [package]
        while folders:
            with os.scandir(folders.pop()) as entries:
                for item in entries:
                    if item.is_dir():
                        if item.name != "__pycache__":
                            folders.append(item.path)
                    elif item.name.endswith(".py"):
                        info = item.stat()
                        parts.append(f"{item.path}:{info.st_size}:{info.st_mtime_ns}")
        _code_stamp = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()
    return _code_stamp
