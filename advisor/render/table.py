"""A batch of recommendations as one rich table: layout only, texts from advisor.wording."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from rich.text import Text

from advisor.wording import wording
from advisor.wording.batch import model_code

if TYPE_CHECKING:
    from advisor.batch import TableRow
    from advisor.rulebase.loader import RuleBase


def batch_table(rows: list[tuple[str, TableRow]], rule_base: RuleBase, lang: str = "en") -> Table:
    w = wording(lang)
    caption = w("table.caption")
    if rows:
        caption += "\n" + w("rec.rule_base", name=rule_base.meta.name, version=rule_base.meta.version,
                            sha=rule_base.sha256[:12])
    table = Table(
        title=w("table.title"),
        caption=caption,
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    table.add_column(w("table.name"), max_width=24, min_width=10)  # wraps at a space so every column fits 80
    table.add_column(w("table.model"), min_width=10)  # a close call or a next model wraps at a space
    table.add_column(w("table.sure"), min_width=max(7, len(w("table.sure"))))
    for key in ("table.points", "table.inside", "table.hybrid", "table.items", "table.unknown"):
        table.add_column(w(key), justify="left" if key == "table.hybrid" else "right", no_wrap=True,
                         min_width=max(5, len(w(key))))
    for source, row in rows:
        model = row.model
        table.add_row(
            Text(row.name),  # a name is data, never markup
            model_code(model, w),
            w.confidence(model.confidence),
            f"{w.number(model.scores[model.id], 1)} {'+' if model.margin >= 0 else ''}{w.number(model.margin, 1)}",
            w.percent(row.inside_share) if row.inside_share is not None else w("table.na"),  # a sale at the premises
            w.yes_no(True) if row.hybrid else "",
            w.figure(row.technologies),
            w.figure(row.unknown_fields),
        )
    return table
