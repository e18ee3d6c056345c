"""Benchmark: `advisor derive` on UCI Online Retail vs a plain polars group-by pass.

    python bench/derive.py [--repeat 5]

Both sides read the same gzipped CSV (541,909 order lines). The plain pass reads it,
groups the lines by invoice and counts invoices per month: the least any derivation
must do. The advisor side is the whole derivation (encoding and delimiter detection,
preset detection, date-format choice, cancellations, every figure). Timed in-process
(best of N) and as whole commands (best of N, interpreter start included). Then the
peak memory (maximum resident set) of one whole `advisor derive` command on the file.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UCI = ROOT.parent / "shared" / "datasets" / "uci-online-retail" / "online_retail_2010-12_2011-12.csv.gz"

PLAIN = f"""
import polars as pl
frame = pl.read_csv({str(UCI)!r}, infer_schema=False)
orders = frame.group_by("InvoiceNo").agg(pl.col("InvoiceDate").first())
months = orders.group_by(pl.col("InvoiceDate").str.slice(0, 7).alias("month")).len()
assert months.height > 0
"""


def plain_pass() -> None:
    exec(PLAIN, {})


def advisor_pass() -> None:
    from advisor.derive.metrics import derive
    from advisor.derive.presets import detect
    from advisor.derive.reading import open_export

    opened = open_export(UCI)
    preset, _ = detect(opened.header)
    assert preset is not None
    mapping = preset.match(opened.header)
    derive(opened.read(list(mapping.values())), preset, mapping, "GBP")


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def best_command(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not UCI.exists():
        sys.exit(f"not found: {UCI}")
    plain_pass(), advisor_pass()  # warm the file cache and imports
    plain, ours = best(plain_pass, args.repeat), best(advisor_pass, args.repeat)
    print(f"in-process, best of {args.repeat}: plain polars {plain:.3f} s, advisor derive {ours:.3f} s, "
          f"ratio {ours / plain:.2f} (target <= 1.5)")
    plain_cmd = best_command([sys.executable, "-c", PLAIN], args.repeat)
    ours_command = [sys.executable, "-m", "advisor", "derive", str(UCI), "--currency", "GBP"]
    ours_cmd = best_command(ours_command, args.repeat)
    print(f"whole commands, best of {args.repeat}: plain polars {plain_cmd:.3f} s, advisor derive {ours_cmd:.3f} s, "
          f"ratio {ours_cmd / plain_cmd:.2f}")
    print(f"peak memory of one advisor derive command: {peak_memory_mb(ours_command):.0f} MB (target < 300)")


def peak_memory_mb(command: list[str]) -> float:
    """The maximum resident set of the command, measured from a fresh process that only runs it."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
             "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True, cwd=ROOT)
    return int(out.stdout) / 1024  # Linux reports kilobytes


if __name__ == "__main__":
    main()
