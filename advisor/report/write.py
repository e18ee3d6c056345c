"""Writing reports: one file for `advisor report`, a folder with an index for `score --report-dir`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.errors import UsageError
from advisor.i18n import Translator
from advisor.report.content import build_report
from advisor.writers import atomic_output, file_stem


def report_text(engine: Any, profile: Any, *, source: str | None, lang: str, fmt: str) -> tuple[str, Any]:
    content = build_report(engine, profile, source=source, lang=lang)
    if fmt == "html":
        from advisor.report.html import render_html

        return render_html(content), content
    from advisor.report.markdown import render_report_markdown

    return render_report_markdown(content), content


def format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    raise UsageError("the report is HTML or Markdown: name the file *.html or *.md", file=str(path))


def write_report(path: Path, text: str) -> None:
    with atomic_output(path) as stream:
        stream.write(text)


def unique_stem(name: str, taken: set[str]) -> str:
    stem = file_stem(name)
    candidate, n = stem, 2
    while candidate in taken:  # two profiles with one name get two files
        candidate, n = f"{stem}-{n}", n + 1
    taken.add(candidate)
    return candidate


class ReportFolder:
    """Collects one HTML report per scored profile, then writes the sortable index."""

    def __init__(self, folder: Path, engine: Any, lang: str) -> None:
        if folder.exists() and not folder.is_dir():
            raise UsageError("--report-dir is a file, not a folder", file=str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.engine, self.lang = folder, engine, lang
        self.rows: list[dict[str, Any]] = []
        self.taken: set[str] = {"index"}

    def add(self, profile: Any, source: str) -> None:
        from advisor.report.html import render_html

        content = build_report(self.engine, profile, source=source, lang=self.lang)
        stem = unique_stem(profile.name, self.taken)
        write_report(self.folder / f"{stem}.html", render_html(content))
        rec = content.recommendation
        self.rows.append({
            "name": profile.name, "href": f"{stem}.html", "model": rec.department_model.id,
            "model_label": content.t(f"model_short.{rec.department_model.id}") + " · "
                           + content.t(f"confidence.{rec.department_model.confidence}"),
            "inside": rec.sales_mix.inside_share,
            "headcount": content.plan.total if content.plan else None, "items": len(rec.applied_technologies),
            "unknown": len(rec.unknown_fields),
        })

    def finish(self) -> Path:
        from advisor.report.html import render_index

        index = self.folder / "index.html"
        write_report(index, render_index(self.rows, Translator(self.lang)))
        return index
