"""Benchmarks for advisor (figures for notes, never timed tests).

    python bench/run.py [--rows 10000 100000] [--repeat 5]

1. Cold start: `advisor recommend` on one profile vs `python -c "import typer, rich,
   pydantic, yaml"` (the floor any CLI with these libraries pays), median of --repeat runs.
2. Batch: `advisor score generated.csv -f jsonl` (full traces) for each --rows size, with
   the default worker processes (one per CPU) and with --jobs 1, beside bench/baseline.py
   (the same rules hand-written, one process) on the same file; median of --batch-repeat
   interleaved runs. Memory: the peak of the whole process tree's proportional set size
   (parent and workers, shared pages counted once; sampled every 100 ms from /proc) and the
   largest single process's peak RSS. Then a check that advisor and the baseline give the
   same decisions for every row.
3. --memory-rows N: advisor alone on N rows, output discarded, to show memory stays flat.
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

from advisor.profile import FIELDS, PLAN_FIELDS  # noqa: E402


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """`rows` random valid profiles, some fields left unknown, as a CSV."""
    rng = random.Random(seed)
    names = [n for n in FIELDS if n not in PLAN_FIELDS]  # the same seeded file as before the plan fields
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
                "sale_location": rng.choice(FIELDS["sale_location"].choices),
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


def _tree(pid: int) -> list[int]:
    """pid and its descendants (Linux /proc)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += map(int, (task / "children").read_text().split())
        except OSError:
            pass
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak PSS of the process tree (KiB, 0 without /proc) and the largest peak RSS (KiB).

    Run from a fresh Python so RUSAGE_CHILDREN's maximum belongs to this command alone.
    """
    code = (
        "import resource,subprocess,sys,time;s=time.perf_counter();"
        f"subprocess.run({args!r},stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "print(time.perf_counter()-s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    peak_pss = 0
    while child.poll() is None:
        peak_pss = max(peak_pss, sum(map(_pss_kib, _tree(child.pid)[1:])))
        time.sleep(0.1)
    out = child.stdout.read().split()
    return float(out[0]), peak_pss, int(out[1])


def same_decisions(advisor_out: Path, baseline_out: Path) -> str:
    """Compare model, scores, inside share, hybrid, whether the split applies and technologies row by row."""
    import json

    mismatches = total = 0
    with advisor_out.open(encoding="utf-8") as a, baseline_out.open(encoding="utf-8") as b:
        for line_a, line_b in zip(a, b):
            x, y = json.loads(line_a), json.loads(line_b)
            total += 1
            ours = (x["department_model"]["id"], x["department_model"]["scores"], x["sales_mix"]["inside_share"],
                    x["sales_mix"]["hybrid"], x["sales_mix"]["applies"], [t["id"] for t in x["technologies"]])
            theirs = (y["department_model"], y["scores"], y["inside_share"], y["hybrid"], y["applies"], y["technologies"])
            mismatches += ours != theirs
    return f"{total - mismatches:,} of {total:,} rows" + ("" if not mismatches else "  <-- MISMATCH")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="cold-start runs (median)")
    parser.add_argument("--batch-repeat", type=int, default=3, help="batch runs of each command (median)")
    parser.add_argument("--memory-rows", type=int, nargs="*", default=[], help="rows for the flat-memory check")
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    python = sys.executable
    profile = str(ROOT / "profiles" / "online-store.yaml")

    floor, cold = [], []
    for _ in range(options.repeat):  # interleaved, so a busy moment hits both alike
        floor.append(run_child([python, "-c", "import typer, rich, pydantic, yaml"])[0])
        cold.append(run_child([python, "-m", "advisor", "recommend", profile])[0])
    print(f"cold start  import floor {statistics.median(floor) * 1000:.0f} ms   "
          f"advisor recommend {statistics.median(cold) * 1000:.0f} ms   "
          f"ratio {statistics.median(cold) / statistics.median(floor):.2f}")

    for rows in options.rows:
        source = _generated(rows)
        target = OUT / f"scored-{rows}.jsonl"
        plain = OUT / f"baseline-{rows}.jsonl"
        commands = {
            "advisor": [python, "-m", "advisor", "score", str(source), "-f", "jsonl", "-o", str(target)],
            "advisor -j 1": [python, "-m", "advisor", "score", str(source), "-f", "jsonl", "-j", "1",
                             "-o", str(target)],
            "baseline": [python, str(HERE / "baseline.py"), str(source), str(plain)],
        }
        runs: dict[str, list[tuple[float, int, int]]] = {name: [] for name in commands}
        for _ in range(options.batch_repeat):
            for name, args in commands.items():
                runs[name].append(measure(args))
        seconds = {name: statistics.median(r[0] for r in results) for name, results in runs.items()}
        for name, results in runs.items():
            pss = max(r[1] for r in results) / 1024
            rss = max(r[2] for r in results) / 1024
            print(f"{name:13s} {rows:>9,} rows  {seconds[name]:7.2f} s  {rows / seconds[name]:8,.0f} profiles/s  "
                  f"peak {pss:6.1f} MiB all processes, {rss:6.1f} MiB largest"
                  + ("  (same rules hand-written, no traces)" if name == "baseline" else "  (jsonl, full traces)"))
        for name in ("advisor", "advisor -j 1"):
            print(f"              {name} runs at {seconds['baseline'] / seconds[name]:.2f} of the baseline's speed")
        print(f"              decisions agree: {same_decisions(target, plain)}")

    for rows in options.memory_rows:
        source = _generated(rows)
        took, pss, rss = measure([python, "-m", "advisor", "score", str(source), "-f", "jsonl"])
        print(f"memory        {rows:>9,} rows  {took:7.2f} s  {rows / took:8,.0f} profiles/s  "
              f"peak {pss / 1024:6.1f} MiB all processes, {rss / 1024:6.1f} MiB largest  (output discarded)")


def _generated(rows: int) -> Path:
    source = OUT / f"profiles-{rows}.csv"
    if not source.exists():
        generate(source, rows)
    return source


if __name__ == "__main__":
    main()
