"""Writing reports: one file for `advisor report`, a folder with an index for `score --report-dir`."""

from __future__ import annotations

import contextlib
import os
import stat
from collections import deque
from pathlib import Path
from typing import Any

from advisor.errors import AdvisorError, UsageError
from advisor.parallel import PARALLEL_MIN_REPORTS, default_jobs
from advisor.wording import wording
from advisor.report.content import build_report
from advisor.writers import atomic_output, file_stem


def report_text(engine: Any, profile: Any, *, source: str | None, lang: str, fmt: str) -> tuple[str, Any]:
    content = build_report(engine, profile, source=source, lang=lang)
    if fmt == "json":
        import json

        from advisor.report.data import report_data

        return json.dumps(report_data(content), ensure_ascii=False, indent=2) + "\n", content
    if fmt == "html":
        from advisor.report.html import render_html

        return render_html(content), content
    from advisor.report.markdown import render_report_markdown

    return render_report_markdown(content), content


def format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    if suffix == ".json":
        return "json"
    raise UsageError("the report is HTML, Markdown or JSON: name the file *.html, *.md or *.json", file=str(path))


def write_report(path: Path, text: str) -> None:
    with atomic_output(path) as stream:
        stream.write(text)


_new_mode: int | None = None  # 0666 less the umask: a new report's mode (the umask is read once a process)
_temporaries = 0  # temporary names made by this process


def write_in_folder(path: Path, text: str) -> None:
    """write_report for a report of --report-dir, in 6 system calls instead of ~12.

    The same all-or-nothing write: the text goes to a new hidden temporary file beside `path` (O_EXCL: made
    here, never an existing one), which is renamed over it once complete; a new file gets 0666 less the
    umask, an existing one keeps its mode. Only a missing path or a regular file is written this way, and a
    failure of any kind removes the temporary file and hands the whole write to write_report, which then
    writes or says what is wrong exactly as for any other output (a symlink's target, a full disk).
    2,000 reports: 1.81 -> 1.57 s CPU in the system and this process (mostly the kernel's, for 62 MB).
    """
    global _new_mode, _temporaries
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError:
        return write_report(path, text)
    if info is not None and not stat.S_ISREG(info.st_mode):
        return write_report(path, text)
    if _new_mode is None:
        mask = os.umask(0o022)
        os.umask(mask)
        _new_mode = 0o666 & ~mask
    mode = stat.S_IMODE(info.st_mode) if info is not None else _new_mode
    _temporaries += 1
    temporary = os.path.join(os.path.dirname(path), f".{path.name[:100]}.{os.getpid()}-{_temporaries}.tmp")
    try:
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError:  # not made here: not removed either
            return write_report(path, text)
        try:
            if hasattr(os, "fchmod"):  # as atomic_output: a filesystem without modes (FAT) keeps its own
                with contextlib.suppress(OSError):
                    os.fchmod(fd, mode)
            data = memoryview(text.encode("utf-8"))
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        write_report(path, text)
    except BaseException:  # Ctrl-C, SIGTERM: no temporary file outlives the run
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def unique_stem(name: str, taken: set[str], counters: dict[str, int] | None = None) -> str:
    """A file stem for `name` not in `taken` (then taken): two profiles with one name get two files.

    `counters` remembers, per stem, the next number to try, so n profiles of one name cost
    n steps, not n squared (16,000 same-named profiles took 12 s).
    """
    stem = file_stem(name)
    counters = {} if counters is None else counters
    candidate, n = stem, counters.get(stem, 2)
    if candidate in taken:
        candidate = f"{stem}-{n}"
    while candidate in taken:  # a name that already ends like a number, e.g. "Acme-2"
        n += 1
        candidate = f"{stem}-{n}"
    counters[stem] = n + 1 if candidate != stem else n
    taken.add(candidate)
    return candidate


# With --jobs N (N > 1), a folder of fewer than START reports is rendered by this process; from START on,
# worker processes render them CHUNK at a time: a task of 8 reports pays for its passing, and few wait in
# flight when the run is stopped (what is running ends first). Without --jobs, workers start from
# PARALLEL_MIN_REPORTS profiles (figures there).
START = 32
CHUNK = 8

_reporter: tuple[Any, str] | None = None  # in a worker: the engine and the language


_writing = False  # in a worker: whether it is writing reports (a task), when SIGTERM or SIGHUP may come


class _Stopped(BaseException):
    """SIGTERM or SIGHUP in a worker while it writes: unwinds the write, which removes its temporary file."""


def _stop(signum: int, frame: Any) -> None:
    if _writing:
        raise _Stopped
    os._exit(128 + signum)  # between tasks: nothing of its own to remove


def _start_reporter(rule_base: Any, lang: str) -> None:
    global _reporter
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once
    # A worker writes into the report folder itself: ended at once by SIGTERM sent to every process (as a
    # service manager does), it left a report's temporary file there. It ends after unwinding the write instead.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _stop)
    from advisor.engine import Engine

    _reporter = Engine(rule_base), lang


def _render_chunk(folder: str, chunk: list[tuple[Any, str, str]]) -> list[dict[str, Any]]:
    """In a worker: write the reports of `chunk` ((profile, source, stem) each, evaluated here); their index rows."""
    global _writing
    assert _reporter is not None
    engine, lang = _reporter
    try:
        _writing = True
        rows = _render(Path(folder), engine, lang, chunk)
        _writing = False
        return rows
    except _Stopped:
        os._exit(143)  # the parent, told too, says so; the pool's own exit would wait for the next task


