"""The texts of `score`: the batch table's headers and cells, and the summary on stderr."""

from __future__ import annotations

from typing import Any

from advisor.wording import Wording
from advisor.wording.numbers import count


def model_code(model: Any, w: Wording) -> str:
    """The model's short code, and a tie, close call or the model to grow into (with a real arrow)."""
    code = w(f"table.code.{model.id}")
    if model.decided_by == "tie_break":
        return f"{code} ({w('table.tie')})"
    if model.close_call:
        return f"{code} ({w('table.close')})"
    if model.next:
        return f"{code} → {w(f'table.code.{model.next.id}')}"
    return code


def summary_text(summary: Any, w: Wording) -> str:
    """'records read 12, scored 11, rejected 1; one-level 3, ...; written to out.csv'."""
    lang = w.lang
    text = w("score.summary", read=count(summary.read, lang), scored=count(summary.scored, lang),
             rejected=count(summary.rejected, lang))
    models = " · ".join(f"{w(f'table.code.{model}')}: {count(n, lang)}" for model, n in sorted(summary.per_model.items()))
    if models:
        text += f"; {models}"
    if summary.stopped_early:
        text += "; " + w("score.stopped")
        if summary.output:
            text += "; " + w("score.not_written", output=summary.output)
    elif summary.output:
        text += "; " + w("score.written", output=summary.output)
    return text
