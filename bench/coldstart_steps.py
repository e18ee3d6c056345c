"""What `advisor recommend` executes step by step at a cold start, in instructions (figures for notes, never tests).

    python bench/coldstart_steps.py [--against DIR] [PROFILE]

Runs `advisor recommend PROFILE` (text, no colour) under valgrind's callgrind once per step, each run ended
(os._exit) where its step ends, and prints the instructions executed up to there and by the step itself:
the command line and typer up to the command's first line (advisor's CLI, pydantic's models and fields
imported by typer's parameter conversion, the command's module), the engine (its modules, the rule base
from the cache, the compiled rules), the profile read and checked, `advise` (explain's ranking of the
unknown answers), the warnings and the language, the render's imports, the drawing, and the exit. With
--against, the same for another checkout (say `git worktree add /tmp/main main`), side by side.
Deterministic with PYTHONHASHSEED=0 (about fifteen seconds a step); the rule-base cache (a fresh folder of
its own) is warmed first, so every run reads its cached files.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from coldstart import callgrind  # this folder is the script's: sys.path[0]

ROOT = Path(__file__).resolve().parent.parent
STEPS = {  # step: what it does (each run stops where its step ends)
    "command": "start, advisor's CLI, typer up to the command (with pydantic's models and fields)",
    "engine": "the engine: its modules, the rule base from the cache, the compiled rules",
    "profile": "the profile read and checked",
    "advise": "advise: the unknown answers ranked (explain)",
    "language": "the warnings and the language",
    "render imports": "the render's modules (wording, plain layout)",
    "drawing": "the drawing",
    "exit": "flush and exit",
}
# Run as `python -c`: the command with its steps' ends patched in (advisor.cli.app's helpers, which the
# command's module takes by name when it is imported, after this).
PROBE = r"""
import os, sys
stop = os.environ["COLDSTART_STOP"]
def end(step):
    if stop == step:
        sys.stdout.flush()
        os._exit(0)
import advisor.cli as cli
app = sys.modules["advisor.cli.app"]
engine_from, load_profile, language_of, current = app.engine_from, app.load_profile, app.language_of, app.env
def patched_engine_from(rules):
    end("command")
    engine = engine_from(rules)
    end("engine")
    return engine
def patched_load_profile(item, engine):
    record = load_profile(item, engine)
    end("profile")
    return record
def patched_language_of(lang):
    end("advise")
    language = language_of(lang)
    end("language")
    return language
class Ended:
    def __init__(self, env):
        self.env = env
    def render(self, draw):
        if stop == "render imports":
            import advisor.render.plain, advisor.wording.numbers, advisor.wording.citations, advisor.wording.values
            end("render imports")
        self.env.render(draw)
        end("drawing")
    def __getattr__(self, name):
        return getattr(self.env, name)
app.engine_from, app.load_profile, app.language_of = patched_engine_from, patched_load_profile, patched_language_of
app.env = lambda: Ended(current())
status = cli.run(sys.argv[1:])
sys.exit(status)
"""


def instructions(tree: Path, step: str, profile: str, env: dict[str, str]) -> int:
    """Instructions one run executes up to the end of `step`."""
    return callgrind([sys.executable, "-c", PROBE, "recommend", profile],
                     dict(env, PYTHONPATH=str(tree), COLDSTART_STOP=step), tree)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", nargs="?", default=str(ROOT / "profiles" / "online-store.yaml"))
    parser.add_argument("--against", type=Path, help="another checkout of the project to compare with")
    options = parser.parse_args()
    trees = {"this": ROOT, **({"against": options.against.resolve()} if options.against else {})}
    base = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    base.update(NO_COLOR="1", PYTHONHASHSEED="0")
    base.setdefault("LANG", "C.UTF-8")
    profile = str(Path(options.profile).resolve())
    with tempfile.TemporaryDirectory() as home:
        base.update(ADVISOR_STATE_DIR=home, ADVISOR_CACHE_DIR=tempfile.mkdtemp(dir=home))
        counts: dict[str, dict[str, int]] = {}
        for name, tree in trees.items():
            subprocess.run([sys.executable, "-c", PROBE, "recommend", profile], env=dict(
                base, PYTHONPATH=str(tree), COLDSTART_STOP="none"), cwd=tree, stdout=subprocess.DEVNULL, check=True)
            counts[name] = {step: instructions(tree, step, profile, base) for step in STEPS}
    print("instructions executed (millions): up to the step's end, and by the step")
    print(f"{'step':16}" + "".join(f"{name:>20}" for name in trees))
    for index, step in enumerate(STEPS):
        cells = []
        for name in trees:
            before = counts[name][list(STEPS)[index - 1]] if index else 0
            cells.append(f"{counts[name][step] / 1e6:10.1f} {(counts[name][step] - before) / 1e6:+9.1f}")
        print(f"{step:16}" + "".join(f"{cell:>20}" for cell in cells) + f"   {STEPS[step]}")


if __name__ == "__main__":
    main()
