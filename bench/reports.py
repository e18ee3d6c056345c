"""`advisor score --report-dir` on generated profiles (figures for notes, never timed tests).

    python bench/reports.py [--profiles 2000] [--rounds 3] [--jobs 1] [--against ../main] [--keep]

Writes --profiles generated profiles (bench/run.py's seeded generator) to bench/out/, then runs
`advisor score FILE -f csv -o OUT.csv --report-dir DIR` --rounds times, each into a fresh folder,
and prints the median wall and CPU time (user + sys of the process and its workers). With
--against, the same command from another checkout (e.g. main's, read through PYTHONPATH) runs
in the same rounds, interleaved (this, other, this, other ...), with each round's CPU ratio; then
every report, index.html and the CSV of the last round are compared byte for byte.
--instructions: instead of timing, the instructions one run executes under valgrind's callgrind
(user space, PYTHONHASHSEED=0; each side once): steady on a loaded machine, but blind to the kernel's
share (file creation and renames). --profile-top N: the N costliest functions under cProfile for one
run in this process.
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
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--against", type=Path, help="another checkout of advisor, run through PYTHONPATH")
    parser.add_argument("--keep", action="store_true", help="keep the report folders in bench/out/")
    parser.add_argument("--instructions", action="store_true", help="count instructions under callgrind instead")
    parser.add_argument("--profile-top", type=int, default=0)
    options = parser.parse_args()
    OUT.mkdir(exist_ok=True)
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
                    "--report-dir", str(folder), "--jobs", str(options.jobs)]
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
                    "--report-dir", str(folder), "--jobs", str(options.jobs)]
            runs[side].append(measure(args, env, neutral))
            time.sleep(0.5)
    print(f"score --report-dir, {options.profiles} profiles, --jobs {options.jobs}, {options.rounds} rounds "
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


if __name__ == "__main__":
    main()
