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
built = []  # advisor's pydantic models whose validators or serializers this run built
if "pydantic" in sys.modules:
    from pydantic import BaseModel
    stack = [BaseModel]
    while stack:
        model = stack.pop()
        stack.extend(model.__subclasses__())
        if model.__module__.startswith("advisor") and model.__dict__.get("__pydantic_complete__"):
            built.append(model.__qualname__)
print(json.dumps([status, sorted(sys.modules), sorted(set(built))]))
"""

# What no single-profile command needs: the other commands, batch machinery, report templates, data frames,
# and importlib.metadata (pydantic's plugin scan, which advisor turns off).
NEVER = ["importlib.metadata", "jinja2", "advisor.batch", "advisor.parallel", "advisor.derive", "advisor.report",
         "advisor.cli.batch", "advisor.cli.derive", "advisor.cli.report", "advisor.cli.rules", "advisor.cli.fields"]
PROFILE = str(PROFILES / "online-store.yaml")


def probe(*args: str, environ: dict[str, str] | None = None) -> tuple[set[str], list[str]]:
    """The modules a run imported, and the pydantic models it built validators for."""
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, **(environ or {})}, timeout=60)
    assert result.returncode == 0, result.stderr
    status, modules, built = json.loads(result.stdout)
    assert status == 0
    return set(modules), built


def modules_of(*args: str, environ: dict[str, str] | None = None) -> set[str]:
    return probe(*args, environ=environ)[0]


@pytest.mark.parametrize("args", [
    ("recommend", PROFILE), ("recommend", PROFILE, "-f", "json"), ("recommend", PROFILE, "-f", "markdown"),
])
def test_recommend_imports_only_what_it_uses(args):
    modules = modules_of(*args)
    # without colour (here: not a terminal) the text is drawn by advisor.render.plain, not rich's console
    unused = [*NEVER, "polars", "advisor.cli.ask", "advisor.ask", "advisor.compare", "rich.console"]
    if "-f" in args:
        unused += ["babel"]
    assert not modules & set(unused), sorted(modules & set(unused))
    assert "advisor.engine" in modules  # the probe did run the command


@pytest.mark.parametrize("args", [("explain", PROFILE), ("explain", PROFILE, "-f", "json")])
def test_explain_imports_only_what_it_uses(args):
    modules = modules_of(*args)
    unused = [*NEVER, "advisor.cli.ask", "advisor.ask", "rich.console"]  # no colour: plain text
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


@pytest.mark.parametrize("command", ["recommend", "explain"])
def test_a_cached_rule_base_and_a_plain_profile_build_no_validator(command, tmp_path):
    """Building pydantic's validators is most of what loading rules costs: with every rule file as the cache
    last saw it, none is built (advisor/rulebase/stored.py), nor the profile's (the quick check passes it)."""
    cache = {"ADVISOR_CACHE_DIR": str(tmp_path / "cache")}
    _, first = probe(command, PROFILE, environ=cache)
    assert "DepartmentModelDecision" in first  # the first run validated the rule files, and kept them
    modules, built = probe(command, PROFILE, environ=cache)
    assert built == [], built
    assert "advisor.rulebase.stored" in modules  # the rules did come from the cache


def test_a_profile_the_quick_check_leaves_is_validated_by_pydantic(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: Acme\nleads_per_month: about 300\n")  # words: only pydantic's path reads them
    _, built = probe("recommend", str(profile))
    assert "Profile" in built
