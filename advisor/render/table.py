"""A batch of recommendations as one rich table."""

from __future__ import annotations

from rich.table import Table

from advisor.labels import MODEL_SHORT
from advisor.recommendation import Recommendation


def batch_table(rows: list[tuple[str, Recommendation]]) -> Table:
    table = Table(title="advisor score", title_justify="left")
    for column, justify in (("source", "left"), ("name", "left"), ("model", "left"), ("points", "right"),
                            ("inside", "right"), ("hybrid", "left"), ("checklist", "right"), ("unknown", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for source, rec in rows:
        model = rec.department_model
        table.add_row(
            source,
            rec.profile.name,
            MODEL_SHORT[model.id] + (" (tie)" if model.decided_by == "tie_break" else ""),
            f"{model.scores[model.id]:g} (+{model.margin:g})",
            f"{rec.sales_mix.inside_share:.0%}",
            "yes" if rec.sales_mix.hybrid else "",
            str(len(rec.applied_technologies)),
            str(len(rec.unknown_fields)),
        )
    return table
