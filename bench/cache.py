"""Does the cache pay? `advisor recommend` cold start with the cache warm and with it off.

    python bench/cache.py [--repeat 21] [--profile profiles/online-store.yaml]

Runs are interleaved (on, off, on, off, ...) so a busy machine slows both alike; it prints
the median and the minimum of the wall time and of the CPU time (user + system) of each.
A figure for notes, never a timed test.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--profile", default="profiles/online-store.yaml")
    options = parser.parse_args()
    args = [sys.executable, "-m", "advisor", "recommend", options.profile]
    with tempfile.TemporaryDirectory() as folder:
        variants = {"cache on": {**os.environ, "ADVISOR_CACHE_DIR": folder},
                    "cache off": {**os.environ, "ADVISOR_CACHE_DIR": ""}}
        for env in variants.values():
            one(args, env)  # fills the cache, compiles the modules
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
        for _ in range(options.repeat):
            for name, env in variants.items():
                times[name].append(one(args, env))
    for name, runs in times.items():
        wall, cpu = [w for w, _ in runs], [c for _, c in runs]
        print(f"{name:9s}  wall median {statistics.median(wall) * 1000:4.0f} ms (min {min(wall) * 1000:4.0f})   "
              f"cpu median {statistics.median(cpu) * 1000:4.0f} ms (min {min(cpu) * 1000:4.0f})")


if __name__ == "__main__":
    main()
