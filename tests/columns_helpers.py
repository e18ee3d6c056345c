"""Helpers for the column-wise tests: profiles as the frame the batch parser makes, and exact comparison."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

import polars as pl

from advisor.engine import Engine
from advisor.profile import FIELDS, Profile

DTYPES = {"text": pl.Utf8, "choice": pl.Utf8, "currency": pl.Utf8, "country": pl.Utf8, "integer": pl.Int64,
          "number": pl.Float64, "share": pl.Float64, "boolean": pl.Boolean}
SCHEMA = {name: DTYPES[spec.kind] for name, spec in FIELDS.items()}


def profile_frame(profiles: Sequence[Profile]) -> pl.DataFrame:
    """One column per Profile field, in FIELDS order, with the dtypes of the column-wise contract."""
    return pl.DataFrame({name: [getattr(p, name) for p in profiles] for name in FIELDS}, schema=SCHEMA)


def expected_row(engine: Engine, profile: Profile) -> dict[str, Any]:
    """What ColumnEngine.evaluate must give for `profile`, column by column, from Engine.evaluate."""
    ev = engine.evaluate(profile)
    row: dict[str, Any] = {"fallback": False, "average_deal_size_usd": ev.facts["average_deal_size"]}
    row.update({f"leaf_{j}": code for j, code in enumerate(ev.leaves)})
    row.update({f"rule_{i}": code for i, code in enumerate(ev.rules)})
    row.update({f"low_{i}": ev.degree(i)[0] for i in range(len(engine.rules))})
    for m in engine.tie_break:
        row[f"score_{m}"], row[f"score_low_{m}"], row[f"score_high_{m}"] = ev.scores[m], ev.score_low[m], ev.score_high[m]
    row.update(department_model=ev.department_model, runner_up=ev.runner_up, confidence=ev.confidence,
               margin=ev.margin, inside_share=ev.inside_share, unclamped_inside_share=ev.unclamped_inside_share,
               started=ev.started, next_model=ev.next_model, next_confidence=ev.next_confidence,
               hybrid_reasons=ev.hybrid_reasons, not_applicable=engine.mix_not_applicable(ev), sales_kinds=engine.sales_kinds(ev))
    return row


def same(a: Any, b: Any) -> bool:
    """Equal, floats bit for bit (0.0 is not -0.0), types alike (1 is not 1.0 nor True)."""
    if isinstance(a, float) or isinstance(b, float):
        return type(a) is type(b) and struct.pack("<d", a) == struct.pack("<d", b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def differences(engine: Engine, profiles: Sequence[Profile], result: pl.DataFrame) -> list[str]:
    """Every (row, column, column-wise value, row-engine value) that differs, for rows not sent back."""
    out = []
    for row, (profile, got) in enumerate(zip(profiles, result.iter_rows(named=True))):
        if got["fallback"]:
            continue
        for column, value in expected_row(engine, profile).items():
            if not same(got[column], value):
                out.append(f"row {row} {column}: {got[column]!r} != {value!r}")
    return out
