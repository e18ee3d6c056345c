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
from typer.testing import CliRunner

from advisor.cli import app
from advisor.engine import Engine
from advisor.rulebase.loader import load_rule_base

# the rule-base cache of this test session, never the user's (subprocesses inherit it)
os.environ["ADVISOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="advisor-test-cache-")
atexit.register(shutil.rmtree, os.environ["ADVISOR_CACHE_DIR"], True)

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"
RULES = ROOT / "rules"
SHARED = ROOT.parent / "shared"
SOURCES = SHARED / "sources"


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
