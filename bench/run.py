"""Benchmarks for advisor (figures for notes, never timed tests).

    python bench/run.py [--rows 10000 100000] [--repeat 5]

1. Cold start: `advisor recommend` on one profile vs `python -c "import typer, rich,
   pydantic, yaml"` (the floor any CLI with these libraries pays), median of --repeat runs.
2. Batch: `advisor score generated.csv -f jsonl` (full traces) for each --rows size:
   profiles per second and the child's peak memory (ru_maxrss), to show memory stays flat;
   beside it bench/baseline.py, the same rules hand-written, on the same file, and a
   check that both give the same decisions for every row.
Generated files go to bench/out/ (git-ignored); the generator is seeded, so runs compare.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))

from advisor.profile import FIELDS  # noqa: E402


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """`rows` random valid profiles, some fields left unknown, as a CSV."""
    rng = random.Random(seed)
    names = list(FIELDS)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for i in range(rows):
            row = {
                "name": f"Company {i}",
                "sales_team_size": rng.randint(0, 60),
                "leads_per_month": round(rng.lognormvariate(5, 1.5), 1),
                "qualified_lead_share": f"{rng.randint(5, 90)}%",
                "seasonality_peak_ratio": round(1 + rng.random() * 3, 2),
                "repeat_sales_share": round(rng.random(), 3),
                "average_deal_size": round(rng.lognormvariate(8, 2), 2),
                "currency": rng.choice(["USD", "EUR", "RUB", "UAH"]),
                "sales_cycle_days": rng.randint(1, 400),
                "deals_per_month": round(rng.lognormvariate(3, 1.5), 1),
                "close_rate": round(rng.random() * 0.6, 3),
                "market": rng.choice(FIELDS["market"].choices),
                "sale_type": rng.choice(FIELDS["sale_type"].choices),
                "channel": rng.choice(FIELDS["channel"].choices),
                "outbound_share": round(rng.random(), 2),
                "regional": rng.choice(["yes", "no"]),
                "organization_stage": rng.randint(1, 4),
                "active_clients": rng.randint(0, 5000),
                "offering": rng.choice(FIELDS["offering"].choices),
            }
            for name in names[1:]:
                if rng.random() < 0.1:
                    row[name] = ""  # unknown
            writer.writerow([row[n] for n in names])


def run_child(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(args, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def peak_of(args: list[str]) -> tuple[float, int]:
    """Run in a fresh Python so RUSAGE_CHILDREN's maximum belongs to this child alone."""
    code = (
        "import resource,subprocess,sys,time;s=time.perf_counter();"
        f"subprocess.run({args!r},stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(time.perf_counter()-s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])


def same_decisions(advisor_out: Path, baseline_out: Path) -> str:
    """Compare model, scores, inside share, hybrid and technologies row by row."""
    import json

    mismatches = total = 0
    with advisor_out.open(encoding="utf-8") as a, baseline_out.open(encoding="utf-8") as b:
        for line_a, line_b in zip(a, b):
            x, y = json.loads(line_a), json.loads(line_b)
            total += 1
            ours = (x["department_model"]["id"], x["department_model"]["scores"], x["sales_mix"]["inside_share"],
                    x["sales_mix"]["hybrid"], [t["id"] for t in x["technologies"]])
            theirs = (y["department_model"], y["scores"], y["inside_share"], y["hybrid"], y["technologies"])
            mismatches += ours != theirs
    return f"{total - mismatches:,} of {total:,} rows" + ("" if not mismatches else "  <-- MISMATCH")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    python = sys.executable
    profile = str(ROOT / "profiles" / "online-store.yaml")

    floor = [run_child([python, "-c", "import typer, rich, pydantic, yaml"])[0] for _ in range(options.repeat)]
    cold = [run_child([python, "-m", "advisor", "recommend", profile])[0] for _ in range(options.repeat)]
    print(f"cold start  import floor {statistics.median(floor) * 1000:.0f} ms   "
          f"advisor recommend {statistics.median(cold) * 1000:.0f} ms   "
          f"ratio {statistics.median(cold) / statistics.median(floor):.2f}")

    for rows in options.rows:
        source = OUT / f"profiles-{rows}.csv"
        if not source.exists():
            generate(source, rows)
        target = OUT / f"scored-{rows}.jsonl"
        seconds, peak_kib = peak_of([python, "-m", "advisor", "score", str(source), "-f", "jsonl", "-o", str(target)])
        print(f"advisor  {rows:>8,} rows  {seconds:7.2f} s  {rows / seconds:8,.0f} profiles/s  "
              f"peak {peak_kib / 1024:6.1f} MiB  (csv in, jsonl out with full traces)")
        plain = OUT / f"baseline-{rows}.jsonl"
        base_seconds, base_peak = peak_of([python, str(HERE / "baseline.py"), str(source), str(plain)])
        print(f"baseline {rows:>8,} rows  {base_seconds:7.2f} s  {rows / base_seconds:8,.0f} profiles/s  "
              f"peak {base_peak / 1024:6.1f} MiB  (same rules hand-written, no traces)")
        print(f"         advisor runs at {base_seconds / seconds:.2f} of the baseline's speed; "
              f"decisions agree: {same_decisions(target, plain)}")


if __name__ == "__main__":
    main()
