"""The contradictory answers of a chunk's rows (advisor.checks), found as columns, worded once per value.

`ColumnWarnings(lang).located(frame, rows)` gives, per row of a parsed frame with a
contradiction, the located warnings the row path says for it (`Check.located` of each of
`check_answers`' checks), to the byte. Which rows speak is check_answers' comparisons as
polars expressions, exact alike: parse gives floats and integers (no inf, no nan), and
polars subtracts, multiplies, divides and compares them as Python does with doubles (an
integer times a float made a float first, as in Python); nothing divides by a constant
(polars would multiply by its inverse). Only those rows come back to Python, which words
them as Check.located does: tr's template of each check split once, filled with each value
as `shown_value` shows it, made once per distinct value (the same figures come back
thousands of times), so no Check, dict of values or format call is made per warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from advisor.checks import CLIENTS_SLACK, CLOSE_RATE_SLACK, FIELDS_OF
from advisor.i18n import field_text, text_parts, tr
from advisor.readers import RawRecord
from advisor.recommendation import Share
from advisor.wording.values import shown_value

# values whose text is remembered, so memory stays flat: ~175 B each, 65,536 of them took 11 MB on 1M
# generated rows; 8,192 take 1.4 MB, for ~2,700 more texts made on 100k rows (33,000 distinct values)
# and ~60,000 on 1M (270,000 distinct), ~1.3 us each
_CACHE_LIMIT = 1 << 13


class ColumnWarnings:
    """check_answers and Check.located over a frame of profiles, in one language."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang
        label = tr("check.label", lang)
        self._templates: dict[str, list[tuple[str, str | None, str]]] = {}
        for code, fields in FIELDS_OF.items():
            parts = text_parts(f"check.{code}", lang)
            if parts is None:  # no catalogue text is such; tr would word it, this does not
                raise ValueError(f"check.{code}: a field more than a plain name")
            self._templates[code] = [(f"{fields[0]}: {label}: ", None, ""), *parts]
        self._shown: dict[tuple[type, Any], str] = {}  # (type, value) -> its text

    def located(self, frame: pl.DataFrame, rows: Sequence[RawRecord]) -> dict[int, tuple[str, ...]]:
        """Per row (by its place in `frame` and `rows`) that has any, its located warnings in check_answers' order."""
        leads, deals, rate = pl.col("leads_per_month"), pl.col("deals_per_month"), pl.col("close_rate")
        repeat, team, stage, clients = (pl.col("repeat_sales_share"), pl.col("sales_team_size"),
                                        pl.col("organization_stage"), pl.col("active_clients"))
        new = pl.when(deals.is_not_null() & repeat.is_not_null()).then(deals * (1 - repeat)).otherwise(deals)
        over = (new > leads).fill_null(False)
        # `leads and new_deals and rate and ...`: each known and not 0 (said only where `over` is not)
        rate_off = ((leads != 0) & (new != 0) & (rate != 0) & (new / leads > rate * CLOSE_RATE_SLACK)).fill_null(False)
        no_sellers = ((stage >= 2) & (team == 0)).fill_null(False)
        few_clients = ((new != 0) & (new * 12 > clients * CLIENTS_SLACK)).fill_null(False)
        flagged = frame.lazy().select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("row"), over.alias("over"), rate_off.alias("rate_off"),
            no_sellers.alias("no_sellers"), few_clients.alias("few_clients"), new.cast(pl.Float64).alias("new"),
            leads, rate, stage, clients.cast(pl.Float64),
        ).filter(pl.col("over") | pl.col("rate_off") | pl.col("no_sellers") | pl.col("few_clients")).collect()
        found: dict[int, tuple[str, ...]] = {}
        said = self._said
        for row, over, rate_off, no_sellers, few_clients, new, leads, rate, stage, clients in flagged.iter_rows():
            file, line = rows[row].file, rows[row].line
            where = f"{file}:{line}: " if file and line else f"{file}: " if file else ""  # Check.located's place
            warnings = []
            if over:
                warnings.append(where + said("deals_over_leads", deals=new, leads=leads))
            elif rate_off:
                warnings.append(where + said("close_rate_vs_leads", rate=Share(rate), implied=Share(new / leads),
                                             deals=new, leads=leads))
            if no_sellers:
                warnings.append(where + said("stage_without_sellers", stage=stage))
            if few_clients:
                warnings.append(where + said("clients_under_new_deals", clients=clients, new=new * 12))
            found[row] = tuple(warnings)
        return found

    def _said(self, code: str, **values: Any) -> str:
        """Check(code, ..., values).located's field, label and text: tr's template filled part by part."""
        out, shown, lang = [], self._shown, self.lang
        for literal, name, spec in self._templates[code]:
            out.append(literal)
            if name is not None:
                value = values[name]
                # shown_value reads the name only for a "rate" that is no Share (an exchange rate): here a rate
                # is a close rate, a Share. A float key takes -0.0 for 0.0: figure shows both as "0", and
                # no share said here is -0.0 (a close rate of 0 says nothing; new deals and leads are not 0)
                key = (type(value), value)
                text = shown.get(key)
                if text is None:
                    text = shown_value(name, value, lang)
                    if len(shown) < _CACHE_LIMIT:
                        shown[key] = text
                out.append(field_text(lang, spec, text) if spec else text)
        return "".join(out)
