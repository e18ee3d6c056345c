"""CPU cost of the column-wise batch stages (advisor.columns: parse, evaluate, warnings) per 100k rows.

    python bench/columns_evaluate.py [--rows 100000] [--chunk 8192] [--repeat 5] [--tree DIR] [--check 2000]

bench/run.py's generated CSV read into RawRecords (not timed); then, --repeat times, CPU time
(time.process_time: every thread of this process, polars' pool included) of parse_csv_rows,
of ColumnEngine.evaluate (as the batch path runs it: a checkout before the records ordered the
reasons themselves works them out here too) and of the warnings on contradictory answers (English) over chunks of
--chunk rows, per 100k rows, and each call's fixed cost (parse and evaluate on a 10-row chunk). --tree times another checkout's advisor (e.g. main's) with
this script, so two states can be run interleaved under the same load. --check: that many
rows compared with the row path (RawRecord.validated, Engine.evaluate), bit for bit.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from columns_options import chunk_options

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = chunk_options()
    parser.add_argument("--check", type=int, default=2000, help="rows compared with the row path")
    args = parser.parse_args()
    sys.path[:0] = [str(args.tree.resolve()), str(args.tree.resolve() / "tests"), str(HERE)]
    # advisor from --tree, imported before bench/run.py puts this checkout first on the path
    from advisor.columns.evaluate import ColumnEngine
    from advisor.columns.parse import parse_csv_rows
    from advisor.engine import Engine
    from advisor.rulebase.loader import load_rule_base
    from run import generated_chunks

    rows, chunks = generated_chunks(args.rows, args.chunk)
    engine = Engine(load_rule_base())
    columns = ColumnEngine(engine)
    warnings = _warnings()
    per = 100_000 / len(rows)
    parse_times, evaluate_times, parse_fixed, evaluate_fixed, warning_times = [], [], [], [], []
    small = parse_csv_rows(rows[:10]).frame
    for _ in range(args.repeat):
        start = time.process_time()
        parsed = [parse_csv_rows(chunk) for chunk in chunks]
        parse_times.append((time.process_time() - start) * per)
        start = time.process_time()
        results = [columns.evaluate(chunk.frame) for chunk in parsed]
        evaluate_times.append((time.process_time() - start) * per)
        start = time.process_time()
        for chunk, raw in zip(parsed, chunks):
            warnings(chunk.frame, raw)
        warning_times.append((time.process_time() - start) * per)
        start = time.process_time()
        for _ in range(10):
            parse_csv_rows(rows[:10])
        parse_fixed.append((time.process_time() - start) / 10)
        start = time.process_time()
        for _ in range(10):
            columns.evaluate(small)
        evaluate_fixed.append((time.process_time() - start) / 10)

    def line(name: str, times: list[float], unit: float = 1.0, fmt: str = ".3f") -> str:
        return (f"  {name:28s} {statistics.median(times) * unit:{fmt}}  "
                f"({', '.join(f'{t * unit:{fmt}}' for t in times)})")

    print(f"{Path(sys.modules['advisor'].__file__).parent.parent}: {len(rows):,} rows in chunks of {args.chunk:,}; CPU, median of {args.repeat}:")
    print(line("parse_csv_rows s/100k", parse_times))
    print(line("ColumnEngine.evaluate s/100k", evaluate_times))
    print(line("warnings s/100k", warning_times))
    print(line("parse per call ms (10 rows)", parse_fixed, 1000, ".1f"))
    print(line("evaluate per call ms (10 rows)", evaluate_fixed, 1000, ".1f"))
    if args.check:
        from columns_helpers import differences

        ok = [flag for chunk in parsed for flag in chunk.ok][:args.check]
        profiles = [row.validated().profile for row in rows[:args.check]]
        frame = [chunk.frame for chunk in parsed]
        import polars as pl

        values = pl.concat(frame).head(args.check).rows()
        from advisor.profile import FIELDS
        parse_wrong = sum(1 for flag, row, profile in zip(ok, values, profiles) if flag and (
            profile is None or any((type(v), repr(v)) != (type(getattr(profile, n)), repr(getattr(profile, n)))
                                   for n, v in zip(FIELDS, row))))
        kept = [i for i, flag in enumerate(ok) if flag]
        result = pl.concat(results).head(args.check)[kept]
        wrong = differences(engine, [profiles[i] for i in kept], result)
        print(f"checked {len(ok):,} rows: {len(kept):,} ok; values unlike the row path: parse {parse_wrong}, "
              f"evaluate {len(wrong)}")


def _warnings():
    """The checkout's warnings on a chunk's contradictory answers: (frame, rows) -> {row: located texts}."""
    try:
        from advisor.columns.warnings import ColumnWarnings
    except ImportError:  # before they had a module of their own
        from advisor.columns.pipeline import _warnings as before

        return before
    return ColumnWarnings("en").located


if __name__ == "__main__":
    main()
