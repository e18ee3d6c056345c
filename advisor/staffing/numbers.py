"""Figures as the plan shows them: never a rounded 0 for a 0.2 that the arithmetic used."""

from __future__ import annotations

import math


def shown(value: float) -> str:
    """A figure with the precision it needs: 2,100 / 13.3 / 0.2 / 0.04."""
    if value == 0:
        return "0"
    if float(value).is_integer() and abs(value) >= 1:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.1f}".rstrip("0").rstrip(".")
    digits = max(1, -math.floor(math.log10(abs(value))) + 1)  # two significant digits below 1
    return f"{value:.{digits}f}".rstrip("0").rstrip(".")


def share(value: float) -> str:
    return f"{value:.0%}" if value >= 0.01 or value == 0 else f"{value:.1%}"
