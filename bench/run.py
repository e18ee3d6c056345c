"""Benchmarks for advisor (figures for notes, never timed tests).

    python bench/run.py [--rows 100000] [--repeat 5] [--batch-repeat 3] [--against ../main]
                        [--memory-rows 10000 1000000] [--skip-cold]

1. Cold start: `advisor recommend` on one profile vs `python -c "import typer, rich,
   pydantic, yaml"` (the floor any CLI with these libraries pays), median of --repeat runs.
2. Batch, for each --rows size of a generated CSV: bench/floor.py (~40 hand-written
   comparisons and a small JSON record per row: the floor), bench/baseline.py (the built-in
   rules hand-written), and `advisor score` as JSON Lines with full traces (by default: the
   column path in one process; the row path in one process, ADVISOR_SCORE_PATH=rows; the
   row path in two workers, --jobs 2), with --no-trace, as CSV, and with --records full
   (the row path, default workers); with --against, the same `score` from another checkout
   (e.g. main's, run read-only through PYTHONPATH).
   Medians of --batch-repeat interleaved runs of wall and CPU time (user + sys of every
   process), each also as a multiple of the floor's. Memory: the peak of the process tree's
   proportional set size (parent and workers, shared pages counted once; sampled every
   50 ms from /proc) and the largest single process's peak RSS. Then checks that advisor
   and the baseline decide alike, that the column path writes the row path's bytes (JSON
   Lines with and without traces, CSV), and that lean and full records, the workers and
   (with --against) the other checkout say the same on every record.
3. --memory-rows N: advisor alone on N rows (the column path as JSON Lines with full traces,
   with --no-trace and as CSV; the row path in two workers), output discarded, to show memory
   stays flat.
Generated files go to bench/out/ (git-ignored); the generator is seeded, so runs compare.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

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


class Run(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + sys seconds of the command and every process it started
    pss_all: int  # KiB: the largest sum of PSS over the whole process tree at one moment (sampled)
    rss_max: int  # KiB: the largest single process's peak RSS (exact, from the kernel)


def measure(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run `args` from a fresh Python, so RUSAGE_CHILDREN belongs to this command alone.

    Memory of all processes together is the peak of the summed proportional set size of the
    tree (parent and workers, shared pages counted once), sampled every 50 ms from /proc.
    """
    code = (
        "import resource,subprocess,sys,time;s=time.perf_counter();"
        f"subprocess.run({args!r},stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
        "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(time.perf_counter()-s, u.ru_utime+u.ru_stime, u.ru_maxrss)"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, **(env or {})}, cwd=cwd)
    peak = 0
    while child.poll() is None:
        peak = max(peak, sum(map(_pss_kib, _tree(child.pid)[1:])))
        time.sleep(0.05)
    out = child.stdout.read().split()
    return Run(float(out[0]), float(out[1]), peak, int(out[2]))


def _comparable(record: dict) -> tuple:
    """What must not change: every decision, score, reason, shift, checklist item, fact and outcome."""
    model, mix = record["department_model"], record["sales_mix"]
    return (
        model["id"], model["confidence"], model["close_call"], model["scores"], model["score_ranges"],
        model["decided_by"], model["runner_up"], model["margin"], (model["next"] or {}).get("id"),
        [(r["rule"], r["points"]) for r in model["reasons"]],
        mix["inside_share"], mix["outside_share"], mix["hybrid"], mix["unclamped_inside_share"], mix["applies"],
        [(r["rule"], r["inside_shift"]) for r in mix["reasons"]], [r["rule"] for r in mix["hybrid_reasons"]],
        [r["rule"] for r in mix["not_applicable_reasons"]], record["sales_kinds"],
        [t["id"] for t in record["technologies"]],
        [(t["id"], t["depends_on"]) for t in record["possible_technologies"]], record["unknown_fields"],
        record.get("facts"), record.get("trace"), record["name"], record["source"].rsplit(":", 1)[-1],
    )


def _records(path: Path):
    """A score output's records one at a time, lean ones resolved by their header."""
    import orjson

    from advisor.json_records import resolved

    with path.open("rb") as lines:
        first = orjson.loads(next(lines))
        header = first.get("header")
        if header is None:
            yield first
        for line in lines:
            record = orjson.loads(line)
            yield record if header is None else resolved(header, record)


