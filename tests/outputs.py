"""Every output a person reads, rendered in-process for one profile and language.

Shared by the golden output files (test_golden_outputs.py) and the wording lint
(test_wording_lint.py): the same renderers the commands call, with a fixed console width,
no colour (as in a pipe) and a fixed report date, so the outputs are reproducible.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

from rich.console import Console

from conftest import PROFILES, ROOT

WIDTH = 100
DATE = dt.date(2025, 1, 1)
EXAMPLES = sorted(PROFILES.glob("*.yaml"))


def console() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, width=WIDTH, color_system=None, no_color=True, force_terminal=False,
                   emoji=False, highlight=False), stream


def source_of(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def advised(engine: Any, path: Path) -> Any:
    from advisor.explain import advise
    from advisor.readers import read_one_profile

    record = read_one_profile(str(path))
    assert record.error is None, record.error.located()
    return advise(engine, record.profile)


def recommend_text(engine: Any, path: Path, lang: str, source: str | None = None) -> str:
    from advisor.render.text import render_recommendation

    out, stream = console()
    render_recommendation(advised(engine, path), out, source=source or source_of(path), lang=lang)
    return stream.getvalue()


def recommend_markdown(engine: Any, path: Path, lang: str, source: str | None = None) -> str:
    from advisor.render.markdown import render_markdown

    return render_markdown(advised(engine, path), source=source or source_of(path), lang=lang)


def recommend_json(engine: Any, path: Path) -> str:
    """As `advisor recommend -f json` writes it (warnings: none in the example profiles)."""
    from advisor.checks import check_answers

    rec = advised(engine, path)
    data = rec.to_dict()
    data["warnings"] = [c.to_dict() for c in check_answers(rec.profile)]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def explanation(engine: Any, path: Path) -> Any:
    from advisor.explain import explain
    from advisor.readers import read_one_profile

    return explain(engine, read_one_profile(str(path)).profile)


def explain_text(engine: Any, path: Path, lang: str) -> str:
    from advisor.render.explanation import render_explanation

    out, stream = console()
    render_explanation(explanation(engine, path), out, lang)
    return stream.getvalue()


def explain_markdown(engine: Any, path: Path, lang: str) -> str:
    from advisor.render.explanation import render_explanation_markdown

    return render_explanation_markdown(explanation(engine, path), lang)


def columns(engine: Any, paths: list[Path]) -> list[Any]:
    from advisor.compare import build_comparison
    from advisor.readers import read_one_profile

    return build_comparison(engine, [(source_of(p), read_one_profile(str(p)).profile) for p in paths], {}, [])


def compare_text(engine: Any, paths: list[Path], lang: str) -> str:
    from advisor.render.comparison import render_comparison

    out, stream = console()
    render_comparison(columns(engine, paths), out, lang)
    return stream.getvalue()


def compare_markdown(engine: Any, paths: list[Path], lang: str) -> str:
    from advisor.render.comparison import comparison_markdown

    return comparison_markdown(columns(engine, paths), lang)


def score_table(engine: Any, paths: list[Path], lang: str) -> str:
    from advisor.batch import TableRow
    from advisor.readers import read_one_profile
    from advisor.render.table import batch_table

    out, stream = console()
    rows = [(source_of(p), TableRow.of(engine, engine.evaluate(read_one_profile(str(p)).profile))) for p in paths]
    out.print(batch_table(rows, engine.rule_base, lang))
    return stream.getvalue()


def report(engine: Any, path: Path, lang: str, fmt: str) -> str:
    from advisor.readers import read_one_profile
    from advisor.report.content import build_report

    content = build_report(engine, read_one_profile(str(path)).profile, source=source_of(path), lang=lang, date=DATE)
    if fmt == "html":
        from advisor.report.html import render_html

        return render_html(content)
    from advisor.report.markdown import render_report_markdown

    return render_report_markdown(content)


def html_text(html: str) -> str:
    """What a reader of an HTML report sees: its text, without tags, styles and scripts."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))
