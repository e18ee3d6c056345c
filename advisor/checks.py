"""Sanity checks across answers: contradictions a plan must not silently rest on.

Each check returns a `Check`: a catalogue key, the fields it is about (for locating it in the
input) and the values; it never rejects a profile. `recommend` shows them, `score` writes them
to stderr as warnings, `ask` asks the founder again, and the staffing plan names the fields it
could not trust. Works on a Profile or a mapping of answers (the questionnaire's, mid-way).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from advisor.recommendation import Note, Share
from advisor.slotted import _set, slotted

# How far implied figures may stray before a check speaks: averages and rounding in the
# answers make small gaps normal (own reasoning).
CLOSE_RATE_SLACK = 1.5  # new deals / leads may exceed the close rate by half before it looks wrong
CLIENTS_SLACK = 2.0  # new clients in a year may reach twice the year's active clients (repeat share is of revenue, not deals)

# Each check's fields, the first locating it (advisor.columns.warnings makes the same checks a chunk at a time)
FIELDS_OF = {
    "deals_over_leads": ("deals_per_month", "leads_per_month", "repeat_sales_share"),
    "close_rate_vs_leads": ("close_rate", "deals_per_month", "leads_per_month"),
    "stage_without_sellers": ("organization_stage", "sales_team_size"),
    "clients_under_new_deals": ("active_clients", "deals_per_month"),
}


@slotted(frozen=True, uncompared=('values',))
class Check:
    __slots__ = ("code", "fields", "values")
    code: str  # the catalogue key is check.<code>
    fields: tuple[str, ...]  # the answers that contradict each other; the first locates it
    values: dict[str, Any]

    def __init__(self, code: str, fields: tuple[str, ...], values: dict[str, Any] | None = None) -> None:
        _set(self, "code", code)
        _set(self, "fields", fields)
        _set(self, "values", {} if values is None else values)

    def text(self, lang: str = "en") -> str:
        """The warning in `lang`, its figures in that language's format (advisor.wording)."""
        if not any(isinstance(value, Note) for value in self.values.values()):
            # note_text's own forms, without a Note and a Wording made for each of a batch's thousands of warnings
            from advisor.i18n import tr
            from advisor.wording.values import shown_value

            return tr(f"check.{self.code}", lang, **{k: shown_value(k, v, lang) for k, v in self.values.items()})
        from advisor.wording import wording

        return wording(lang).note(Note(f"check.{self.code}", **self.values))

    def located(self, file: str | None, line_of: Callable[[str | None], int | None] = lambda key: None,
                lang: str = "en") -> str:
        """'file:line: field: warning: text', like a located error."""
        line = line_of(self.fields[0])
        where = f"{file}:{line}" if file and line else (file or "")
        return ": ".join(p for p in (where, self.fields[0], _label(lang), self.text(lang)) if p)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"check": self.code, "fields": list(self.fields), "message": self.text(lang)}


@cache
def _label(lang: str) -> str:
    from advisor.i18n import tr

    return tr("check.label", lang)


def check_answers(data: Any) -> list[Check]:
    """The contradictions among the known answers of a Profile or a mapping; [] when none."""
    get = data.get if isinstance(data, Mapping) else (lambda name: getattr(data, name, None))
    leads, deals, rate = get("leads_per_month"), get("deals_per_month"), get("close_rate")
    repeat, team, stage, clients = get("repeat_sales_share"), get("sales_team_size"), get("organization_stage"), \
        get("active_clients")
    found: list[Check] = []
    new_deals = deals * (1 - repeat) if deals is not None and repeat is not None else deals
    if leads is not None and new_deals is not None and new_deals > leads:
        found.append(Check("deals_over_leads", FIELDS_OF["deals_over_leads"],
                           {"deals": float(new_deals), "leads": float(leads)}))
    elif leads and new_deals and rate and new_deals / leads > rate * CLOSE_RATE_SLACK:
        found.append(Check("close_rate_vs_leads", FIELDS_OF["close_rate_vs_leads"],
                           {"rate": Share(rate), "implied": Share(new_deals / leads), "deals": float(new_deals),
                            "leads": float(leads)}))
    if stage is not None and stage >= 2 and team == 0:
        found.append(Check("stage_without_sellers", FIELDS_OF["stage_without_sellers"], {"stage": stage}))
    if clients is not None and new_deals and new_deals * 12 > clients * CLIENTS_SLACK:
        found.append(Check("clients_under_new_deals", FIELDS_OF["clients_under_new_deals"],
                           {"clients": float(clients), "new": float(new_deals * 12)}))
    return found


def distrusted_fields(checks: list[Check]) -> list[str]:
    """Fields a plan should say it could not trust: every field of every check, in order."""
    seen: dict[str, None] = {}
    for check in checks:
        for name in check.fields:
            seen.setdefault(name, None)
    return list(seen)
