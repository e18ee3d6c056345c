"""`explain` in-process, per profile (figures for notes, never timed tests).

    python bench/explain.py [--profiles 500] [--repeat 3] [--advise] [--profile-top 25]

Explains the twelve example profiles and --profiles generated ones (bench/run.py's seeded
generator, so runs compare) and prints the CPU time (time.process_time) per explain: the
median over --repeat passes of the mean per profile. The rule base is compiled and every
profile read before the clock starts. --advise times `advise` (recommend + rank_unknowns:
what the questionnaire calls after each answer) instead. --profile-top N prints the N
costliest functions under cProfile for one pass.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from advisor.engine import load_engine  # noqa: E402
from advisor.explain import advise, explain  # noqa: E402
from advisor.readers import read_inputs, read_one_profile  # noqa: E402
from run import generate  # noqa: E402


def profiles(count: int) -> list:
    examples = [read_one_profile(str(path)).profile for path in sorted((ROOT / "profiles").glob("*.yaml"))]
    if not count:
        return examples
    OUT.mkdir(exist_ok=True)
    path = OUT / f"explain-{count}.csv"
    generate(path, count)
    return examples + [r.profile for r in read_inputs([str(path)], warn=lambda message: None) if r.error is None]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=500, help="generated profiles beside the 12 examples")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--advise", action="store_true", help="time advise() instead of explain()")
    parser.add_argument("--profile-top", type=int, default=0)
    args = parser.parse_args()
    engine = load_engine()
    batch = profiles(args.profiles)
    if args.advise:
        def work(profile):
            return advise(engine, profile)
    else:
        def work(profile):
            return explain(engine, profile)
    for profile in batch[:12]:  # warm the engine's outcome tables as a long-lived process would have
        work(profile)
    per = []
    for _ in range(args.repeat):
        start = time.process_time()
        for profile in batch:
            work(profile)
        per.append((time.process_time() - start) / len(batch) * 1000)
    name = "advise" if args.advise else "explain"
    print(f"{name}: {statistics.median(per):.2f} ms CPU per profile (median of {args.repeat} passes over "
          f"{len(batch)} profiles; passes {', '.join(f'{p:.2f}' for p in per)})")
    if args.profile_top:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for profile in batch:
            work(profile)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile_top)


if __name__ == "__main__":
    main()
