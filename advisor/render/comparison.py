"""A comparison of columns (profiles or scenarios) as a rich table or Markdown."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from rich.table import Table

from advisor.compare import Column, technology_differences
from advisor.labels import MODEL_SHORT
from advisor.rulebase.schema import DEPARTMENT_MODELS


def _rows(columns: list[Column]) -> list[tuple[str, list[str]]]:
    rows = [("model", [_model_cell(c) for c in columns]),
            ("confidence", [c.recommendation.department_model.confidence for c in columns])]
    for model in DEPARTMENT_MODELS:
        rows.append((f"  {MODEL_SHORT[model]}", [_score_cell(c, model) for c in columns]))
    rows.append(("inside / outside", [f"{c.recommendation.sales_mix.inside_share:.0%} / "
                                      f"{c.recommendation.sales_mix.outside_share:.0%}"
                                      if c.recommendation.sales_mix.applies else "n/a: sold at the premises"
                                      for c in columns]))
    rows.append(("hybrid", ["yes" if c.recommendation.sales_mix.hybrid else "no" for c in columns]))
    rows.append(("technologies", [str(len(c.recommendation.applied_technologies)) for c in columns]))
    rows.append(("unknown fields", [str(len(c.recommendation.unknown_fields)) for c in columns]))
    for tech, where in technology_differences(columns):
        rows.append((f"  {tech}", ["✓" if w else "" for w in where]))
    return rows


def _model_cell(column: Column) -> str:
    """The model, and a tie or close call with the runner-up named, or the model to grow into."""
    model = column.recommendation.department_model
    text = MODEL_SHORT[model.id]
    if model.next is not None:
        return f"{text} now, then {MODEL_SHORT[model.next.id]}"
    if model.margin == 0:
        return f"{text} (tie with {MODEL_SHORT[model.runner_up]})"
    if model.close_call:
        return f"{text} (close call with {MODEL_SHORT[model.runner_up]})"
    return text


def _score_cell(column: Column, outcome: str) -> str:
    """Points, with the range the unknown answers leave open when it is wider."""
    model = column.recommendation.department_model
    score, low, high = model.scores[outcome], model.score_low[outcome], model.score_high[outcome]
    shown = f"{score:.2f}".rstrip("0").rstrip(".")
    if high - low > 1e-9:
        shown += f" ({low:.2f}".rstrip("0").rstrip(".") + f"–{high:.2f}".rstrip("0").rstrip(".") + ")"
    return shown


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
