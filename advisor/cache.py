"""Slow, pure loads kept between runs: the validated rule base, the message catalogue.

A founder waits on every command, and parsing and validating the YAML they come from
costs more than scoring. A cache entry holds the result (pickled) and what it was made
from: the hash of every file the load read, the files it looked for and did not find,
the names in every folder it listed, and advisor's own code (each module's size and time). Anything different, or any
trouble reading the entry, means a normal load; a load that fails is never cached.

The folder is $ADVISOR_CACHE_DIR (set it empty for no cache), else
$XDG_CACHE_HOME/advisor, else ~/.cache/advisor. Deleting it is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from advisor import __version__

T = TypeVar("T")

# (path, sha256 of its bytes) for a file read, (path, None) for one looked for and absent,
# (folder, "listing:" + sha256 of its names) for a folder listed
Witnessed = list[tuple[str, "str | None"]]
_witness: ContextVar[Witnessed | None] = ContextVar("advisor_cache_witness", default=None)


def read_bytes(path: Path) -> bytes:
    """`path.read_bytes()`, noted as an input of the load being cached, if any."""
    raw = path.read_bytes()
    witnessed = _witness.get()
    if witnessed is not None:
        witnessed.append((str(path), hashlib.sha256(raw).hexdigest()))
    return raw


def is_file(path: Path) -> bool:
    """`path.is_file()`; an absent file is noted, since its appearing would change the load."""
    found = path.is_file()
    witnessed = _witness.get()
    if witnessed is not None and not found:
        witnessed.append((str(path), None))
    return found


_LISTING = "listing:"


def listing(folder: Path) -> list[str]:
    """The names in `folder`, sorted; noted, since a file appearing or going away would change the load."""
    names = sorted(os.listdir(folder))
    witnessed = _witness.get()
    if witnessed is not None:
        witnessed.append((str(folder), _LISTING + _names_digest(names)))
    return names


def _names_digest(names: list[str]) -> str:
    return hashlib.sha256("\0".join(names).encode("utf-8", "surrogateescape")).hexdigest()


def cache_dir() -> Path | None:
    explicit = os.environ.get("ADVISOR_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "advisor"


def cached(kind: str, key: str, load: Callable[[], T]) -> T:
    """`load()`, or its result from an earlier run when nothing it read has changed since."""
    folder = cache_dir()
    if folder is None:
        return load()
    name = hashlib.sha256(f"{kind}\0{key}\0{_code()}".encode()).hexdigest()[:24]
    entry = folder / f"{kind}-{name}.pickle"
    with contextlib.suppress(Exception):  # a cache that cannot be read is a cache miss, whatever the reason
        with entry.open("rb") as stream:
            witnessed, result = pickle.load(stream)
        if _unchanged(witnessed):
            return result
    witnessed = []
    token = _witness.set(witnessed)
    try:
        result = load()
    finally:
        _witness.reset(token)
    _store(entry, (witnessed, result))
    return result


def _unchanged(witnessed: Witnessed) -> bool:
    for path, digest in witnessed:
        if digest is None:
            if os.path.isfile(path):
                return False
        elif digest.startswith(_LISTING):
            try:
                if _LISTING + _names_digest(sorted(os.listdir(path))) != digest:
                    return False
            except OSError:
                return False
        else:
            try:
                with open(path, "rb") as stream:
                    if hashlib.sha256(stream.read()).hexdigest() != digest:
                        return False
            except OSError:
                return False
    return True


def _store(entry: Path, value: Any) -> None:
    """Write atomically; a cache that cannot be written (read-only home, full disk) is simply not kept."""
    with contextlib.suppress(Exception):
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile("wb", dir=entry.parent, prefix=f".{entry.name}.", delete=False)
        try:
            with handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(handle.name)
            raise


_code_stamp: str | None = None


def _code() -> str:
    """advisor's version and modules (size and time of each), Python's and pydantic's versions."""
    global _code_stamp
    if _code_stamp is None:
        import pydantic.version

        parts = [__version__, sys.version, pydantic.version.VERSION]
        package = os.path.dirname(os.path.abspath(__file__))
        folders = [package]
        while folders:
            with os.scandir(folders.pop()) as entries:
                for item in entries:
                    if item.is_dir():
                        if item.name != "__pycache__":
                            folders.append(item.path)
                    elif item.name.endswith(".py"):
                        stat = item.stat()
                        parts.append(f"{item.path}:{stat.st_size}:{stat.st_mtime_ns}")
        _code_stamp = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()
    return _code_stamp
