"""Golden output files: what `advisor recommend` prints for each example profile, pinned.

tests/golden/outputs/<profile>/ holds the input (profile.yaml, a copy of
profiles/<profile>.yaml) beside its expected outputs: recommend.{en,ru,uk}.txt (the
terminal text, 100 columns, no colour, as in a pipe), recommend.{en,ru,uk}.md and
recommend.json. A change to any wording, number format or JSON value shows up here as a
diff to read. After an intended change, regenerate them all and read the diff before
committing:

    ADVISOR_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_golden_outputs.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import outputs

GOLDEN = Path(__file__).parent / "golden" / "outputs"
REGENERATE = bool(os.environ.get("ADVISOR_REGENERATE_GOLDEN"))
LANGS = ("en", "ru", "uk")


def expected_files(engine, case: Path, stem: str) -> dict[str, str]:
    """Each output file's name and content, rendered from the case's input."""
    profile = case / "profile.yaml"
    source = f"profiles/{stem}.yaml"
    files = {"recommend.json": outputs.recommend_json(engine, profile)}
    for lang in LANGS:
        files[f"recommend.{lang}.txt"] = outputs.recommend_text(engine, profile, lang, source)
        files[f"recommend.{lang}.md"] = outputs.recommend_markdown(engine, profile, lang, source)
    return files


@pytest.mark.parametrize("example", outputs.EXAMPLES, ids=lambda p: p.stem)
def test_outputs_match_the_golden_files(engine, example: Path):
    case = GOLDEN / example.stem
    if REGENERATE:
        case.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(example, case / "profile.yaml")
    assert (case / "profile.yaml").read_bytes() == example.read_bytes(), \
        f"{case}/profile.yaml is not profiles/{example.name}: regenerate (see this module's docstring)"
    for name, text in expected_files(engine, case, example.stem).items():
        path = case / name
        if REGENERATE:
            path.write_text(text, encoding="utf-8")
        assert path.is_file(), f"{path} is missing: regenerate (see this module's docstring)"
        assert text == path.read_text(encoding="utf-8"), f"{path} differs: read the diff, then regenerate"


def test_every_golden_case_is_an_example_profile():
    cases = {p.name for p in GOLDEN.iterdir() if p.is_dir()}
    assert cases == {p.stem for p in outputs.EXAMPLES}