def same_as(ours: Path, theirs: Path) -> str:
    """Two score outputs (lean or full) compared record by record on everything _comparable names."""
    mismatches = total = 0
    for x, y in zip(_records(ours), _records(theirs), strict=True):
        total += 1
        mismatches += _comparable(x) != _comparable(y)
    return f"{total - mismatches:,} of {total:,} records identical" + ("" if not mismatches else "  <-- MISMATCH")


def same_decisions(advisor_out: Path, baseline_out: Path) -> str:
    """Compare model, scores, inside share, hybrid, whether the split applies and technologies row by row."""
    import json

    mismatches = total = 0
    for x, line_b in zip(_records(advisor_out), baseline_out.open(encoding="utf-8"), strict=True):
        y = json.loads(line_b)
        total += 1
        ours = (x["department_model"]["id"], x["department_model"]["scores"], x["sales_mix"]["inside_share"],
                x["sales_mix"]["hybrid"], x["sales_mix"]["applies"], [t["id"] for t in x["technologies"]])
        theirs = (y["department_model"], y["scores"], y["inside_share"], y["hybrid"], y["applies"], y["technologies"])
        mismatches += ours != theirs
    return f"{total - mismatches:,} of {total:,} rows" + ("" if not mismatches else "  <-- MISMATCH")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="*", default=[100_000])
    parser.add_argument("--repeat", type=int, default=5, help="cold-start runs (median)")
    parser.add_argument("--batch-repeat", type=int, default=3, help="batch runs of each command (median)")
    parser.add_argument("--memory-rows", type=int, nargs="*", default=[], help="rows for the flat-memory check")
    parser.add_argument("--against", type=Path, help="another checkout of advisor (e.g. main's): its `score` "
                        "runs interleaved with these, and its output is compared with ours record by record")
    parser.add_argument("--skip-cold", action="store_true", help="leave out the cold-start figures")
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    python = sys.executable
    profile = str(ROOT / "profiles" / "online-store.yaml")

    if not options.skip_cold:
        floor, cold = [], []
        for _ in range(options.repeat):  # interleaved, so a busy moment hits both alike
            floor.append(run_child([python, "-c", "import typer, rich, pydantic, yaml"])[0])
            cold.append(run_child([python, "-m", "advisor", "recommend", profile])[0])
        print(f"cold start  import floor {statistics.median(floor) * 1000:.0f} ms   "
              f"advisor recommend {statistics.median(cold) * 1000:.0f} ms   "
              f"ratio {statistics.median(cold) / statistics.median(floor):.2f}")

    for rows in options.rows:
        source = _generated(rows)
        out = {name: OUT / f"{name}-{rows}.{suffix}" for name, suffix in (
            ("floor", "jsonl"), ("baseline", "jsonl"), ("traced", "jsonl"), ("untraced", "jsonl"), ("csv", "csv"),
            ("rows", "jsonl"), ("workers", "jsonl"), ("rows-untraced", "jsonl"), ("rows-csv", "csv"),
            ("full", "jsonl"), ("against", "jsonl"))}
        rows_path = {"ADVISOR_SCORE_PATH": "rows"}
        score = [python, "-m", "advisor", "score", str(source)]
        # name: (command, environment, what it is, the output it writes); run from this checkout
        commands: dict[str, tuple[list[str], dict[str, str] | None, str, Path]] = {
            "floor": ([python, str(HERE / "floor.py"), str(source), str(out["floor"])], None,
                      "~40 hand-written comparisons, small JSON records", out["floor"]),
            "baseline": ([python, str(HERE / "baseline.py"), str(source), str(out["baseline"])], None,
                         "the built-in rules hand-written, graded, no traces", out["baseline"]),
            "jsonl": (score + ["-f", "jsonl", "-o", str(out["traced"])], None,
                      "lean records, full traces (column path)", out["traced"]),
            "jsonl rows": (score + ["-f", "jsonl", "-j", "1", "-o", str(out["rows"])], rows_path,
                           "lean records, full traces, row path, one process", out["rows"]),
            "jsonl -j 2": (score + ["-f", "jsonl", "-j", "2", "-o", str(out["workers"])], None,
                           "lean records, full traces, row path, two workers", out["workers"]),
            "jsonl --no-trace": (score + ["-f", "jsonl", "--no-trace", "-o", str(out["untraced"])], None,
                                 "lean records, no trace (column path)", out["untraced"]),
            "no-trace rows": (score + ["-f", "jsonl", "--no-trace", "-j", "1", "-o", str(out["rows-untraced"])],
                              rows_path, "lean records, no trace, row path, one process", out["rows-untraced"]),
            "csv": (score + ["-f", "csv", "-o", str(out["csv"])], None, "CSV out (column path)", out["csv"]),
            "csv rows": (score + ["-f", "csv", "-j", "1", "-o", str(out["rows-csv"])], rows_path,
                         "CSV out, row path, one process", out["rows-csv"]),
            "jsonl full": (score + ["-f", "jsonl", "--records", "full", "-o", str(out["full"])], None,
                           "full records (--records full)", out["full"]),
        }
        if options.against:
            commands["against jsonl"] = (score + ["-f", "jsonl", "-o", str(out["against"])],
                                         {"PYTHONPATH": str(options.against.resolve())},
                                         f"{options.against}'s code, its default records", out["against"])
        runs: dict[str, list[Run]] = {name: [] for name in commands}
        for _ in range(options.batch_repeat):  # interleaved, so a busy moment hits every command alike
            for name, (args, env, _, _) in commands.items():
                # `python -m` puts the working folder first on sys.path: the other checkout runs from its own
                runs[name].append(measure(args, env, options.against if name == "against jsonl" else ROOT))
        floor_wall = statistics.median(r.wall for r in runs["floor"])
        floor_cpu = statistics.median(r.cpu for r in runs["floor"])
        print(f"batch: {rows:,} generated rows, CSV in; medians of {options.batch_repeat} interleaved runs; "
              f"x = against the floor")
        for name, results in runs.items():
            wall = statistics.median(r.wall for r in results)
            cpu = statistics.median(r.cpu for r in results)
            size = commands[name][3].stat().st_size
            print(f"  {name:17s} {wall:6.2f} s wall ({wall / floor_wall:4.2f}x)  {cpu:6.2f} s CPU "
                  f"({cpu / floor_cpu:4.2f}x)  {rows / wall:8,.0f} profiles/s  "
                  f"PSS {max(r.pss_all for r in results) / 1024:6.1f} MiB all processes, "
                  f"{max(r.rss_max for r in results) / 1024:6.1f} MiB largest  "
                  f"{size / rows:6,.0f} B/record  ({commands[name][2]})")
        print(f"  decisions agree with the hand-written baseline: {same_decisions(out['traced'], out['baseline'])}")
        for ours, theirs, what in (("traced", "rows", "JSON Lines"), ("untraced", "rows-untraced", "--no-trace"),
                                   ("csv", "rows-csv", "CSV")):
            same = out[ours].read_bytes() == out[theirs].read_bytes()
            print(f"  column path and row path, {what}: {'the same bytes' if same else 'DIFFERENT BYTES  <-- MISMATCH'}")
        print(f"  lean and full records say the same: {same_as(out['traced'], out['full'])}")
        print(f"  the column path and two workers: {same_as(out['traced'], out['workers'])}")
        if options.against:
            print(f"  this checkout and {options.against}: {same_as(out['traced'], out['against'])}")

    for rows in options.memory_rows:
        source = _generated(rows)
        for what, extra in (("full traces", ["-f", "jsonl"]), ("--no-trace", ["-f", "jsonl", "--no-trace"]),
                            ("CSV", ["-f", "csv"]), ("-j 2 (rows)", ["-f", "jsonl", "-j", "2"])):
            run = measure([python, "-m", "advisor", "score", str(source), *extra], cwd=ROOT)
            print(f"memory  {rows:>9,} rows {what:12s} {run.wall:7.2f} s  "
                  f"{run.cpu:7.2f} s CPU  PSS {run.pss_all / 1024:6.1f} MiB all processes, "
                  f"{run.rss_max / 1024:6.1f} MiB largest  (output discarded)")


def _generated(rows: int) -> Path:
    OUT.mkdir(exist_ok=True)
    source = OUT / f"profiles-{rows}.csv"
    if not source.exists():
        generate(source, rows)
    return source


def generated_chunks(rows: int, chunk: int) -> tuple[list, list[list]]:
    """The generated CSV of `rows` rows read into RawRecords by the advisor already imported (a bench
    may import another checkout's first), and those records in chunks of `chunk`."""
    from advisor.readers import RawRecord, read_file

    records = [r for r in read_file(_generated(rows), warn=print) if type(r) is RawRecord]
    return records, [records[i:i + chunk] for i in range(0, len(records), chunk)]


if __name__ == "__main__":
    main()
