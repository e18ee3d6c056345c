"""Every text a person reads, in one layer: results carry ids and numbers, this words them.

`Wording(lang)` is what a renderer asks: the catalogue's texts, labels of fields, models,
groups and choices, numbers in the language's format (through CLDR, `numbers`), values with
their units (`values`), the sentences of conditions and reasons with their citation
(`citations`), the verdict, the explanation and the comparison. The language is a
parameter, never fixed at import; the renderers (rich text, Markdown, HTML, CSV headers,
the batch table, ask's screen) only lay these texts out.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from advisor.i18n import DEFAULT_LANGUAGE, tr


class Wording:
    """The texts of one language: `w = wording('ru'); w('rec.why'); w.field('close_rate'); w.percent(0.35)`."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang
        # the texts without values, by key: a report asks ~100 of them (headings, labels), the same in every
        # report of a batch; the catalogue does not change while the process runs
        self._plain: dict[str, str] = {}

    def __call__(self, key: str, /, **values: Any) -> str:
        if values:
            return tr(key, self.lang, **values)
        text = self._plain.get(key)
        if text is None:
            text = self._plain[key] = tr(key, self.lang)
        return text

    # ---- labels ----------------------------------------------------------------------
    def field(self, name: str) -> str:
        return tr(f"field.{name}", self.lang)

    def fields(self, names: list[str] | tuple[str, ...]) -> str:
        return ", ".join(self.field(n) for n in names)

    def model(self, model: str) -> str:
        return tr(f"model.{model}", self.lang)

    def model_short(self, model: str) -> str:
        return tr(f"model_short.{model}", self.lang)

    def group(self, group: str) -> str:
        return tr(f"group.{group}", self.lang)

    def kind(self, kind: str) -> str:
        return tr(f"kind.{kind}", self.lang)

    def confidence(self, confidence: str) -> str:
        return tr(f"confidence.{confidence}", self.lang)

    def yes_no(self, value: bool) -> str:
        return tr("trace.yes" if value else "trace.no", self.lang)

    def title(self, item: Any) -> str:
        """A checklist item's title in this language."""
        return item.title.get(self.lang) or item.title["en"]

    # ---- numbers -----------------------------------------------------------------------
    def points(self, value: float) -> str:
        from advisor.wording.numbers import points

        return points(value, self.lang)

    def number(self, value: float, digits: int) -> str:
        """At most `digits` decimals: 6,8."""
        from advisor.wording.numbers import number

        return number(value, self.lang, digits)

    def figure(self, value: float) -> str:
        from advisor.wording.numbers import figure

        return figure(value, self.lang)

    def percent(self, share: float) -> str:
        from advisor.wording.numbers import percent

        return percent(share, self.lang)

    def signed_percent(self, shift: float) -> str:
        from advisor.wording.numbers import signed_percent

        return signed_percent(shift, self.lang)

    def money(self, amount: float, currency: str) -> str:
        from advisor.wording.numbers import money

        return money(amount, currency, self.lang)

    # ---- values, conditions, reasons ---------------------------------------------------
    def value(self, field: str, value: Any, currency: str | None = None) -> str:
        from advisor.wording.values import value_text

        return value_text(self, field, value, currency)

    def note(self, note: Any) -> str:
        from advisor.wording.values import note_text

        return note_text(self, note)

    def condition(self, leaf: Any) -> str:
        from advisor.wording.values import condition_text

        return condition_text(self, leaf)

    def why(self, trace: Any) -> str:
        """The comparisons that decided a rule, in words: 'repeat sales share = 55% ≥ 20…50%'."""
        return "; ".join(self.condition(leaf) for leaf in trace.deciding())

    def citation(self, source: Any, trace: Any = None) -> Any:
        from advisor.wording.citations import citation

        return citation(self, source, trace)

    def changes(self, changes: dict[str, Any], before: Any = None, currency: str | None = None) -> str:
        """'close rate = 30%; market = consumers (B2C)', or with `before` (a profile) 'a: 20% → 30%'."""
        from advisor.wording.values import changes_text

        return changes_text(self, changes, before, currency)


@cache
def wording(lang: str = DEFAULT_LANGUAGE) -> Wording:
    return Wording(lang)
