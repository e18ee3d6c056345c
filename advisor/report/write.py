"""Writing reports: one file for `advisor report`, a folder with an index for `score --report-dir`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advisor.errors import UsageError
from advisor.wording import wording
from advisor.report.content import build_report
from advisor.writers import atomic_output, file_stem


def report_text(engine: Any, profile: Any, *, source: str | None, lang: str, fmt: str) -> tuple[str, Any]:
    content = build_report(engine, profile, source=source, lang=lang)
    if fmt == "json":
        import json

        from advisor.report.data import report_data

        return json.dumps(report_data(content), ensure_ascii=False, indent=2) + "\n", content
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
    if suffix == ".json":
        return "json"
    raise UsageError("the report is HTML, Markdown or JSON: name the file *.html, *.md or *.json", file=str(path))


def write_report(path: Path, text: str) -> None:
    with atomic_output(path) as stream:
        stream.write(text)


def unique_stem(name: str, taken: set[str], counters: dict[str, int] | None = None) -> str:
    """A file stem for `name` not in `taken` (then taken): two profiles with one name get two files.

    `counters` remembers, per stem, the next number to try, so n profiles of one name cost
    n steps, not n squared (16,000 same-named profiles took 12 s).
    """
    stem = file_stem(name)
    counters = {} if counters is None else counters
    candidate, n = stem, counters.get(stem, 2)
    if candidate in taken:
        candidate = f"{stem}-{n}"
    while candidate in taken:  # a name that already ends like a number, e.g. "Acme-2"
        n += 1
        candidate = f"{stem}-{n}"
    counters[stem] = n + 1 if candidate != stem else n
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
        self.counters: dict[str, int] = {}

    def add(self, profile: Any, source: str) -> None:
        from advisor.report.html import render_html

        content = build_report(self.engine, profile, source=source, lang=self.lang)
        stem = unique_stem(profile.name, self.taken, self.counters)
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
        write_report(index, render_index(self.rows, wording(self.lang)))
        return index
