"""A funnel in two files: leads (one row each, with its creation date) and the deals made from them.

The deals file is joined to the leads file on a key column both have (Olist's `mql_id`).
Each lead keeps its row (a second row with the same key is left out and counted); a lead
with several deals keeps the first, the others are counted as left out, as are deals
without a key or whose key names no lead. When the deals file holds
only won deals (no stage column, the `olist` preset, or `--all-won`), a lead with a deal
is won and a lead without one is not won, so the close rate is won leads / all leads.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from advisor.derive.reading import Export

LEADS_LINE, DEALS_LINE = "__leads_line", "__deals_line"
WON_MARK, DECIDED_MARK = "__won", "__decided"  # synthetic won / closed flags


def every_row_won(export: Export, mapping: dict[str, str]) -> dict[str, str]:
    """`--all-won` on one file: each row is a won deal; stage and closed flags no longer decide."""
    import polars as pl

    export.frame = export.frame.with_columns(pl.lit("t").alias(WON_MARK))
    kept = {role: column for role, column in mapping.items() if role not in ("stage", "won_flag", "closed_flag")}
    return {**kept, "won_flag": WON_MARK}


def join_funnel(leads: Export, deals: Export, leads_roles: dict[str, str], deals_roles: dict[str, str],
                keys: tuple[str, str], *, all_won: bool) -> tuple[Export, dict[str, str], Counter]:
    """(the joined export, role -> its column there, rows left out by reason)."""
    import polars as pl

    skipped: Counter = Counter()
    key, deals_key = keys
    left = leads.frame.select(list(dict.fromkeys([key, *leads_roles.values()])))
    left = left.with_row_index(LEADS_LINE, offset=2)
    repeated = left.get_column(key).is_duplicated() & ~left.get_column(key).is_first_distinct()
    skipped["second lead with the same key (leads file)"] = int(repeated.sum())
    left = left.filter(~repeated)
    right_columns = list(dict.fromkeys([deals_key, *deals_roles.values()]))
    right = deals.frame.select(right_columns).with_row_index(DEALS_LINE, offset=2)
    if deals_key != key:
        right = right.rename({deals_key: key})
        right_columns = [key if c == deals_key else c for c in right_columns]
    renamed = {c: f"{c} ({Path(deals.file).name})" for c in right_columns if c != key and c in left.columns}
    right = right.rename(renamed)
    skipped["deal without a key (deals file)"] = int(right.get_column(key).null_count())
    right = right.filter(pl.col(key).is_not_null())
    first_of_key = right.select(pl.col(DEALS_LINE).first().over(key) == pl.col(DEALS_LINE)).to_series()
    skipped["second deal of the same lead (deals file)"] = int((~first_of_key).sum())
    right = right.filter(first_of_key)
    known = left.get_column(key).drop_nulls().unique().implode()
    skipped["deal whose key names no lead (deals file)"] = int((~right.get_column(key).is_in(known)).sum())
    joined = left.join(right, on=key, how="left", maintain_order="left")

    mapping = dict(leads_roles)
    mapping.update({role: renamed.get(column, column) for role, column in deals_roles.items()})
    origins = {column: (leads.file, LEADS_LINE) for column in left.columns}
    origins.update({column: (deals.file, DEALS_LINE) for column in right.columns if column != key})
    if all_won:
        matched = pl.col(DEALS_LINE).is_not_null()
        joined = joined.with_columns(pl.when(matched).then(pl.lit("t")).alias(WON_MARK),
                                     pl.lit("t").alias(DECIDED_MARK))
        mapping = {role: column for role, column in mapping.items() if role not in ("stage", "won_flag", "closed_flag")}
        mapping.update({"won_flag": WON_MARK, "closed_flag": DECIDED_MARK})
    export = Export(joined, leads.file, leads.encoding, deals.delimiter, origins)
    return export, mapping, skipped
