"""A comparison of columns (profiles or scenarios) as a rich table or Markdown."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from rich.table import Table

from advisor.compare import Column, technology_differences
from advisor.labels import MODEL_SHORT
from advisor.rulebase.schema import DEPARTMENT_MODELS


def _rows(columns: list[Column]) -> list[tuple[str, list[str]]]:
    rows = [("model", [MODEL_SHORT[c.recommendation.department_model.id] for c in columns])]
    for model in DEPARTMENT_MODELS:
        rows.append((f"  {MODEL_SHORT[model]}", [f"{c.recommendation.department_model.scores[model]:g}" for c in columns]))
    rows.append(("inside / outside", [f"{c.recommendation.sales_mix.inside_share:.0%} / "
                                      f"{c.recommendation.sales_mix.outside_share:.0%}" for c in columns]))
    rows.append(("hybrid", ["yes" if c.recommendation.sales_mix.hybrid else "no" for c in columns]))
    rows.append(("technologies", [str(len(c.recommendation.applied_technologies)) for c in columns]))
    rows.append(("unknown fields", [str(len(c.recommendation.unknown_fields)) for c in columns]))
    for tech, where in technology_differences(columns):
        rows.append((f"  {tech}", ["✓" if w else "" for w in where]))
    return rows


def render_comparison(columns: list[Column], console: Console) -> None:
    table = Table(title="advisor compare", title_justify="left")
    table.add_column("", no_wrap=True)
    for column in columns:
        table.add_column(Text(column.label), overflow="fold")  # Text: a label is data, never markup
    for label, cells in _rows(columns):
        table.add_row(Text(label), *(Text(cell) for cell in cells))
    console.print(table)
    if len(columns) > 1 and not technology_differences(columns):
        console.print("The checklists are the same in every column.")
    if columns:
        console.print(Text(_rule_base(columns[0]), style="dim"))


def _rule_base(column: Column) -> str:
    rec = column.recommendation
    return f"Rule base: {rec.rule_base_name} {rec.rule_base_version} (sha256 {rec.rule_base_sha256[:12]})"


def comparison_markdown(columns: list[Column]) -> str:
    out = ["| | " + " | ".join(c.label for c in columns) + " |", "|---" * (len(columns) + 1) + "|"]
    out += [f"| {label.strip()} | " + " | ".join(cells) + " |" for label, cells in _rows(columns)]
    if columns:
        out += ["", _rule_base(columns[0])]
    return "\n".join(out) + "\n"
