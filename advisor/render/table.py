"""A batch of recommendations as one rich table."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from advisor.recommendation import Recommendation

# Short enough that the table fits 80 columns with names unwrapped.
MODEL_CODES = {
    "one_level": "1-level",
    "two_level_contact_center": "2-level CC",
    "two_level_account_manager": "2-level AM",
    "three_level": "3-level",
}


def batch_table(rows: list[tuple[str, Recommendation]]) -> Table:
    table = Table(
        title="advisor score",
        caption="CC = contact centre, AM = account manager; sure = confidence (firm, leaning, open); pts = winner's points and lead. "
        "-f csv or -f json give every score, reason and source."
        + (f"\nRule base: {rows[0][1].rule_base_name} {rows[0][1].rule_base_version} "
           f"(sha256 {rows[0][1].rule_base_sha256[:12]})" if rows else ""),
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    table.add_column("name", no_wrap=True, overflow="ellipsis", max_width=24)
    table.add_column("model", no_wrap=True, min_width=10)
    table.add_column("sure", no_wrap=True, min_width=7)
    table.add_column("pts", justify="right", no_wrap=True, min_width=6)
    table.add_column("inside", justify="right", no_wrap=True, min_width=6)
    table.add_column("hybrid", no_wrap=True, min_width=6)
    table.add_column("techs", justify="right", no_wrap=True, min_width=5)
    table.add_column("unknown", justify="right", no_wrap=True, min_width=7)
    for source, rec in rows:
        model = rec.department_model
        table.add_row(
            Text(rec.profile.name),  # a name is data, never markup
            MODEL_CODES[model.id] + (" (tie)" if model.decided_by == "tie_break" else " (close)" if model.close_call
                                     else f" -> {MODEL_CODES[model.next.id]}" if model.next else ""),
            model.confidence,
            f"{model.scores[model.id]:.1f} {model.margin:+.1f}",
            f"{rec.sales_mix.inside_share:.0%}" if rec.sales_mix.applies else "n/a",  # a sale at the premises
            "yes" if rec.sales_mix.hybrid else "",
            str(len(rec.applied_technologies)),
            str(len(rec.unknown_fields)),
        )
    return table
