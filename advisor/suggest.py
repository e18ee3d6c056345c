"""Did-you-mean suggestions for field names, operators and ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like `word` (difflib's ratio at least `cutoff`), or None when nothing is close."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    if match:
        return lowered[match[0]]
    # 'leads' for 'leads_per_month': a word that starts exactly one choice
    starts = [c for low, c in lowered.items() if len(word) >= 3 and low.startswith(word.lower())]
    return starts[0] if len(starts) == 1 else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' or '' when nothing is close."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match else ""
