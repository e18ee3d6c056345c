"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network, printable.
The index page of `score --report-dir` has a small inline script that sorts its table.

The layout is templates/report.html.j2 and index.html.j2 (autoescaped); this module hands them
the report's texts (view.py), the SVG charts (svg.py, which escapes its own text) and each cited
reason (reason_html, which escapes its values)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

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


# One cited reason. Built here rather than by a template macro: a report has about ten, and a Jinja
# macro call cost ~17 us against ~3 us for this; each value is escaped as the template's autoescape would.
_REASON = '<div class="reason"><b>%s</b> <code>%s</code> %s<div class="source"><i>%s</i>: %s</div>%s</div>\n'
_REASONING = '<div class="source reasoning">%s</div>'


def reason_html(r: Any) -> Markup:
    """A reason of view._reason (effect, rule, why, document, says, reasoning or None) as HTML, escaped."""
    reasoning = _REASONING % escape(r["reasoning"]) if r["reasoning"] is not None else ""
    return Markup(_REASON % (escape(r["effect"]), escape(r["rule"]), escape(r["why"]), escape(r["document"]),
                             escape(r["says"]), reasoning))


@lru_cache(maxsize=None)
def _css() -> Markup:
    """The reports' style sheet, as `{% include "report.css" %}` renders it: once a process, not per report."""
    from advisor.report.templating import _environment

    return Markup(_environment("html").get_template("report.css").render())


def render_html(content: ReportContent) -> str:
    view = report_view(content)
    return template("report.html.j2").render(view, charts=_charts(view), reason=reason_html, css=_css())


def render_index(rows: list[dict[str, Any]], t: Any) -> str:
    """rows: name, href, model, model_label, inside, headcount, items, unknown."""
    return template("index.html.j2").render(rows=rows, t=t, lang=t.lang, title=t("report.index_title"))
