"""The single-profile commands import only what they use (start-up time is a feature; the figures are in
bench/coldstart.py, never in a test): each run in a fresh interpreter, then its modules are looked at."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import PROFILES, ROOT

PROBE = """
import io, json, sys
from advisor.cli import Environment, run
status = run(sys.argv[1:], Environment(stdout=io.StringIO(), stderr=io.StringIO(), stdin=io.StringIO()))
print(json.dumps([status, sorted(sys.modules)]))
"""

# What no single-profile command needs: the other commands, batch machinery, report templates, data frames,
# and importlib.metadata (pydantic's plugin scan, which advisor turns off).
NEVER = ["importlib.metadata", "jinja2", "advisor.batch", "advisor.parallel", "advisor.derive", "advisor.report",
         "advisor.cli.batch", "advisor.cli.derive", "advisor.cli.report", "advisor.cli.rules", "advisor.cli.fields"]
PROFILE = str(PROFILES / "online-store.yaml")


def modules_of(*args: str, environ: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, **(environ or {})}, timeout=60)
    assert result.returncode == 0, result.stderr
    status, modules = json.loads(result.stdout)
    assert status == 0
    return set(modules)


@pytest.mark.parametrize("args", [
    ("recommend", PROFILE), ("recommend", PROFILE, "-f", "json"), ("recommend", PROFILE, "-f", "markdown"),
])
def test_recommend_imports_only_what_it_uses(args):
    modules = modules_of(*args)
    unused = [*NEVER, "polars", "advisor.cli.ask", "advisor.ask", "advisor.compare"]
    if "-f" in args:  # text is the only output rich draws
        unused += ["rich.console", "babel"]
    assert not modules & set(unused), sorted(modules & set(unused))
    assert "advisor.engine" in modules  # the probe did run the command


@pytest.mark.parametrize("args", [("explain", PROFILE), ("explain", PROFILE, "-f", "json")])
def test_explain_imports_only_what_it_uses(args):
    modules = modules_of(*args)
    unused = [*NEVER, "advisor.cli.ask", "advisor.ask"] + (["rich.console"] if "-f" in args else [])
    assert not modules & set(unused), sorted(modules & set(unused))


def test_ask_imports_only_what_it_uses(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("close_rate: 40%\n")
    modules = modules_of("ask", "--from", PROFILE, "--answers", str(answers), "-o", str(tmp_path / "o.yaml"),
                         "--lang", "en", environ={"ADVISOR_STATE_DIR": str(tmp_path / "state")})
    unused = [*NEVER, "polars", "advisor.compare"]
    assert not modules & set(unused), sorted(modules & set(unused))
    assert (tmp_path / "o.yaml").is_file()


def test_pydantic_plugins_stay_loadable_when_a_user_turns_them_on():
    """The stand-in for pydantic's plugin loader is used only when every plugin is off."""
    code = ("import sys, advisor; from pydantic import BaseModel\n"
            "class M(BaseModel):\n    x: int\n"
            "print(M(x='3').x, type(sys.modules['pydantic.plugin._loader']).__name__)")
    for value, loader in (("__all__", "_Loader"), ("", "module")):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                                env={**os.environ, "PYDANTIC_DISABLE_PLUGINS": value}, timeout=60)
        assert result.stdout.split() == ["3", loader], result.stderr
