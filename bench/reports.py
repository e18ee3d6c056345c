"""`advisor score --report-dir` on generated profiles (figures for notes, never timed tests).

    python bench/reports.py [--profiles 2000] [--rounds 3] [--jobs 1] [--against ../main] [--keep]
    python bench/reports.py --crossover 32 100 300 2000 [--rounds 3]

Writes --profiles generated profiles (bench/run.py's seeded generator) to bench/out/, then runs
`advisor score FILE -f csv -o OUT.csv --report-dir DIR` --rounds times, each into a fresh folder,
and prints the median wall and CPU time (user + sys of the process and its workers). With
--against, the same command from another checkout (e.g. main's, read through PYTHONPATH) runs
in the same rounds, interleaved (this, other, this, other ...), with each round's CPU ratio; then
every report, index.html and the CSV of the last round are compared byte for byte. --jobs 0 leaves
--jobs out: the workers the command starts by default.
--instructions: instead of timing, the instructions one run executes under valgrind's callgrind
(user space, PYTHONHASHSEED=0; each side once): steady on a loaded machine, but blind to the kernel's
share (file creation and renames). --profile-top N: the N costliest functions under cProfile for one
run in this process.
--crossover N...: where workers start to pay. For each of --rounds rounds, each machine state (idle;
then busy: a `python -c 'while 1: pass'` this script starts on one CPU and ends) and each N profiles,
the command with --jobs 1 and with --jobs 2, one after the other; then per N and state the median
wall and CPU of each and the median per-round wall ratio (2 workers / 1).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from run import generate  # noqa: E402


def measure(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + sys of the command and its children), measured from a small parent."""
    code = (
        "import resource,subprocess,sys,time;s=time.perf_counter();"
        f"r=subprocess.run({args!r},stdout=subprocess.DEVNULL,stderr=subprocess.PIPE);"
        "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(time.perf_counter()-s,u.ru_utime+u.ru_stime,r.returncode);sys.stderr.write(r.stderr.decode()[-500:])"
    )
    done = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, **env}, cwd=cwd)
    wall, cpu, status = done.stdout.split()
    if status != "0":
        sys.exit(f"{args} exited with {status}: {done.stderr}")
    return float(wall), float(cpu)


