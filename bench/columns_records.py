"""CPU cost of the column path's record encoding (advisor.columns.records) per 100k rows.

    python bench/columns_records.py [--rows 100000] [--chunk 8192] [--repeat 5] [--tree DIR] [--check]

bench/run.py's generated CSV read, parsed and decided as columns (not timed); then, --repeat
times, CPU time (time.process_time: every thread of this process, polars' pool included) of
ColumnRecords.encode over the chunks, per 100k rows, for JSON Lines with and without traces and
for CSV. --tree times another checkout's advisor (e.g. main's) with this script, so two states
can be run interleaved under the same load. --check: every record compared with the row path's
encoder (RawRecord.validated, Engine.evaluate, writers.record_encoder), byte for byte.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from columns_options import chunk_options

HERE = Path(__file__).resolve().parent
FORMATS = (("jsonl", True), ("jsonl", False), ("csv", False))


def main() -> None:
    parser = chunk_options()
    parser.add_argument("--check", action="store_true", help="compare every record with the row path's")
    args = parser.parse_args()
    sys.path[:0] = [str(args.tree.resolve()), str(HERE)]
    # advisor from --tree, imported before bench/run.py puts this checkout first on the path
    import polars as pl

    from advisor.columns.evaluate import ColumnEngine
    from advisor.columns.parse import parse_csv_rows
    from advisor.columns.records import ColumnRecords
    from advisor.engine import Engine
    from advisor.rulebase.loader import load_rule_base
    from run import generated_chunks

    rows, chunks = generated_chunks(args.rows, args.chunk)
    engine = Engine(load_rule_base())
    columns = ColumnEngine(engine)
    decided = []  # per chunk: (parsed frame, result, sources, names, the rows), the rows the column path keeps
    for chunk in chunks:
        parsed = parse_csv_rows(chunk)
        frame = parsed.frame.filter(pl.Series(parsed.ok, dtype=pl.Boolean))
        result = columns.evaluate(frame)
        kept = ~result.get_column("fallback").fill_null(True)
        frame, result = frame.filter(kept), result.filter(kept)
        taken = [row for row, ok in zip(chunk, parsed.ok) if ok]
        taken = [row for row, keep in zip(taken, kept.to_list()) if keep]
        decided.append((frame, result, [row.source for row in taken], frame.get_column("name").to_list(), taken))
    per = 100_000 / sum(len(d[4]) for d in decided)
    encoders = {(fmt, trace): ColumnRecords(engine, fmt, trace=trace) for fmt, trace in FORMATS}
    times: dict[tuple[str, bool], list[float]] = {key: [] for key in FORMATS}
    sizes: dict[tuple[str, bool], int] = {}
    for _ in range(args.repeat):
        for key, encoder in encoders.items():
            start = time.process_time()
            encoded = [encoded_chunk(encoder, d) for d in decided]
            times[key].append((time.process_time() - start) * per)
            sizes[key] = sum(len(record) for part in encoded for record in part)
    print(f"{Path(sys.modules['advisor'].__file__).parent.parent}: {len(rows):,} rows in chunks of {args.chunk:,}; "
          f"ColumnRecords.encode, CPU s/100k, median of {args.repeat}:")
    for (fmt, trace), found in times.items():
        label = f"{fmt}{'' if trace or fmt == 'csv' else ' --no-trace'}"
        print(f"  {label:18s} {statistics.median(found):.3f}  ({', '.join(f'{t:.3f}' for t in found)})"
              f"  {sizes[(fmt, trace)]:,} bytes")
    if args.check:
        from advisor.writers import record_encoder

        for (fmt, trace), encoder in encoders.items():
            encode = record_encoder(engine, fmt, trace=trace, records="lean")
            wrong = total = 0
            for frame, result, sources, names, taken in decided:
                ours = encoded_chunk(encoder, (frame, result, sources, names, taken))
                theirs = [encode(row.source, engine.evaluate(row.validated().profile)) for row in taken]
                total += len(theirs)
                wrong += sum(a != b for a, b in zip(ours, theirs, strict=True))
            print(f"  check {fmt} trace={trace}: {total - wrong:,} of {total:,} records identical"
                  + ("" if not wrong else "  <-- MISMATCH"))


def encoded_chunk(encoder, decided: tuple) -> list[bytes]:
    """One chunk's records; a checkout from before ColumnRecords.encode lost its `names` is timed too."""
    frame, result, sources, names, _ = decided
    if "names" in encoder.encode.__code__.co_varnames:
        return encoder.encode(frame, result, sources, names)
    return encoder.encode(frame, result, sources)


if __name__ == "__main__":
    main()
