"""The column pipeline's frames made the slow, sure way: from the row path's own objects.

`reference_parse` is columns-spec section 1 from RawRecord.validated() (a row is ok exactly
when the row path accepts it); `ReferenceColumnEngine` is section 2 from Engine.evaluate of
each row's Profile. They are the oracle the column path's bytes are held to, and stand in
for advisor.columns.parse / evaluate where a test wants the encoders alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from advisor.engine import Engine
from advisor.errors import ProfileError
from advisor.profile import FIELDS, Profile
from advisor.readers import RawRecord

_DTYPES = {"integer": pl.Int64, "number": pl.Float64, "share": pl.Float64, "boolean": pl.Boolean}


def profile_schema() -> dict[str, Any]:
    """The parsed frame's columns: one per Profile field, in the model's order."""
    return {name: _DTYPES.get(spec.kind, pl.Utf8) for name, spec in FIELDS.items()}


class ReferenceChunk:
    def __init__(self, frame: pl.DataFrame, ok: list[bool]) -> None:
        self.frame = frame
        self.ok = ok


def reference_parse(rows: Sequence[RawRecord]) -> ReferenceChunk:
    """Each row through the row path's validation; a rejected row is all unknown and not ok."""
    values: list[dict[str, Any]] = []
    ok = []
    for row in rows:
        record = row.validated()
        ok.append(record.error is None)
        values.append(dict(record.profile.__dict__) if record.profile is not None else dict.fromkeys(FIELDS))
    return ReferenceChunk(pl.DataFrame(values, schema=profile_schema(), orient="row"), ok)


class ReferenceColumnEngine:
    """The result frame of columns-spec section 2, one Engine.evaluate per row."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def schema(self) -> dict[str, Any]:
        e = self.engine
        columns: dict[str, Any] = {"fallback": pl.Boolean, "average_deal_size_usd": pl.Float64}
        columns.update({f"leaf_{j}": pl.Int8 for j in range(len(e.leaves))})
        columns.update({f"rule_{i}": pl.Int8 for i in range(len(e.rules))})
        columns.update({f"low_{i}": pl.Float64 for i in range(len(e.rules))})
        for m in e.tie_break:
            columns.update({f"score_{m}": pl.Float64, f"score_low_{m}": pl.Float64, f"score_high_{m}": pl.Float64})
        columns.update({"department_model": pl.Utf8, "runner_up": pl.Utf8, "confidence": pl.Utf8,
                        "margin": pl.Float64, "inside_share": pl.Float64, "unclamped_inside_share": pl.Float64,
                        "started": pl.Boolean, "next_model": pl.Utf8, "next_confidence": pl.Utf8})
        columns.update({name: pl.List(pl.Int64) for name in
                        ("hybrid_reasons", "not_applicable")})
        columns["sales_kinds"] = pl.List(pl.Utf8)
        return columns

    def evaluate(self, frame: pl.DataFrame) -> pl.DataFrame:
        e = self.engine
        schema = self.schema()
        rows = []
        for values in frame.iter_rows(named=True):
            row: dict[str, Any] = dict.fromkeys(schema)
            try:
                ev = e.evaluate(Profile.model_construct(**values))
            except (ProfileError, TypeError, KeyError):  # a currency without a rate, or a rejected row
                row["fallback"] = True
                rows.append(row)
                continue
            row.update(fallback=False, average_deal_size_usd=ev.facts["average_deal_size"])
            row.update({f"leaf_{j}": code for j, code in enumerate(ev.leaves)})
            row.update({f"rule_{i}": code for i, code in enumerate(ev.rules)})
            row.update({f"low_{i}": ev.degree(i)[0] for i in range(len(e.rules))})
            for m in e.tie_break:
                row.update({f"score_{m}": ev.scores[m], f"score_low_{m}": ev.score_low[m],
                            f"score_high_{m}": ev.score_high[m]})
            row.update(department_model=ev.department_model, runner_up=ev.runner_up, confidence=ev.confidence,
                       margin=ev.margin, inside_share=ev.inside_share, unclamped_inside_share=ev.unclamped_inside_share,
                       started=ev.started, next_model=ev.next_model, next_confidence=ev.next_confidence,
                       hybrid_reasons=ev.hybrid_reasons,
                       not_applicable=e.mix_not_applicable(ev), sales_kinds=e.sales_kinds(ev))
            rows.append(row)
        return pl.DataFrame(rows, schema=schema, orient="row")
