"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network, printable.
The index page of `score --report-dir` has a small inline script that sorts its table.

The layout is templates/report.html.j2 and index.html.j2 (autoescaped); this module hands them
the report's texts (view.py) and the SVG charts (svg.py, which escapes its own text)."""

from __future__ import annotations

from typing import Any

from advisor.report import svg
from advisor.report.content import ReportContent
from advisor.report.templating import template
from advisor.report.view import report_view


def _charts(view: dict[str, Any]) -> dict[str, Any]:
    t, mix, staffing, path = view["t"], view["mix"], view["staffing"], view["path"]
    return {  # each chart's accessible name is its caption in the report's language
        "scores": svg.score_chart([(s["label"], s["score"], s["winner"]) for s in view["scores"]],
                                  ranges=[s["range"] for s in view["scores"]], title=t("report.scores"),
                                  shown=[s["points"] for s in view["scores"]]),
        "mix": svg.mix_chart(mix["inside"], mix["inside_label"], mix["outside_label"], title=t("report.mix"))
        if mix["applies"] else None,
        "org": svg.org_chart(staffing["top"], staffing["boxes"], title=t("report.org")) if staffing else None,
        "path": svg.path_chart(path["months"], path["people"], path["payroll"], path["revenue"], path["labels"])
        if path else None,
    }


def render_html(content: ReportContent) -> str:
    view = report_view(content)
    return template("report.html.j2").render(view, charts=_charts(view))


def render_index(rows: list[dict[str, Any]], t: Any) -> str:
    """rows: name, href, model, model_label, inside, headcount, items, unknown."""
    return template("index.html.j2").render(rows=rows, t=t, lang=t.lang, title=t("report.index_title"))
