"""What each CRM's export looks like: column names (ru and en) per role, and won/lost values.

Roles: id, created, closed, stage, won_flag, closed_flag, amount, quantity, unit_price,
client, currency, owner (the seller a deal belongs to), qualifier and closer (where a
lead is qualified by one person and closed by another), key (the column joining a leads
file to a deals file), company (the profile's own company). Column names are compared stripped and lower-cased (amoCRM writes
trailing spaces). `auto` picks the preset whose columns the header matches best.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from advisor.profile import YES_WORDS

ROLES = ("id", "created", "closed", "stage", "won_flag", "closed_flag", "amount", "quantity", "unit_price",
         "client", "currency", "owner", "qualifier", "closer", "key", "company")
# roles a deals file (the second of two) gives; the leads file gives the creation date
DEAL_ROLES = ("closed", "stage", "won_flag", "closed_flag", "amount", "quantity", "unit_price", "currency",
              "owner", "qualifier", "closer")

WON = frozenset({"won", "closed won", "closedwon", "closed - won", "deal won", "win", "success", "успешно",
                 "успешно реализовано", "сделка успешна", "выиграна", "виграна", "угода успішна"})
LOST = frozenset({"lost", "closed lost", "closedlost", "closed - lost", "deal lost", "loss", "failed",
                  "провалена", "сделка провалена", "анализ причины провала", "analyze failure",
                  "закрыто и не реализовано", "проиграна", "програна", "угода провалена"})
TRUE = YES_WORDS | {"t"}  # Salesforce exports write booleans as t/f


@dataclass(frozen=True)
class Preset:
    name: str
    kind: str  # "crm": deals with stages; "orders": order lines, every order won
    columns: dict[str, tuple[str, ...]]
    marks: tuple[str, ...] = ()  # columns only this tool writes, for `auto`
    won: frozenset[str] = WON
    lost: frozenset[str] = LOST
    notes: tuple[str, ...] = field(default=())

    def match(self, header: Sequence[str]) -> dict[str, str]:
        """role -> the header's column for it (first candidate present wins)."""
        normal = {h.strip().lower().lstrip("\ufeff"): h for h in header}
        found = {}
        for role, candidates in self.columns.items():
            for candidate in candidates:
                if candidate in normal:
                    found[role] = normal[candidate]
                    break
        return found

    def score(self, header: Sequence[str]) -> int:
        normal = {h.strip().lower().lstrip("\ufeff") for h in header}
        found = self.match(header)
        if "created" not in found:
            return 0
        return len(found) + 2 * sum(mark in normal for mark in self.marks)


