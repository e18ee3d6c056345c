"""Shared fixtures: the project's paths, the built-in engine, and CLI runners."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from advisor.cli import app
from advisor.engine import Engine
from advisor.rulebase.loader import load_rule_base

# Every property runs the same examples on every run, with no time limit per example: a suite that
# passes must not fail because the machine was busy (a 200 ms deadline failed under load) or because
# hypothesis drew other examples; a test's own @settings still sets what it names.
settings.register_profile("advisor", deadline=None, derandomize=True, database=None)
settings.load_profile("advisor")

# the rule-base cache of this test session, never the user's (subprocesses inherit it)
os.environ["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-test-cache-")
atexit.register(shutil.rmtree, os.environ["ADVISOR_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
RULES = ROOT / "rules"
SHARED = ROOT.parent / "shared"
SOURCES = SHARED / "sources"
DATASETS = SHARED / "datasets"
NO_DATASETS = (f"real public datasets not found: {DATASETS} does not exist (they sit beside the project in CI "
               "and the workplace; a fresh clone alone runs the project's own fixtures, which cover the same code)")


def pytest_collection_modifyitems(config, items):
    """Tests marked `real_data` read ../shared/datasets: without it they skip, saying why, instead of failing."""
    if DATASETS.is_dir():
        return
    skip = pytest.mark.skip(reason=NO_DATASETS)
    for item in items:
        if "real_data" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def datasets() -> Path:
    """../shared/datasets, or a skip with the reason when the project stands alone."""
    if not DATASETS.is_dir():
        pytest.skip(NO_DATASETS)
    return DATASETS


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine(load_rule_base())


@pytest.fixture
def rules_copy(tmp_path) -> Path:
    """A copy of the built-in rule base to break or change."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


@pytest.fixture
def cli():
    """Run `advisor ...` in-process; returns the click Result (stdout, stderr, exit_code)."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return run


def staffing_overlay(folder: Path, old: str, new: str) -> Path:
    """A rule base in `folder/mine` that extends the built-in one with its staffing.yaml edited."""
    overlay = folder / "mine"
    overlay.mkdir()
    (overlay / "rulebase.yaml").write_text("name: mine\nversion: 1\nextends: builtin\n")
    staffing = (ROOT / "rules" / "staffing.yaml").read_text(encoding="utf-8")
    assert old in staffing
    (overlay / "staffing.yaml").write_text(staffing.replace(old, new), encoding="utf-8")
    return overlay


def run_advisor(*args: str, input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `python -m advisor` in a subprocess, as a user's shell would."""
    env = {**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=60,
    )
