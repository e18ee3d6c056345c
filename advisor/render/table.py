"""A batch of recommendations as one rich table: layout only, texts from advisor.wording."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from advisor.recommendation import Recommendation
from advisor.wording import wording
from advisor.wording.batch import model_code


def batch_table(rows: list[tuple[str, Recommendation]], lang: str = "en") -> Table:
    w = wording(lang)
    caption = w("table.caption")
    if rows:
        rec = rows[0][1]
        caption += "\n" + w("rec.rule_base", name=rec.rule_base_name, version=rec.rule_base_version,
                            sha=rec.rule_base_sha256[:12])
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
    table.add_column(w("table.name"), no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column(w("table.model"), no_wrap=True, min_width=10)
    table.add_column(w("table.sure"), no_wrap=True, min_width=7)
    table.add_column(w("table.points"), justify="right", no_wrap=True, min_width=6)
    table.add_column(w("table.inside"), justify="right", no_wrap=True, min_width=6)
    table.add_column(w("table.hybrid"), no_wrap=True, min_width=6)
    table.add_column(w("table.items"), justify="right", no_wrap=True, min_width=5)
    table.add_column(w("table.unknown"), justify="right", no_wrap=True, min_width=7)
    for source, rec in rows:
        model = rec.department_model
        table.add_row(
            Text(rec.profile.name),  # a name is data, never markup
            model_code(model, w),
            w.confidence(model.confidence),
            f"{w.points(model.scores[model.id])} {'+' if model.margin >= 0 else ''}{w.points(model.margin)}",
            w.percent(rec.sales_mix.inside_share) if rec.sales_mix.applies else w("table.na"),  # a sale at the premises
            w.yes_no(True) if rec.sales_mix.hybrid else "",
            w.figure(len(rec.applied_technologies)),
            w.figure(len(rec.unknown_fields)),
        )
    return table
