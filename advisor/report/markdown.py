"""The report as Markdown: the same content as the HTML, tables instead of charts.

The layout is templates/report.md.j2; every value in it is neutralised as Markdown and HTML
(templating.markdown_escape), so a client's text cannot become a tag, a link or a table cell."""

from __future__ import annotations

from advisor.report.content import ReportContent
from advisor.report.templating import template
from advisor.report.view import report_view


def render_report_markdown(content: ReportContent) -> str:
    return template("report.md.j2").render(report_view(content))
