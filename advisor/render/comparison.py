"""A comparison of columns (profiles or scenarios) as a rich table or Markdown: layout only.

Few columns stand side by side, one section of rows after another. When they would not
fit the terminal (`advisor compare profiles/*.yaml`), each profile becomes a numbered row
instead, its name wrapped at word boundaries, and the checklist items that differ get a
table of their own with the numbers as columns.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from advisor.compare import Column
from advisor.wording import Wording, wording
from advisor.wording.comparison import column_heading, differences_text, rule_base_line, sections

MIN_COLUMN = 16  # a column narrower than this breaks words; beyond it, the narrow layout
LABEL_WIDTH = 30  # a longer row label (a checklist item's title) wraps


def render_comparison(columns: list[Column], console: Console, lang: str = "en") -> None:
    w = wording(lang)
    parts = sections(columns, w)
    label_width = min(max((len(label) for s in parts for label, _ in s.rows), default=0), LABEL_WIDTH) + 4
    if label_width + MIN_COLUMN * len(columns) + 3 * len(columns) <= console.width:
        _side_by_side(columns, parts, console, w)
    else:
        _one_row_each(columns, parts, console, w)
    same = differences_text(columns, w)
    if same:
        console.print(same)
    if columns:
        console.print(Text(rule_base_line(columns[0], w), style="dim"))


def _side_by_side(columns: list[Column], parts: list, console: Console, w: Wording) -> None:
    table = Table(title=w("compare.title"), title_justify="left")
    table.add_column("", max_width=LABEL_WIDTH + 2)
    for column in columns:
        table.add_column(Text(column_heading(column, w)), overflow="fold")  # Text: a name is data, never markup
    for number, section in enumerate(parts):
        table.add_row(Text(section.title, style="bold"), *("" for _ in columns), end_section=False)
        for label, cells in section.rows:
            table.add_row(Text("  " + label), *(Text(cell) for cell in cells),
                          end_section=False)
        if number < len(parts) - 1:
            table.rows[-1].end_section = True
    console.print(table)


def _one_row_each(columns: list[Column], parts: list, console: Console, w: Wording) -> None:
    """Many columns: a numbered row each, in the score table's short words (model codes, one share),
    names wrapped at spaces; then the differing checklist items against the row numbers."""
    from advisor.wording.batch import model_code

    table = Table(title=w("compare.title"), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                  padding=(0, 1), collapse_padding=True,  # as score's table: fits 80 columns
                  caption=w("compare.legend"), caption_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(w("compare.profile"), ratio=1, min_width=12)
    table.add_column(w("table.model"))
    table.add_column(w("table.sure"), min_width=len(w("table.sure")))
    for key in ("table.inside", "table.hybrid", "table.items", "table.unknown"):
        table.add_column(w(key), justify="right", no_wrap=True)
    for index, column in enumerate(columns):
        rec = column.recommendation
        mix = rec.sales_mix
        table.add_row(str(index + 1), Text(column_heading(column, w)), model_code(rec.department_model, w),
                      w.confidence(rec.department_model.confidence),
                      w.percent(mix.inside_share) if mix.applies else w("table.na"),
                      w.yes_no(True) if mix.hybrid else "", w.figure(len(rec.applied_technologies)),
                      w.figure(len(rec.unknown_fields)))
    console.print(table)
    differing = parts[-1] if parts and parts[-1].title == w("compare.differ") else None
    if differing is not None:
        items = Table(title=differing.title, title_justify="left")
        items.add_column("")
        for index, _ in enumerate(columns):
            items.add_column(str(index + 1), justify="center", no_wrap=True)
        for label, cells in differing.rows:
            items.add_row(Text(label), *cells)
        console.print(items)


def comparison_markdown(columns: list[Column], lang: str = "en") -> str:
    from advisor.render.markdown import markdown_text

    w = wording(lang)
    out = [f"# {w('compare.title')}", ""]
    for section in sections(columns, w):
        out += [f"## {section.title}", "",
                "| | " + " | ".join(markdown_text(column_heading(c, w)) for c in columns) + " |",
                "|---" * (len(columns) + 1) + "|"]
        out += [f"| {label} | " + " | ".join(cells) + " |" for label, cells in section.rows]
        out.append("")
    same = differences_text(columns, w)
    if same:
        out += [same, ""]
    if columns:
        out += [rule_base_line(columns[0], w, full=True)]
    return "\n".join(out) + "\n"