# A report's explain and rendering make and drop ~1 M short-lived objects, and the collector's usual pace
# (a young collection every 700 more objects) walked them ~1.2 times a report: 2,487 collections, ~8% of
# the CPU of 2,000 reports (gc.callbacks). While reports are made it waits for this many instead (4
# collections); it still runs, so any cycle is still freed, and the usual pace comes back after.
YOUNG_OBJECTS = 50_000


def _render(folder: Path, engine: Any, lang: str, chunk: list[tuple[Any, str, str]]) -> list[dict[str, Any]]:
    """Write the reports of `chunk` ((profile or its Evaluation, source, stem) each); their index rows."""
    import gc

    pace = gc.get_threshold()
    gc.set_threshold(max(pace[0], YOUNG_OBJECTS), *pace[1:])
    try:
        return _render_each(folder, engine, lang, chunk)
    finally:
        gc.set_threshold(*pace)


def _render_each(folder: Path, engine: Any, lang: str, chunk: list[tuple[Any, str, str]]) -> list[dict[str, Any]]:
    from advisor.engine import Evaluation
    from advisor.report.html import render_html

    rows = []
    for scored, source, stem in chunk:
        evaluation = scored if type(scored) is Evaluation else None  # made by the batch: not made again
        profile = scored.profile if evaluation is not None else scored
        content = build_report(engine, profile, source=source, lang=lang, evaluation=evaluation)
        write_in_folder(folder / f"{stem}.html", render_html(content))
        rec = content.recommendation
        rows.append({
            "name": profile.name, "href": f"{stem}.html", "model": rec.department_model.id,
            "model_label": content.t(f"model_short.{rec.department_model.id}") + " · "
                           + content.t(f"confidence.{rec.department_model.confidence}"),
            "inside": rec.sales_mix.inside_share,
            "headcount": content.plan.total if content.plan else None, "items": len(rec.applied_technologies),
            "unknown": len(rec.unknown_fields),
        })
    return rows


class ReportFolder:
    """Collects one HTML report per scored profile, then writes the sortable index.

    Profiles are named (their file stems) here in input order. With `jobs` 1 each report is written as
    its profile comes; with more, once there are START, they are rendered CHUNK at a time by `jobs`
    worker processes, and a folder of fewer here. `jobs` None: default_jobs() (one per CPU, up to 8)
    from PARALLEL_MIN_REPORTS profiles on. `close()` stops the workers,
    whatever ended the run.
    """

    def __init__(self, folder: Path, engine: Any, lang: str, jobs: int | None = None) -> None:
        if folder.exists() and not folder.is_dir():
            raise UsageError("--report-dir is a file, not a folder", file=str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.engine, self.lang = folder, engine, lang
        self._rows: list[dict[str, Any]] = []
        self.taken: set[str] = {"index"}
        self.counters: dict[str, int] = {}
        if jobs is None:  # the CPUs, from as many profiles as they pay for
            self.jobs, self.start = default_jobs(), PARALLEL_MIN_REPORTS
        else:
            self.jobs, self.start = jobs, START
        self._chunk: list[tuple[Any, str, str]] = []
        self._pending: deque[Any] = deque()  # futures of chunks in flight, in input order
        self._pool: Any = None

    def add(self, scored: Any, source: str) -> None:
        """A scored profile, or its Evaluation (the batch's: the report does not evaluate it again), and its source."""
        profile = getattr(scored, "profile", scored)
        self._chunk.append((scored, source, unique_stem(profile.name, self.taken, self.counters)))
        if self.jobs == 1 or len(self._chunk) >= (self.start if self._pool is None else CHUNK):  # one process: each as it comes
            self._flush(more=True)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The index rows of every profile added, in order (once the reports in flight are written)."""
        self._flush(more=False)
        while self._pending:
            self._rows.extend(self._result(self._pending.popleft()))
        return self._rows

    def _flush(self, more: bool) -> None:
        chunk, self._chunk = self._chunk, []
        if not chunk:
            return
        if self._pool is None and more:
            self._start()
        if self._pool is None:
            self._rows.extend(_render(self.folder, self.engine, self.lang, chunk))
            return
        # a worker gets the profile alone and evaluates it again: an Evaluation is several times larger to send
        chunk = [(getattr(scored, "profile", scored), source, stem) for scored, source, stem in chunk]
        for start in range(0, len(chunk), CHUNK):
            self._pending.append(self._pool.submit(_render_chunk, str(self.folder), chunk[start:start + CHUNK]))
            while len(self._pending) > self._window:  # memory stays flat however many profiles
                self._rows.extend(self._result(self._pending.popleft()))

    def _start(self) -> None:
        from advisor.parallel import START_METHOD, _single_threaded

        jobs = self.jobs
        if jobs <= 1:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = START_METHOD or ("fork" if "fork" in multiprocessing.get_all_start_methods()
                                  and _single_threaded() else "spawn")
        self._pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                                         initializer=_start_reporter, initargs=(self.engine.rule_base, self.lang))
        # Chunks in flight: 4 a worker, so a parent kept waiting for a CPU (its own scoring, pickling, the
        # results) leaves queued work behind it, not idle workers. jobs + 1 took 1.42x the wall of this at a
        # load of 9.5 (2,000 profiles, --jobs 2, 3 interleaved rounds; 0.95x the CPU); 32 profiles a worker at most.
        self._window = 4 * jobs

    @staticmethod
    def _result(future: Any) -> list[dict[str, Any]]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool:
            raise AdvisorError("a report-writing process ended unexpectedly (killed, or out of memory?); "
                               "run again, or with --jobs 1") from None

    def finish(self) -> Path:
        from advisor.report.html import render_index

        rows = self.rows
        self.close()
        index = self.folder / "index.html"
        write_report(index, render_index(rows, wording(self.lang)))
        return index

    def close(self) -> None:
        """Stop the workers: what is running ends, what waits is dropped."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
