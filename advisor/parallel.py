"""Scoring a long stream on several processes, with results in input order.

The parent reads: CSV and JSON Lines rows stay raw (cells and their line). Worker
processes validate, evaluate and encode chunks of them, each chunk's records into a file
of its own in a private temporary folder, and send back only what the parent must say
and count (source, name, model, messages, where each record sits in the file). The parent
takes each chunk's file whole in input order, writes its records, reports bad records in
that order and counts everything, exactly as one process would. Records the parent cannot
hand over (a YAML profile, whose errors point at lines inside its document) are scored in
the parent, in turn. The folder is removed however the run ends (Ctrl-C and SIGTERM too).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from advisor.checks import check_answers
from advisor.errors import AdvisorError, ProfileError
from advisor.readers import RawRecord, Record

if TYPE_CHECKING:
    from advisor.engine import Engine
    from advisor.rulebase.loader import RuleBase

# (file, line, name, department_model, encoded record) for a scored record;
# (file, line, None, None, the located error) for a rejected one. line is None for a whole file.
Outcome = tuple[str, "int | None", Any, Any, Any, "tuple[str, ...]"]  # ..., located warnings on the answers

CHUNK = 500  # records a worker scores per task: large enough that passing them costs little
MAX_JOBS = 8  # workers at most by default: beyond it the parent's reading is the limit
START_METHOD: str | None = None  # None: fork where there is one (Linux), else spawn (Windows, macOS)
PARALLEL_MIN_BYTES = 256 << 10  # CSV / JSON Lines input (~2,500 rows) below which one process is as quick
# --report-dir without --jobs: profiles from which default_jobs() worker processes write the reports. A report
# costs ~5 ms, explain most of it; a worker's start, its first reports (each fills its own caches) and each
# profile evaluated again there cost 4-25% more CPU in all. bench/reports.py --crossover on this 2-CPU machine,
# --jobs 2 against --jobs 1, wall, medians of 3 interleaved rounds (two runs of 32-2,000, one of 600 and 1,000),
# other sessions keeping the load at 5-11 throughout, as it was / with one CPU kept busy by a spinner:
#   32 profiles 1.11-1.18 / 1.09-1.10, 100: 1.18-1.25 / 0.91-0.96, 300: 1.08 / 0.79-0.90,
#   600: 1.07 / 0.80, 1,000: 0.97 / 0.76, 2,000: 0.76-0.96 / 0.68-0.74 (and 0.62 at a load of 1, last round).
# Below 300 they mostly lose (up to 25%); from 300 on they gain 10-32% with a CPU kept busy and lose at most
# 8% without it, on a machine this loaded; the less loaded, the more two CPUs gain.
PARALLEL_MIN_REPORTS = 300


def score_here(records: Iterable[Record | RawRecord], engine: Engine,
               encode: Callable[[str, Any], Any], lang: str = "en") -> Iterator[Outcome]:
    """Score records in this process, one outcome each, in order; warnings on the answers in `lang`."""
    evaluate = engine.evaluate
    for record in records:
        if type(record) is RawRecord:
            record = record.validated()
        error = record.error
        if error is None:
            try:
                evaluation = evaluate(record.profile)
            except ProfileError as exc:  # e.g. a currency the rule base has no rate for
                exc.file, exc.line = record.file, record.line_of(exc.key) or record.line
                error = exc
            else:
                warnings = tuple(c.located(record.file, record.line_of, lang) for c in check_answers(record.profile))
                yield (record.file, record.line, record.profile.name, evaluation.department_model,
                       encode(record.source, evaluation), warnings)
                continue
        yield record.file, record.line, None, None, error.located(), ()


def default_jobs() -> int:
    """The CPUs this process may use, at most MAX_JOBS: the workers score starts for long JSON Lines input
    and --report-dir for PARALLEL_MIN_REPORTS profiles or more, unless --jobs says how many.

    On a 2-CPU machine shared with other work, 100,000 rows with 2 workers took 22 s against
    26-32 s for one process at a load of about 6 (7% more CPU in all), but 87 s against 66 s
    at a load of 11 (bench/run.py): the load average does not say which, so CPUs decide.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_JOBS))


def worth_parallel(inputs: list[str], csv: bool = True) -> bool:
    """Whether the CSV (with `csv`) and JSON Lines among `inputs` are long enough to pay for starting workers."""
    from advisor.readers import CSV_SUFFIXES, JSONL_SUFFIXES

    suffixes = CSV_SUFFIXES + JSONL_SUFFIXES if csv else JSONL_SUFFIXES
    size = 0
    for item in inputs:
        if item == "-":
            continue
        try:  # an input that cannot be listed or measured is the reader's to report
            path = os.path.abspath(item)
            names = ([os.path.join(path, n) for n in os.listdir(path) if not n.startswith(".")]
                     if os.path.isdir(path) else [path])
            size += sum(os.path.getsize(n) for n in names
                        if n.lower().endswith(suffixes) and os.path.isfile(n))
        except OSError:
            continue
    return size >= PARALLEL_MIN_BYTES