def instructions(args: list[str], env: dict[str, str], cwd: Path) -> int:
    """Instructions one run executes (valgrind's callgrind, user space)."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args],
                          env={**os.environ, **env, "PYTHONHASHSEED": "0"}, cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        sys.exit(f"valgrind failed: {done.stderr[-500:]}")
    return int(found.group(1))


def same_folders(a: Path, b: Path) -> str:
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return "NOT the same files"
    _, differ, errors = filecmp.cmpfiles(a, b, names, shallow=False)
    if differ or errors:
        return f"{len(differ) + len(errors)} of {len(names)} files differ, e.g. {(differ + errors)[:3]}"
    return f"identical ({len(names)} files)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1, help="0: the command's default")
    parser.add_argument("--against", type=Path, help="another checkout of advisor, run through PYTHONPATH")
    parser.add_argument("--keep", action="store_true", help="keep the report folders in bench/out/")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind instead")
    parser.add_argument("--profile-top", type=int, default=0)
    parser.add_argument("--crossover", type=int, nargs="+", metavar="N", help="profiles per size, e.g. 32 100 300 2000")
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if options.crossover:
        crossover(options.crossover, options.rounds)
        return
    data = OUT / f"g{options.profiles}.csv"
    if not data.exists():
        generate(data, options.profiles)
    if options.profile_top:
        import cProfile
        import pstats

        sys.path.insert(0, str(ROOT))
        from advisor.cli import main as advisor

        folder = OUT / "reports-profiled"
        shutil.rmtree(folder, ignore_errors=True)
        sys.argv = ["advisor", "score", str(data), "-f", "csv", "-o", str(OUT / "reports-profiled.csv"),
                    "--report-dir", str(folder), "--jobs", str(options.jobs or 1)]
        profiler = cProfile.Profile()
        try:
            profiler.runcall(advisor)
        except SystemExit:
            pass
        pstats.Stats(profiler).sort_stats("tottime").print_stats(options.profile_top)
        return
    sides = {"this": (ROOT, {})}
    if options.against:
        sides["against"] = (options.against.resolve(), {"PYTHONPATH": str(options.against.resolve())})
    runs: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
    neutral = OUT / "cwd"  # the current folder wins over PYTHONPATH: run from one that holds no advisor
    neutral.mkdir(exist_ok=True)
    if options.instructions:
        counts = {}
        for side, (where, env) in sides.items():
            folder = OUT / f"reports-{side}"
            shutil.rmtree(folder, ignore_errors=True)
            counts[side] = instructions([sys.executable, "-m", "advisor", "score", str(data), "-f", "csv", "-o",
                                         str(OUT / f"reports-{side}.csv"), "--report-dir", str(folder)], env, neutral)
            print(f"  {side:8s} {counts[side] / 1e6:9.1f} M instructions, {counts[side] / 1e6 / options.profiles:.2f} M "
                  f"a profile ({where})")
        if options.against:
            print(f"  this / against: {counts['this'] / counts['against']:.3f}")
            print(f"  reports: {same_folders(OUT / 'reports-this', OUT / 'reports-against')}")
        return
    for _ in range(options.rounds):
        for side, (_, env) in sides.items():
            folder, csv_out = OUT / f"reports-{side}", OUT / f"reports-{side}.csv"
            shutil.rmtree(folder, ignore_errors=True)
            args = [sys.executable, "-m", "advisor", "score", str(data), "-f", "csv", "-o", str(csv_out),
                    "--report-dir", str(folder), *(["--jobs", str(options.jobs)] if options.jobs else [])]
            runs[side].append(measure(args, env, neutral))
            time.sleep(0.5)
    print(f"score --report-dir, {options.profiles} profiles, --jobs {options.jobs or 'left out'}, {options.rounds} rounds "
          f"(load {os.getloadavg()[0]:.1f}):")
    for side, (where, _) in sides.items():
        walls, cpus = zip(*runs[side])
        print(f"  {side:8s} wall {statistics.median(walls):6.2f} s  CPU {statistics.median(cpus):6.2f} s  "
              f"({where})  CPU per round: {' '.join(f'{c:.2f}' for c in cpus)}")
    if options.against:
        ratios = [a[1] / b[1] for a, b in zip(runs["this"], runs["against"])]
        walls = [a[0] / b[0] for a, b in zip(runs["this"], runs["against"])]
        print(f"  this / against, per round: CPU {' '.join(f'{r:.3f}' for r in ratios)} (median "
              f"{statistics.median(ratios):.3f}); wall median {statistics.median(walls):.3f}")
        print(f"  reports: {same_folders(OUT / 'reports-this', OUT / 'reports-against')}")
        same_csv = filecmp.cmp(OUT / "reports-this.csv", OUT / "reports-against.csv", shallow=False)
        print(f"  CSV: {'identical' if same_csv else 'DIFFERENT'}")
    if not options.keep:
        for side in sides:
            shutil.rmtree(OUT / f"reports-{side}", ignore_errors=True)


def crossover(sizes: list[int], rounds: int) -> None:
    """--jobs 1 against --jobs 2 for each size, idle and with one CPU busy, interleaved."""
    neutral = OUT / "cwd"
    neutral.mkdir(exist_ok=True)
    files = {}
    for n in sizes:
        files[n] = OUT / f"g{n}.csv"
        if not files[n].exists():
            generate(files[n], n)
    runs: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    loads: dict[str, list[float]] = {"idle": [], "busy": []}
    for _ in range(rounds):
        for state in ("idle", "busy"):
            spinner = subprocess.Popen([sys.executable, "-c", "while 1: pass"]) if state == "busy" else None
            try:
                time.sleep(1.0 if spinner else 0.2)
                loads[state].append(os.getloadavg()[0])
                for n in sizes:
                    for jobs in (1, 2):
                        folder = OUT / "reports-crossover"
                        shutil.rmtree(folder, ignore_errors=True)
                        args = [sys.executable, "-m", "advisor", "score", str(files[n]), "-f", "csv", "-o",
                                str(OUT / "reports-crossover.csv"), "--report-dir", str(folder), "--jobs", str(jobs)]
                        runs.setdefault((state, n, jobs), []).append(measure(args, {}, neutral))
            finally:
                if spinner is not None:
                    spinner.kill()
                    spinner.wait()
    shutil.rmtree(OUT / "reports-crossover", ignore_errors=True)
    print(f"score --report-dir, --jobs 1 against --jobs 2, {rounds} rounds, medians (CPU = user + sys of all processes):")
    print(f"  {'state':5s} {'profiles':>8s} {'wall 1':>7s} {'wall 2':>7s} {'2/1 wall':>8s} {'CPU 1':>7s} {'CPU 2':>7s} {'2/1 CPU':>8s}")
    for state in ("idle", "busy"):
        for n in sizes:
            one, two = runs[(state, n, 1)], runs[(state, n, 2)]
            wall = statistics.median(b[0] / a[0] for a, b in zip(one, two))
            cpu = statistics.median(b[1] / a[1] for a, b in zip(one, two))
            print(f"  {state:5s} {n:8d} {statistics.median(a[0] for a in one):7.2f} {statistics.median(b[0] for b in two):7.2f} "
                  f"{wall:8.2f} {statistics.median(a[1] for a in one):7.2f} {statistics.median(b[1] for b in two):7.2f} {cpu:8.2f}")
    print(f"  load average at each round's start: idle {' '.join(f'{x:.1f}' for x in loads['idle'])}; "
          f"busy {' '.join(f'{x:.1f}' for x in loads['busy'])}")


if __name__ == "__main__":
    main()
