"""Documentation generated from the profile model, so the README cannot drift from it."""

from __future__ import annotations

from advisor.profile import FIELDS, FieldSpec


def field_range(spec: FieldSpec) -> str:
    if spec.kind == "share":
        return "a percent (`35%`, or `35`: above 1) or a fraction 0-1 (`0.35`)"
    if spec.choices:
        return " / ".join(f"`{c}`" for c in spec.choices)
    if spec.kind == "boolean":
        return "yes / no"
    if spec.kind == "currency":
        return "ISO 4217 code, default `USD`"
    if spec.kind == "country":
        return "ISO 3166 two-letter code"
    low = "" if spec.minimum is None else (">" if spec.exclusive_minimum else ">=") + f" {spec.minimum:g}"
    high = "" if spec.maximum is None else f"<= {spec.maximum:g}"
    return ", ".join(p for p in (low, high) if p) or "text"


def fields_markdown() -> str:
    rows = ["| field | type | unit | range | meaning |", "|---|---|---|---|---|"]
    for spec in FIELDS.values():
        name = f"`{spec.name}`" + (" (required)" if spec.required else "")
        rows.append(f"| {name} | {spec.kind} | {spec.unit} | {field_range(spec)} | {spec.help} |")
    return "\n".join(rows)
