"""CSV rows read (advisor.readers) and validated column-wise (advisor.columns.parse) against the row path.

    python bench/columns_parse.py [--rows 100000] [--chunk 8192] [--repeat 5] [--tree DIR]

bench/run.py's generated CSV; interleaved --repeat times, CPU time (time.process_time: every
thread of this process, polars' pool included) per 100k rows of reading it into RawRecords
(read_file, every record taken and dropped), of parse_csv_rows over chunks of --chunk rows and
of the RawRecord.validated() loop. Then the share of rows parsed with certainty (ok) and the ok
rows whose values differ from the row path's Profile in value or type (must be 0). --tree times
another checkout's advisor (e.g. main's) with this script, so two states can be run interleaved.
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
    args = parser.parse_args()
    sys.path[:0] = [str(args.tree.resolve()), str(HERE)]
    # advisor from --tree, imported before bench/run.py puts this checkout first on the path
    from advisor.columns.parse import parse_csv_rows
    from advisor.profile import FIELDS
    from advisor.readers import read_file
    from run import _generated, generated_chunks

    rows, chunks = generated_chunks(args.rows, args.chunk)
    source = _generated(args.rows)
    per = 100_000 / len(rows)
    reading, columns, row_path = [], [], []
    for _ in range(args.repeat):
        start = time.process_time()
        for _record in read_file(source, warn=print):
            pass
        reading.append((time.process_time() - start) * per)
        start = time.process_time()
        parsed = [parse_csv_rows(chunk) for chunk in chunks]
        columns.append((time.process_time() - start) * per)
        start = time.process_time()
        profiles = [row.validated().profile for row in rows]
        row_path.append((time.process_time() - start) * per)
    ok = [flag for chunk in parsed for flag in chunk.ok]
    values = [row for chunk in parsed for row in chunk.frame.rows()]
    mismatches = sum(
        1 for flag, row, profile in zip(ok, values, profiles, strict=True) if flag and (
            profile is None or any((type(v), repr(v)) != (type(getattr(profile, n)), repr(getattr(profile, n)))
                                   for n, v in zip(FIELDS, row))))
    print(f"{len(rows):,} rows in chunks of {args.chunk:,}; CPU seconds per 100k rows, median of {args.repeat}:")
    print(f"  reading (read_file)  {statistics.median(reading):.3f}  ({', '.join(f'{t:.3f}' for t in reading)})")
    print(f"  parse_csv_rows       {statistics.median(columns):.3f}  ({', '.join(f'{t:.3f}' for t in columns)})")
    print(f"  RawRecord.validated  {statistics.median(row_path):.3f}  ({', '.join(f'{t:.3f}' for t in row_path)})")
    print(f"  ratio                {statistics.median(row_path) / statistics.median(columns):.1f}x")
    print(f"ok: {sum(ok):,} of {len(ok):,} rows ({sum(ok) / len(ok):.2%}); ok rows unlike the row path: {mismatches}")


if __name__ == "__main__":
    main()