PRESETS: dict[str, Preset] = {
    "bitrix24": Preset(
        "bitrix24", "crm",
        {
            "id": ("id",),
            "created": ("дата создания", "created", "дата начала", "start date"),
            "closed": ("предполагаемая дата закрытия", "assumed close date", "дата изменения", "modified"),
            "stage": ("стадия сделки", "stage", "deal status"),
            "closed_flag": ("сделка закрыта", "closed"),
            "amount": ("сумма", "income"),
            "currency": ("валюта", "currency"),
            "client": ("компания", "company", "контакт", "contact"),
            "owner": ("ответственный", "responsible"),
        },
        marks=("стадия сделки", "сделка закрыта", "повторная сделка", "группа стадий", "направление", "income",
               "assumed close date", "repeat deal", "deal status"),
        notes=("Bitrix24 exports no actual closing date: the (assumed) close date is used, else the last change.",),
    ),
    "amocrm": Preset(
        "amocrm", "crm",
        {
            "id": ("id",),
            "created": ("дата создания сделки", "дата создания", "created at", "date created"),
            "closed": ("дата закрытия", "closed at", "date closed"),
            "stage": ("этап сделки", "статус", "stage", "status"),
            "amount": ("бюджет", "budget", "sale"),
            "client": ("компания", "company", "основной контакт", "contact"),
            "owner": ("ответственный", "responsible user", "responsible"),
        },
        marks=("бюджет", "этап сделки", "дата закрытия", "воронка", "теги", "дата создания сделки"),
    ),
    "hubspot": Preset(
        "hubspot", "crm",
        {
            "id": ("record id", "deal id"),
            "created": ("create date", "created date"),
            "closed": ("close date",),
            "stage": ("deal stage",),
            "amount": ("amount",),
            "client": ("associated company", "associated company (primary)", "company name"),
            "owner": ("deal owner",),
        },
        marks=("record id", "deal stage", "deal name", "deal owner", "associated company"),
    ),
    "pipedrive": Preset(
        "pipedrive", "crm",
        {
            "id": ("deal - id",),
            "created": ("deal - deal created", "deal - add time"),
            "closed": ("deal - won time",),
            "stage": ("deal - status",),
            "amount": ("deal - value",),
            "currency": ("deal - currency",),
            "client": ("deal - organization", "deal - organisation"),
            "owner": ("deal - owner",),
        },
        marks=("deal - status", "deal - title", "deal - stage", "deal - pipeline", "deal - owner"),
    ),
    "salesforce": Preset(
        "salesforce", "crm",
        {
            "id": ("opportunity id", "opportunity name"),
            "created": ("created date",),
            "closed": ("close date",),
            "stage": ("stage",),
            "won_flag": ("won",),
            "closed_flag": ("closed",),
            "amount": ("amount",),
            "client": ("account name",),
            "owner": ("opportunity owner",),
        },
        marks=("opportunity name", "account name", "opportunity owner", "lead source"),
    ),
    "orders": Preset(
        "orders", "orders",
        {
            "id": ("invoiceno", "invoice no", "invoice", "order id", "order number", "order no", "номер заказа",
                   "номер счета", "номер счёта", "номер замовлення"),
            "created": ("invoicedate", "invoice date", "order date", "дата заказа", "дата замовлення", "дата", "date"),
            "amount": ("sales", "total", "order total", "amount", "сумма", "сума"),
            "quantity": ("quantity", "qty", "количество", "кількість"),
            "unit_price": ("unitprice", "unit price", "price", "цена", "ціна"),
            "client": ("customerid", "customer id", "customer", "клиент", "покупатель", "клієнт", "покупець"),
            "currency": ("currency", "валюта"),
        },
        marks=("invoiceno", "invoicedate", "stockcode", "order id", "order date", "ship date", "product id",
               "номер заказа"),
    ),
    "generic": Preset(
        "generic", "crm",
        {
            "id": ("id", "deal id", "deal_id", "opportunity_id", "opportunity id"),
            "created": ("created", "created_at", "create_date", "created date", "date created", "engage_date",
                        "start_date"),
            "closed": ("closed", "closed_at", "close_date", "close date", "won_date", "date closed"),
            "stage": ("stage", "deal_stage", "status", "deal stage"),
            "amount": ("amount", "value", "close_value", "revenue"),
            "client": ("client", "customer", "account", "company", "customer_id", "client_id"),
            "currency": ("currency",),
            "owner": ("owner", "deal owner", "sales_agent", "sales agent", "sales_rep", "sales rep", "manager"),
        },
    ),
    "olist": Preset(
        "olist", "funnel",
        {
            "key": ("mql_id",),
            "created": ("first_contact_date",),
            "closed": ("won_date",),
            "qualifier": ("sdr_id",),
            "closer": ("sr_id",),
            "client": ("seller_id",),
        },
        marks=("mql_id", "first_contact_date", "sdr_id", "sr_id", "won_date", "landing_page_id"),
        notes=("Olist's closed-deals file holds won deals only: a lead without a row there counts as not won.",),
    ),
}
PRESET_NAMES = ("auto", *PRESETS)


def detect(header: Sequence[str]) -> tuple[Preset | None, int]:
    """The best-matching preset and its score; None when no preset finds a creation date."""
    best, best_score = None, 0
    for preset in PRESETS.values():  # specific presets first: they win ties over generic
        score = preset.score(header)
        if score > best_score:
            best, best_score = preset, score
    return best, best_score
