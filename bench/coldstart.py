"""Cold start of the single-profile commands against the import floor (figures for notes, never tests).

    python bench/coldstart.py [--runs 40] [--against DIR] [COMMAND ...]

Runs, in turn and interleaved so a load spike hits all alike: the floor (`python -c "import
typer, rich, pydantic, yaml"`, what any CLI built on these libraries pays), then `advisor
recommend`, `advisor explain` and `advisor ask --answers` (JSON-free, text output as a person
sees it) from this checkout and, with --against, from another checkout of the project (say
`git worktree add /tmp/main main`), each imported from its own folder by the same interpreter.
Prints the median wall and CPU (user + sys) milliseconds of each and its ratio to the floor.
Two references run beside them: `typer app`, a typer app that does nothing, run with one
command of two parameters as advisor runs its commands (pydantic's plugin scan off, as
advisor has it): typer converts each parameter with a pydantic TypeAdapter, so running any
command imports pydantic's models and fields, which the floor's `import pydantic` does not;
and `typer app, no pydantic`, the same app with that conversion left out (what a command
costs when nothing of it imports pydantic's models).
The rule-base cache (a fresh folder of its own) is warmed first, so every run reads its cached files.

On a loaded machine even CPU time wanders (caches and cores are shared); --instructions
counts the instructions each case executes instead, once, under valgrind's callgrind
(deterministic with PYTHONHASHSEED=0, about a minute a case): a figure no load can move.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROFILE = "profiles/online-store.yaml"
ANSWERS, SAVED = "{home}/answers.yaml", "{home}/saved.yaml"  # ask's unattended answers and the profile it saves
ENTRY = "import sys; from advisor.cli import main; sys.argv[0] = 'advisor'; main()"
# The references: a typer app that does nothing, with and without typer's pydantic conversion of parameters.
TYPER_APP = """import advisor  # pydantic's plugin scan off, as in every advisor run
import typer, rich, pydantic, yaml
from pathlib import Path
from typing import Annotated, Optional
app = typer.Typer()
@app.command()
def recommend(profile: Annotated[str, typer.Argument()], rules: Annotated[Optional[Path], typer.Option()] = None) -> None:
    pass
@app.command()
def other() -> None:
    pass
"""
RUN_APP = "app(['recommend', 'x'], standalone_mode=False)\n"
PASS_THROUGH = """import typer.core
class PassThrough:  # a parameter's text as it is: typer's conversion (a pydantic TypeAdapter) left out
    def coerce(self, value, param, ctx):
        return value
typer.core._TyperParameter.get_runtime_param = lambda self: PassThrough()
"""
COMMANDS = {
    "recommend": ["recommend", PROFILE],
    "explain": ["explain", PROFILE],
    "recommend-json": ["recommend", PROFILE, "-f", "json"],
    "help": ["recommend", "--help"],
    "ask": ["ask", "--from", PROFILE, "--answers", ANSWERS, "-o", SAVED, "--lang", "en"],
}


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, cwd=env.get("PYTHONPATH", ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({status})")
    return wall, usage.ru_utime + usage.ru_stime


def callgrind(args: list[str], env: dict[str, str], cwd: str | Path) -> int:
    """Instructions one run of `args` executes (valgrind's callgrind, user space)."""
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args], env=env,
                            cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if not found:
        sys.exit(f"valgrind failed: {result.stderr[-500:]}")
    return int(found.group(1))


def instructions(args: list[str], env: dict[str, str]) -> int:
    """Instructions one run executes, with a fixed hash seed."""
    return callgrind(args, dict(env, PYTHONHASHSEED="0"), env.get("PYTHONPATH", ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("commands", nargs="*", default=["recommend", "explain", "ask"], metavar="COMMAND", help=f"of {', '.join(COMMANDS)} (default: recommend explain ask)")
    parser.add_argument("--runs", type=int, default=40, help="runs of each (median)")
    parser.add_argument("--against", type=Path, help="another checkout of the project to compare with")
    parser.add_argument("--instructions", action="store_true", help="count instructions under valgrind instead of timing")
    options = parser.parse_args()
    unknown = [c for c in options.commands if c not in COMMANDS]
    if unknown:
        parser.error(f"unknown command {unknown[0]!r}: one of {', '.join(COMMANDS)}")

    python = sys.executable
    # Compiled bytecode as an installed copy has it (PYTHONDONTWRITEBYTECODE would recompile every run).
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    base["NO_COLOR"] = "1"
    base.setdefault("LANG", "C.UTF-8")
    trees = {"this": ROOT}
    if options.against:
        trees["against"] = options.against.resolve()
    with tempfile.TemporaryDirectory() as home:
        base.setdefault("ADVISOR_STATE_DIR", home)
        # a cache of its own: the user's is shared with every other advisor run, which may evict entries
        base["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(dir=home)
        Path(ANSWERS.format(home=home)).write_text("close_rate: 40%\n")
        saved = Path(SAVED.format(home=home))
        cases: dict[str, tuple[list[str], dict[str, str]]] = {
            "floor": ([python, "-c", "import typer, rich, pydantic, yaml"], base),
            "typer app": ([python, "-c", TYPER_APP + RUN_APP], base),
            "typer app, no pydantic": ([python, "-c", TYPER_APP + PASS_THROUGH + RUN_APP], base)}
        for tree, path in trees.items():
            env = dict(base, PYTHONPATH=str(path))  # and run from there: `python -c` puts the folder first
            for command in options.commands:
                args = [arg.format(home=home) for arg in COMMANDS[command]]
                cases[f"{command} ({tree})"] = ([python, "-c", ENTRY, *args], env)
        for args, env in cases.values():  # warm the disk cache and advisor's rule-base cache
            saved.unlink(missing_ok=True)  # ask saves a new profile every run, never over an old one
            timed(args, env)
        if options.instructions:
            counts = {}
            for name, (args, env) in cases.items():
                saved.unlink(missing_ok=True)
                counts[name] = instructions(args, env)
            print("instructions executed (millions); ratio to the floor")
            for name, count in counts.items():
                print(f"{name:28} {count / 1e6:9.1f} {count / counts['floor']:6.2f}")
            return
        walls: dict[str, list[float]] = {name: [] for name in cases}
        cpus: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(options.runs):
            for name, (args, env) in cases.items():
                saved.unlink(missing_ok=True)
                wall, cpu = timed(args, env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    floor_wall, floor_cpu = statistics.median(walls["floor"]), statistics.median(cpus["floor"])
    print(f"{options.runs} interleaved runs each; medians in ms; ratio to the floor")
    print(f"{'':28} {'wall':>7} {'ratio':>6} {'cpu':>7} {'ratio':>6}")
    for name in cases:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"{name:28} {wall * 1000:7.1f} {wall / floor_wall:6.2f} {cpu * 1000:7.1f} {cpu / floor_cpu:6.2f}")


if __name__ == "__main__":
    main()