# ---- in a worker ----------------------------------------------------------------------

_worker: tuple[Engine, Callable[[str, Any], Any], str] | None = None


def _start_worker(rule_base: RuleBase, fmt: str, trace: bool, shape: str, lang: str = "en") -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once
    for name in ("SIGTERM", "SIGHUP"):  # a forked worker inherits the parent's unwinding handler; it just ends
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    from advisor.engine import Engine
    from advisor.writers import record_encoder

    engine = Engine(rule_base)
    _worker = engine, record_encoder(engine, fmt, trace=trace, records=shape), lang


def _score_chunk(path: str, chunk: list[RawRecord | Outcome]) -> list[Outcome]:
    """Score `chunk`, writing its encoded records one after another to `path`.

    A scored record's outcome carries (offset, length) of its bytes in the file instead
    of the bytes: pickling records through a pipe cost the parent more than scoring them.
    """
    assert _worker is not None
    engine, encode, lang = _worker
    out: list[Outcome] = []
    parts: list[bytes] = []
    size = 0
    for item in chunk:
        if type(item) is RawRecord:
            for outcome in score_here((item,), engine, encode, lang):
                if outcome[3] is not None:  # scored: its record goes to the file
                    data = outcome[4]
                    parts.append(data)
                    outcome = (*outcome[:4], (size, len(data)), outcome[5])
                    size += len(data)
                out.append(outcome)
        else:  # already an outcome: a row the parent rejected while reading
            out.append(item)  # type: ignore[arg-type]
    with open(path, "wb") as handle:
        handle.write(b"".join(parts))
    return out


# ---- in the parent --------------------------------------------------------------------


def score_in_pool(records: Iterable[Record | RawRecord], engine: Engine, encode: Callable[[str, Any], Any], *,
                  fmt: str, trace: bool, jobs: int, shape: str = "lean", lang: str = "en") -> Iterator[Outcome]:
    """Outcomes of `records` in order, raw rows scored by `jobs` worker processes.

    At most jobs + 1 chunks are in flight, so memory stays flat however long the
    input. Closing the iterator early (--fail-fast) cancels what has not started.
    """
    # fork shares the loaded rule base and starts in milliseconds; spawn (Windows, macOS) re-imports.
    # Forking a process that runs other threads can deadlock the child, so then spawn too.
    method = START_METHOD or ("fork" if "fork" in multiprocessing.get_all_start_methods()
                              and _single_threaded() else "spawn")
    context = multiprocessing.get_context(method)
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                               initargs=(engine.rule_base, fmt, trace, shape, lang))
    pending: deque[tuple[Future[list[Outcome]], str] | list[Outcome]] = deque()
    window = jobs + 1
    chunk: list[Any] = []
    folder = tempfile.mkdtemp(prefix="advisor-score-")  # 0700: this user's alone
    chunks = 0

    def submit() -> None:
        nonlocal chunk, chunks
        path = os.path.join(folder, f"{chunks}.records")
        chunks += 1
        pending.append((pool.submit(_score_chunk, path, chunk), path))
        chunk = []

    gc.freeze()  # workers leave what they inherit alone, so it stays shared instead of copied
    try:
        pool.submit(int).result()  # start the workers now, before this process starts any thread
        for record in records:
            if type(record) is RawRecord:
                chunk.append(record)
            elif record.error is not None:
                chunk.append((record.file, record.line, None, None, record.error.located(), ()))
            else:  # a YAML or JSON profile: scored here, in its turn
                if chunk:
                    submit()
                pending.append(list(score_here((record,), engine, encode, lang)))
            if len(chunk) >= CHUNK:
                submit()
            while len(pending) > window:
                yield from _result(pending.popleft())
        if chunk:
            submit()
        while pending:
            yield from _result(pending.popleft())
    finally:
        gc.unfreeze()
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        finally:  # after the workers: none is left writing into the folder
            shutil.rmtree(folder, ignore_errors=True)


def _single_threaded() -> bool:
    try:  # every thread, including those a library started outside the threading module
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return threading.active_count() == 1


def _result(item: tuple[Future[list[Outcome]], str] | list[Outcome]) -> list[Outcome]:
    """A chunk's outcomes in order, each scored record's bytes taken from the chunk's file."""
    if isinstance(item, list):
        return item
    future, path = item
    try:
        outcomes = future.result()
    except BrokenProcessPool:
        raise AdvisorError("a scoring process ended unexpectedly (killed, or out of memory?); "
                           "run again, or with --jobs 1") from None
    with open(path, "rb") as handle:
        data = memoryview(handle.read())
    with contextlib.suppress(OSError):
        os.unlink(path)
    return [(*o[:4], data[o[4][0]:o[4][0] + o[4][1]], o[5]) if o[3] is not None else o for o in outcomes]
