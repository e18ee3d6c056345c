"""Cliffs: how often a one-step change of an input flips the recommended model.

For generated profiles (bench/run.py's generator), each input is set to the two sides
of a value where the old rule base switched at once (leads 399 vs 401, repeat share
0.39 vs 0.41), everything else kept, and the recommended model compared. A flip is
counted as "near a tie" when, on either side, the winner led by less than the rule
base's near-tie margin: there the advice already says it is a close call.

    python bench/cliffs.py [--rows 1000] [--rules DIR]

Prints, per probe, the flips, the flips near a tie, and the largest change of any
model's score.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run import generate  # noqa: E402
from advisor.engine import load_engine  # noqa: E402
from advisor.readers import read_inputs  # noqa: E402

PROBES = {
    "leads_per_month 399 -> 401": ("leads_per_month", 399, 401),
    "repeat_sales_share 0.39 -> 0.41": ("repeat_sales_share", 0.39, 0.41),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--rules", type=Path, default=None)
    args = parser.parse_args()
    engine = load_engine(args.rules)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "profiles.csv"
        generate(path, args.rows)
        profiles = [r.profile for r in read_inputs([str(path)], warn=lambda _: None) if r.profile is not None]
    near = engine.near_tie if hasattr(engine, "near_tie") else 1.0
    print(f"{len(profiles)} generated profiles; near a tie: a lead under {near:g} point(s)")
    writer = csv.writer(sys.stdout)
    writer.writerow(["probe", "flips", "flips near a tie", "flips elsewhere", "largest score change"])
    for label, (field, low, high) in PROBES.items():
        flips = near_tie = 0
        largest = 0.0
        for profile in profiles:
            before = engine.evaluate(profile.model_copy(update={field: low}))
            after = engine.evaluate(profile.model_copy(update={field: high}))
            largest = max(largest, *(abs(after.scores[m] - before.scores[m]) for m in before.scores))
            if before.department_model != after.department_model:
                flips += 1
                near_tie += before.margin < near or after.margin < near
        writer.writerow([label, flips, near_tie, flips - near_tie, round(largest, 3)])


if __name__ == "__main__":
    main()
